//! `/settings/users/new`: "Add user" — name, username, email, role; the user gets an
//! invitation to choose their own password.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::server_fns::InviteUser;
use crate::error::AppError;
use crate::forms::Field;
use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::settings_frame::{Section, SettingsFrame};

#[component]
pub fn InviteUserPage() -> impl IntoView {
    let t = use_messages();
    view! {
        <Title text=t.add_user />
        <RequireUser children=move |me| {
            view! {
                <SettingsFrame current=Section::AddUser is_admin=me.is_admin>
                    <section class="card">
                        <h1>{t.add_user}</h1>
                        {if me.is_admin {
                            view! { <InviteForm /> }.into_any()
                        } else {
                            view! { <p class="alert error" role="alert">{t.not_admin}</p> }.into_any()
                        }}
                    </section>
                </SettingsFrame>
            }
        } />
    }
}

#[component]
fn InviteForm() -> impl IntoView {
    let t = use_messages();
    let action = ServerAction::<InviteUser>::new();
    let pending = action.pending();
    let query = use_query_map();
    let error = move || action.value().get().and_then(Result::err);
    let error_for = move |wanted: fn(&AppError) -> bool| {
        Signal::derive(move || error().filter(&wanted).map(|e| e.message(t)))
    };
    let name_error = error_for(|e| matches!(e, AppError::InvalidName));
    let username_error = error_for(|e| {
        matches!(
            e,
            AppError::InvalidUsername | AppError::UsernameTaken { .. }
        )
    });
    let email_error = error_for(|e| {
        matches!(
            e,
            AppError::InvalidEmail { .. } | AppError::EmailTaken { .. }
        )
    });
    let other_error = move || {
        error()
            .filter(|e| {
                !matches!(
                    e,
                    AppError::InvalidName
                        | AppError::InvalidUsername
                        | AppError::UsernameTaken { .. }
                        | AppError::InvalidEmail { .. }
                        | AppError::EmailTaken { .. }
                )
            })
            .map(|e| e.message(t))
    };
    let invited =
        move || query.read().get("notice").as_deref() == Some("invited") && error().is_none();
    // What was typed, when the refusal carries it (a form sent without JavaScript comes back
    // as a new page).
    let kept = move |name: &'static str| Signal::derive(move || error().and_then(|e| e.kept(name)));
    let admin_kept = move || kept("role").get().as_deref() == Some("admin");
    view! {
        {move || invited().then(|| view! { <p class="alert success" role="status">{t.user_invited}</p> })}
        <p>{t.add_user_intro}</p>
        {move || other_error().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
        <ActionForm action=action attr:class="form">
            <Field name="name" label=t.name_label autocomplete="off" value=kept("name") error=name_error />
            <Field name="username" label=t.username_label autocomplete="off" verbatim=true value=kept("username") error=username_error />
            <Field name="email" label=t.email_field_label kind="email" autocomplete="off" verbatim=true value=kept("email") error=email_error />
            <div class="field">
                <label for="role">{t.role_field_label}</label>
                <select id="role" name="role">
                    <option value="member" selected=move || !admin_kept()>{t.role_member}</option>
                    <option value="admin" selected=admin_kept>{t.role_admin}</option>
                </select>
            </div>
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { t.sending } else { t.invite_button }}
            </button>
        </ActionForm>
    }
}
