//! `/login/verify`: the second login step, after a correct password. "Enter the 6-digit code
//! from your authenticator app", or "Use a recovery code"; or, when the company requires a
//! method the account lacks, setting one up. Plain forms: works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::server_fns::{LoginStep, VerifyLoginStep, current_login_step};
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
                        Ok(LoginStep::Verify) => view! { <VerifyForm action /> }.into_any(),
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

fn code_error(action: ServerAction<VerifyLoginStep>) -> Signal<Option<String>> {
    let t = use_messages();
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.message(t))
    })
}

#[component]
fn VerifyForm(action: ServerAction<VerifyLoginStep>) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let recovery = move || query.read().get("with").as_deref() == Some("recovery-code");
    let pending = action.pending();
    let expired = move || matches!(action.value().get(), Some(Err(AppError::StepExpired)));
    view! {
        <h1>{t.second_step_title}</h1>
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
        {move || expired().then(|| view! { <p><a href=paths::LOGIN>{t.log_in_button}</a></p> })}
        <p class="form-links">
            {move || {
                if recovery() {
                    view! { <a href=paths::LOGIN_STEP>{t.use_app_code}</a> }
                } else {
                    view! { <a href=paths::LOGIN_STEP_RECOVERY>{t.use_recovery_code}</a> }
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
