//! `/login`: username or email, password, "Log in"; "Forgot Password" below.

use crate::plain_forms::{PostForm, form_action};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::LogIn;
use crate::error::AppError;
use crate::i18n::use_messages;
use crate::paths;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_messages();
    let action = form_action::<LogIn>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || action.value().get().and_then(Result::err);
    // Without JavaScript the page is re-rendered after the post: keep what the user typed.
    let typed_identifier = move || match error() {
        Some(AppError::InvalidCredentials { identifier }) => identifier,
        Some(_) => crate::plain_forms::submitted("identifier").unwrap_or_default(),
        None => String::new(),
    };
    let pending = action.pending();

    view! {
        <Title text=t.login_title />
        <section class="card narrow">
            <h1>{t.login_heading}</h1>
            <PostForm action=action attr:class="form" attr:novalidate=false>
                {move || {
                    error()
                        .map(|err| {
                            view! {
                                <p class="alert error" role="alert" id="login-error">
                                    {err.message(t)}
                                </p>
                            }
                        })
                }}
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="identifier">{t.identifier_label}</label>
                    <input
                        id="identifier"
                        name="identifier"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        value=typed_identifier
                        aria-describedby=move || error().map(|_| "login-error")
                        aria-invalid=move || error().map(|_| "true")
                    />
                </div>
                <div class="field">
                    <label for="password">{t.password_label}</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-describedby=move || error().map(|_| "login-error")
                        aria-invalid=move || error().map(|_| "true")
                    />
                </div>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {move || if pending.get() { t.logging_in } else { t.log_in_button }}
                </button>
            </PostForm>
            <p class="form-links">
                <a href=paths::FORGOT_PASSWORD>{t.forgot_password}</a>
            </p>
            <p class="hint">{t.forgot_username_hint}</p>
        </section>
    }
}
