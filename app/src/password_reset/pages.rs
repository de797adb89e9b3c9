//! The pages of the reset flow: ask, sent, choose the new password, done.

use crate::plain_forms::{PostForm, form_action};
use leptos::prelude::*;
use leptos_meta::Title;

use super::server_fns::{LinkExpiry, RequestReset, ResetPassword, reset_link_status};
use crate::error::{AppError, link_explained};
use crate::forms::Field;
use crate::i18n::use_messages;
use crate::new_password::{NewPasswordFields, PasswordRules};
use crate::paths;
use latch_domain::LinkState;

/// `/forgot-password`: "Email" and "Send me reset password instructions".
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_messages();
    let action = form_action::<RequestReset>();
    let error = move || action.value().get().and_then(Result::err);
    let typed_email = move || match error() {
        Some(AppError::InvalidEmail { email }) => email,
        // Without JavaScript a refused post renders the page again: keep what was typed.
        Some(_) => crate::plain_forms::submitted("email").unwrap_or_default(),
        None => String::new(),
    };
    let pending = action.pending();

    view! {
        <Title text=t.forgot_title />
        <section class="card narrow">
            <h1>{t.forgot_title}</h1>
            <p>{t.forgot_intro}</p>
            <PostForm action=action attr:class="form">
                <Field
                    name="email"
                    label=t.email_field_label
                    kind="email"
                    autocomplete="email"
                    verbatim=true
                    value=move || Some(typed_email())
                    error=move || error().map(|err| err.message(t))
                />
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { t.sending } else { t.send_reset_button }}
                </button>
            </PostForm>
            <p class="hint">{t.forgot_username_hint}</p>
            <p class="form-links">
                <a href=paths::LOGIN>{t.back_to_login}</a>
            </p>
        </section>
    }
}

/// `/forgot-password/sent`: the same words whether or not the address has an account.
#[component]
pub fn ResetSentPage() -> impl IntoView {
    let t = use_messages();
    let status = Resource::new_blocking(|| (), |_| reset_link_status());
    view! {
        <Title text=t.sent_title />
        <section class="card narrow">
            <h1>{t.sent_title}</h1>
            <Suspense>
                {move || Suspend::new(async move {
                    let minutes = status.await.map(|s| s.valid_minutes).unwrap_or(30);
                    view! { <p role="status">{(t.sent_body)(minutes)}</p> }
                })}
            </Suspense>
            <p>{t.sent_nothing_arrived}</p>
            <p class="form-links">
                <a href=paths::FORGOT_PASSWORD>{t.sent_try_again}</a>
                " · "
                <a href=paths::LOGIN>{t.back_to_login}</a>
            </p>
        </section>
    }
}

/// `/reset-password`: the form while the link is good, otherwise a page that says why not
/// and offers a new link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_messages();
    let status = Resource::new_blocking(|| (), |_| reset_link_status());
    view! {
        <Title text=t.reset_title />
        <section class="card narrow">
            <Suspense>
                {move || Suspend::new(async move {
                    match status.await.map(|s| (s.state, s.rules, s.expiry)) {
                        Ok((LinkState::Valid, Some(rules), expiry)) => {
                            view! { <ResetForm rules expiry /> }.into_any()
                        }
                        Ok((state, _, _)) => view! { <DeadLink state /> }.into_any(),
                        Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ResetForm(rules: PasswordRules, expiry: Option<LinkExpiry>) -> impl IntoView {
    let t = use_messages();
    let action = form_action::<ResetPassword>();
    let error = move || action.value().get().and_then(Result::err);
    let pending = action.pending();
    // Which field an error belongs to, so it is announced with that field.
    let password_error = move || {
        error().filter(|e| {
            matches!(
                e,
                AppError::PasswordRejected { .. }
                    | AppError::Busy { .. }
                    | AppError::Unexpected
                    | AppError::Unavailable
                    | AppError::Request(_)
            )
        })
    };
    let confirm_error = move || error().filter(|e| matches!(e, AppError::PasswordsDiffer));
    let password_message = Signal::derive(move || password_error().map(|err| err.message(t)));
    let confirm_message = Signal::derive(move || confirm_error().map(|err| err.message(t)));
    let link_error = move || match error() {
        Some(AppError::ResetLinkUnusable { state }) => Some(state),
        _ => None,
    };

    view! {
        {move || match link_error() {
            Some(state) => view! { <DeadLink state /> }.into_any(),
            None => {
                let account = (t.reset_for_account)(
                    &rules.about.username,
                    &latch_domain::masked_email(&rules.about.email),
                );
                let rules = rules.clone();
                let expiry = expiry.clone().map(|expiry| {
                    view! { <p class="hint link-expiry" lang=expiry.locale.tag()>{expiry.sentence}</p> }
                });
                view! {
                    <h1>{t.reset_title}</h1>
                    <p>{t.reset_intro}</p>
                    <p class="reset-account">{account}</p>
                    {expiry}
                    <PostForm action=action attr:class="form">
                        <NewPasswordFields
                            rules
                            password_error=password_message
                            confirm_error=confirm_message
                        />
                        <button type="submit" class="button primary" disabled=move || pending.get()>
                            {move || if pending.get() { t.saving } else { t.set_password_button }}
                        </button>
                    </PostForm>
                }
                    .into_any()
            }
        }}
    }
}

/// A used, expired, replaced or unknown link: say which, and offer a new one.
#[component]
fn DeadLink(state: LinkState) -> impl IntoView {
    let t = use_messages();
    let (heading, body) = link_explained(state, t);
    view! {
        <h1>{heading}</h1>
        <p role="alert">{body}</p>
        <p>
            <a class="button primary" href=paths::FORGOT_PASSWORD>{t.request_new_link}</a>
        </p>
        <p class="form-links">
            <a href=paths::LOGIN>{t.back_to_login}</a>
        </p>
    }
}

/// `/reset-password/done`: changed; log in again (the user is not signed in automatically).
#[component]
pub fn ResetDonePage() -> impl IntoView {
    let t = use_messages();
    view! {
        <Title text=t.reset_done_title />
        <section class="card narrow">
            <h1>{t.reset_done_title}</h1>
            <p class="alert success" role="status">{t.reset_done_body}</p>
            <p>
                <a class="button primary" href=paths::LOGIN>{t.log_in_link}</a>
            </p>
        </section>
    }
}
