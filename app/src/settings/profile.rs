use leptos::prelude::*;
use leptos_meta::Title;

use super::{Section, SettingsFrame};
use crate::layout::RequireUser;
use crate::use_messages;

/// `/settings`: the signed-in user's own account at a glance.
#[component]
pub fn ProfileSettingsPage() -> impl IntoView {
    let t = use_messages();
    view! {
        <Title text=t.profile_settings />
        <RequireUser children=move |user| {
            let role = if user.is_admin { t.role_admin } else { t.role_member };
            view! {
                <SettingsFrame current=Section::Profile>
                    <section class="card">
                        <h1>{t.profile_settings}</h1>
                        <dl class="details">
                            <dt>{t.name_label}</dt>
                            <dd>{user.display_name}</dd>
                            <dt>{t.username_label}</dt>
                            <dd>{user.username}</dd>
                            <dt>{t.email_label}</dt>
                            <dd>{user.email}</dd>
                            <dt>{t.company_label}</dt>
                            <dd>{user.company}</dd>
                            <dt>{t.role_label}</dt>
                            <dd>{role}</dd>
                        </dl>
                    </section>
                </SettingsFrame>
            }
        } />
    }
}
