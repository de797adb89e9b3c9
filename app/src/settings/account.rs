//! `/settings/account`: "Account Settings", where a signed-in user changes their password and
//! chooses their language and time zone.

use crate::plain_forms::{PostForm, form_action};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::devices::DevicesSection;
use super::language::LanguageForm;
use super::server_fns::{ChangePassword, my_password_rules};
use super::time_zone::TimeZoneForm;
use crate::error::AppError;
use crate::forms::Field;
use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::new_password::{NewPasswordFields, PasswordRules};
use crate::settings_frame::{Section, SettingsFrame};
use crate::two_factor::TwoStepSection;

#[component]
pub fn AccountSettingsPage() -> impl IntoView {
    let t = use_messages();
    let rules = Resource::new_blocking(|| (), |_| my_password_rules());
    view! {
        <Title text=t.account_settings />
        <RequireUser children=move |user| {
            view! {
                <SettingsFrame current=Section::Account is_admin=user.is_admin>
                    <section class="card">
                        <h1>{t.account_settings}</h1>
                        <h2>{t.change_password_heading}</h2>
                        <Suspense>
                            {move || Suspend::new(async move {
                                match rules.await {
                                    Ok(rules) => view! { <ChangePasswordForm rules /> }.into_any(),
                                    Err(err) => {
                                        view! { <p class="alert error" role="alert">{err.message(t)}</p> }
                                            .into_any()
                                    }
                                }
                            })}
                        </Suspense>
                    </section>
                    <section class="card" id="two-step" aria-labelledby="two-step-heading">
                        <TwoStepSection />
                    </section>
                    <section class="card">
                        <LanguageForm saved=user.locale />
                    </section>
                    <section class="card">
                        <TimeZoneForm />
                    </section>
                    <section class="card" id="devices" aria-labelledby="devices-heading">
                        <DevicesSection />
                    </section>
                </SettingsFrame>
            }
        } />
    }
}

#[component]
fn ChangePasswordForm(rules: PasswordRules) -> impl IntoView {
    let t = use_messages();
    let action = form_action::<ChangePassword>();
    let pending = action.pending();
    let query = use_query_map();
    let form = NodeRef::<leptos::html::Form>::new();
    let typed = RwSignal::new(String::new());
    // Without JavaScript a refused post renders the form again: an unticked box stays so.
    let unticked = crate::plain_forms::refused::<ChangePassword>()
        && crate::plain_forms::submitted("sign_out_others").is_none();

    let error = move || action.value().get().and_then(Result::err);
    // The success message comes from the address the server redirected to, so it is the same
    // with and without JavaScript; a new submission hides it.
    let changed = move || {
        let submitted_again = pending.get() || error().is_some();
        let confirmation = match query.read().get("changed").as_deref() {
            Some("signed-out") => Some(t.password_changed_signed_out_others),
            Some("kept") => Some(t.password_changed_kept_others),
            _ => None,
        };
        confirmation.filter(|_| !submitted_again)
    };
    // After a success the fields are emptied, so nothing typed lingers on screen.
    Effect::new(move || {
        if matches!(action.value().get(), Some(Ok(()))) {
            if let Some(form) = form.get() {
                form.reset();
            }
            typed.set(String::new());
        }
    });

    let existing_error = Signal::derive(move || {
        error()
            .filter(|e| {
                matches!(
                    e,
                    AppError::WrongExistingPassword
                        | AppError::Throttled { .. }
                        | AppError::NotSignedIn
                )
            })
            .map(|e| e.message(t))
    });
    let password_error = Signal::derive(move || {
        error()
            .filter(|e| {
                matches!(
                    e,
                    AppError::PasswordRejected { .. }
                        | AppError::SameAsExisting
                        | AppError::Busy { .. }
                        | AppError::Unexpected
                        | AppError::Unavailable
                        | AppError::Request(_)
                )
            })
            .map(|e| e.message(t))
    });
    let confirm_error = Signal::derive(move || {
        error()
            .filter(|e| matches!(e, AppError::PasswordsDiffer))
            .map(|e| e.message(t))
    });

    view! {
        {move || changed().map(|message| view! { <p class="alert success" role="status">{message}</p> })}
        <p>{t.change_password_intro}</p>
        <PostForm action=action node_ref=form attr:class="form">
            <Field
                name="existing"
                label=t.existing_password_label
                kind="password"
                autocomplete="current-password"
                error=existing_error
            />
            <NewPasswordFields rules password_error confirm_error typed />
            <div class="checkbox-field">
                <input
                    type="checkbox"
                    id="sign_out_others"
                    name="sign_out_others"
                    value="on"
                    checked=!unticked
                    aria-describedby="sign_out_others-hint"
                />
                <label for="sign_out_others">{t.sign_out_other_devices}</label>
                <p class="hint" id="sign_out_others-hint">{t.sign_out_other_devices_hint}</p>
            </div>
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { t.saving } else { t.update_button }}
            </button>
        </PostForm>
    }
}
