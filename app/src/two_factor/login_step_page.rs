//! `/login/verify`: the second login step, after a correct password. "Enter the 6-digit code
//! from your authenticator app", or "Use a recovery code"; or, when the company requires a
//! method the account lacks, setting one up. Plain forms: works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::server_fns::{LoginStep, VerifyLoginStep, current_login_step};
use super::settings_card::PasskeyScriptParts;
use super::setup_display::{CodeField, SetupDisplay};
use crate::error::AppError;
use crate::i18n::use_messages;
use crate::paths;
use crate::plain_forms::{PostForm, form_action};

#[component]
pub fn LoginStepPage() -> impl IntoView {
    let t = use_messages();
    let action = form_action::<VerifyLoginStep>();
    // Fetched again after a refusal: an expired step then shows as expired.
    let step = Resource::new_blocking(move || action.version().get(), |_| current_login_step());
    view! {
        <Title text=t.second_step_title />
        <section class="card narrow">
            <Suspense>
                {move || Suspend::new(async move {
                    match step.await {
                        Ok(LoginStep::Verify { passkey, app }) => {
                            view! { <VerifyForm action passkey app /> }.into_any()
                        }
                        Ok(LoginStep::Enrol(setup)) => view! { <EnrolForm action setup /> }.into_any(),
                        Ok(LoginStep::Expired) => view! { <Expired /> }.into_any(),
                        Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Expired() -> impl IntoView {
    let t = use_messages();
    view! {
        <h1>{t.second_step_title}</h1>
        <p class="alert error" role="alert">{t.step_expired}</p>
        <p><a class="button primary" href=paths::LOGIN>{t.log_in_button}</a></p>
    }
}

/// A passkey's refusal, said at the passkey's button rather than at the code field.
fn is_passkey_refusal(err: &AppError) -> bool {
    matches!(
        err,
        AppError::PasskeyRefused | AppError::PasskeysUnavailable
    )
}

fn code_error(action: ServerAction<VerifyLoginStep>) -> Signal<Option<String>> {
    let t = use_messages();
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|err| !is_passkey_refusal(err))
            .map(|err| err.message(t))
    })
}

/// "Use your passkey": `/passkeys.js` takes the submit, gets a challenge from
/// `start_passkey_step`, lets the browser sign it, and posts this form with the answer.
/// `every_refusal`: no code field on the page says the others (too many attempts...).
#[component]
fn PasskeyForm(action: ServerAction<VerifyLoginStep>, every_refusal: bool) -> impl IntoView {
    let t = use_messages();
    let refused = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|err| every_refusal || is_passkey_refusal(err))
            .map(|err| err.message(t))
    };
    view! {
        <p>{t.passkey_step_intro}</p>
        {move || refused().map(|text| view! { <p class="alert error" role="alert">{text}</p> })}
        <PostForm action=action attr:class="form">
            <input type="hidden" name="with" value="passkey" />
            <input type="hidden" name="code" value="" />
            <PasskeyScriptParts ceremony="sign-in" />
            <button type="submit" class="button primary needs-passkeys">{t.use_passkey_button}</button>
        </PostForm>
    }
}

#[component]
fn VerifyForm(action: ServerAction<VerifyLoginStep>, passkey: bool, app: bool) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let recovery = move || query.read().get("with").as_deref() == Some("recovery-code");
    // An account with a passkey and no app starts at its passkey; with both, at the app's
    // code, the passkey offered too.
    let code_form = move || recovery() || app || !passkey;
    let pending = action.pending();
    let expired = move || matches!(action.value().get(), Some(Err(AppError::StepExpired)));
    view! {
        <h1>{t.second_step_title}</h1>
        {move || {
            (passkey && !recovery()).then(|| view! { <PasskeyForm action every_refusal=!code_form() /> })
        }}
        {move || code_form().then(|| view! {
        <PostForm action=action attr:class="form">
            {move || {
                let recovery = recovery();
                view! {
                    <input type="hidden" name="with" value=if recovery { "recovery-code" } else { "app" } />
                    <CodeField
                        label=if recovery { t.recovery_code_label } else { t.enter_app_code }
                        hint=recovery.then_some(t.recovery_code_hint)
                        recovery
                        error=code_error(action)
                    />
                }
            }}
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { t.verifying } else { t.verify_button }}
            </button>
        </PostForm>
        })}
        {move || expired().then(|| view! { <p><a href=paths::LOGIN>{t.log_in_button}</a></p> })}
        <p class="form-links">
            {move || {
                if !recovery() {
                    view! { <a href=paths::LOGIN_STEP_RECOVERY>{t.use_recovery_code}</a> }.into_any()
                } else if app {
                    view! { <a href=paths::LOGIN_STEP>{t.use_app_code}</a> }.into_any()
                } else {
                    view! { <a href=paths::LOGIN_STEP>{t.use_passkey_button}</a> }.into_any()
                }
            }}
        </p>
        <p class="hint">{t.lost_everything_hint}</p>
    }
}

#[component]
fn EnrolForm(
    action: ServerAction<VerifyLoginStep>,
    setup: super::server_fns::AppSetup,
) -> impl IntoView {
    let t = use_messages();
    let pending = action.pending();
    view! {
        <h1>{t.enrol_heading}</h1>
        <p>{t.enrol_intro}</p>
        <SetupDisplay setup />
        <PostForm action=action attr:class="form">
            <input type="hidden" name="with" value="app" />
            <CodeField label=t.app_code_label error=code_error(action) />
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { t.verifying } else { t.turn_on_button }}
            </button>
        </PostForm>
    }
}
