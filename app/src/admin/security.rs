//! `/settings/security` (admins): the company's security policy, "Require two-step
//! verification" for nobody, for admins, or for everyone, and the new sign-in alert. A change
//! needs the admin's password (once every few minutes) and is audited.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::server_fns::{SetSecurityPolicy, get_security_policy};
use super::types::SecurityPolicy;
use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::plain_forms::{PostForm, form_action};
use crate::settings_frame::{Section, SettingsFrame};

#[component]
pub fn SecurityPage() -> impl IntoView {
    let t = use_messages();
    let action = form_action::<SetSecurityPolicy>();
    let query = use_query_map();
    let policy = Resource::new_blocking(
        move || (query.read().get("notice"), action.version().get()),
        |_| get_security_policy(),
    );
    view! {
        <Title text=t.security_title />
        <RequireUser children=move |me| {
            view! {
                <SettingsFrame current=Section::Security is_admin=me.is_admin>
                    <section class="card">
                        <h1>{t.security_title}</h1>
                        <Suspense>
                            {move || Suspend::new(async move {
                                match policy.await {
                                    Ok(policy) => view! { <PolicyForm policy action /> }.into_any(),
                                    Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </section>
                </SettingsFrame>
            }
        } />
    }
}

#[component]
fn PolicyForm(policy: SecurityPolicy, action: ServerAction<SetSecurityPolicy>) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let pending = action.pending();
    let error = move || action.value().get().and_then(Result::err);
    let saved = move || {
        (query.read().get("notice").as_deref() == Some("saved")
            && !pending.get()
            && error().is_none())
        .then_some(t.policy_saved_notice)
    };
    // Without JavaScript a refused post renders the page again with the choice made.
    let chosen =
        crate::plain_forms::submitted("require_two_step").unwrap_or(policy.require_two_step);
    // The same for the box: after a refused post it shows what was sent.
    let alerts_on = if crate::plain_forms::refused::<SetSecurityPolicy>() {
        crate::plain_forms::submitted("new_sign_in_alerts").is_some()
    } else {
        policy.new_sign_in_alerts
    };
    let options = [
        ("off", t.require_two_step_off),
        ("admins", t.require_two_step_admins),
        ("everyone", t.require_two_step_everyone),
    ]
    .into_iter()
    .map(|(value, label)| {
        let id = format!("require-{value}");
        view! {
            <div class="radio-field">
                <input
                    type="radio"
                    id=id.clone()
                    name="require_two_step"
                    value=value
                    checked=chosen == value
                />
                <label for=id>{label}</label>
            </div>
        }
    })
    .collect_view();
    view! {
        {move || saved().map(|text| view! { <p class="alert success" role="status">{text}</p> })}
        {move || error().map(|err| view! { <p class="alert error" role="alert">{err.message(t)}</p> })}
        <PostForm action=action attr:class="form">
            <fieldset aria-describedby="require-two-step-hint">
                <legend>{t.require_two_step_legend}</legend>
                {options}
            </fieldset>
            <p class="hint" id="require-two-step-hint">{t.require_two_step_hint}</p>
            <div class="checkbox-field">
                <input
                    type="checkbox"
                    id="new_sign_in_alerts"
                    name="new_sign_in_alerts"
                    value="on"
                    checked=alerts_on
                    aria-describedby="new_sign_in_alerts-hint"
                />
                <label for="new_sign_in_alerts">{t.sign_in_alerts_label}</label>
                <p class="hint" id="new_sign_in_alerts-hint">{t.sign_in_alerts_hint}</p>
            </div>
            {(!policy.password_confirmed).then(|| view! {
                <div class="field">
                    <label for="policy_password">{t.current_password_label}</label>
                    <input
                        id="policy_password"
                        name="policy_password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
            })}
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { t.saving } else { t.save_policy_button }}
            </button>
        </PostForm>
    }
}
