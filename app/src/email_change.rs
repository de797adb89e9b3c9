//! The page an email-change link opens (`/confirm-email`): whose address becomes what, and
//! "Confirm email address". Opening the link changes nothing (mail scanners open links); the
//! token waits in the same short-lived cookie a reset link uses, out of the address bar.

use crate::plain_forms::{PostForm, form_action};
use latch_domain::LinkState;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;
use crate::i18n::use_messages;
use crate::paths;
#[cfg(feature = "ssr")]
use {crate::server::Call, latch_core::admin};

/// What the confirmation page shows: the link's state and, while it works, the account and
/// its new address (the holder of the new mailbox read both in the mail already).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EmailLinkStatus {
    pub state: LinkState,
    pub username: Option<String>,
    pub new_email: Option<String>,
}

/// The email-change link in this browser's cookie.
#[server(name = EmailChangeStatus, prefix = "/api", endpoint = "email_change_status")]
pub async fn email_change_status() -> Result<EmailLinkStatus, AppError> {
    let call = Call::begin()?;
    let db = &call.services.db;
    let status = admin::email_change_status(db, call.reset_token(), call.now()).await;
    call.reply(status.map(|(state, pending)| EmailLinkStatus {
        state,
        username: pending.as_ref().map(|p| p.username.clone()),
        new_email: pending.map(|p| p.new_email),
    }))
}

/// "Confirm email address": the change takes effect, the user is signed out everywhere.
#[server(name = ConfirmEmail, prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email() -> Result<(), AppError> {
    let call = Call::begin()?;
    let (db, token) = (&call.services.db, call.reset_token());
    let webhooks = &call.services.webhooks;
    let result = admin::confirm_email_change(db, webhooks, token, call.client_ip(), call.now())
        .await
        .map(|address| {
            call.clear_reset_cookie();
            paths::email_confirmed(&address)
        });
    call.finish(result)
}

/// `/confirm-email`.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let t = use_messages();
    let status = Resource::new_blocking(|| (), |_| email_change_status());
    let action = form_action::<ConfirmEmail>();
    let pending = action.pending();
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.message(t))
    };
    view! {
        <Title text=t.confirm_email_title />
        <section class="card narrow">
            <h1>{t.confirm_email_title}</h1>
            {move || error().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <Suspense>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(EmailLinkStatus { username: Some(username), new_email: Some(email), .. }) => {
                            view! {
                                <p>{(t.confirm_email_body)(&username, &email)}</p>
                                <PostForm action=action attr:class="form">
                                    <button type="submit" class="button primary" disabled=move || pending.get()>
                                        {t.confirm_email_button}
                                    </button>
                                </PostForm>
                            }
                                .into_any()
                        }
                        Ok(_) => view! { <p class="alert error" role="alert">{t.email_link_unusable}</p> }.into_any(),
                        Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/confirm-email/done`: the new address, and "Log in".
#[component]
pub fn EmailConfirmedPage() -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let email = move || query.read().get("email").unwrap_or_default();
    view! {
        <Title text=t.email_confirmed_heading />
        <section class="card narrow">
            <h1>{t.email_confirmed_heading}</h1>
            <p class="alert success" role="status">{move || (t.email_confirmed_body)(&email())}</p>
            <p>
                <a class="button primary" href=paths::LOGIN>{t.log_in_link}</a>
            </p>
        </section>
    }
}
