use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::CompanyUsers;
use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::settings_frame::{Section, SettingsFrame};

/// `/settings`: the signed-in user's own account at a glance.
#[component]
pub fn ProfileSettingsPage() -> impl IntoView {
    let t = use_messages();
    view! {
        <Title text=t.profile_settings />
        <RequireUser children=move |user| {
            let role = if user.is_admin { t.role_admin } else { t.role_member };
            let company = user.company.clone();
            let is_admin = user.is_admin;
            view! {
                <SettingsFrame current=Section::Profile is_admin>
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
                    {is_admin.then(|| view! { <CompanyUsers company /> })}
                </SettingsFrame>
            }
        } />
    }
}
