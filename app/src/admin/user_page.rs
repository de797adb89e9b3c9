//! `/settings/users/:id`: one user of the admin's company: their details and last email, and
//! what the admin can change: "Reset Password", the email address, access, role. Email and
//! role changes need "Confirm your password" first (a form of its own on this page, so it
//! works with and without JavaScript); an email change then waits for the new address.

use crate::plain_forms::{PostForm, form_action};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::reset_confirm::ResetDialog;
use super::server_fns::{
    ChangeEmail, Reauthenticate, RemoveUserTwoStep, SetActive, SetRole, SignOutEverywhere, get_user,
};
use super::types::UserRow;
use super::user_list::MailState;
use crate::forms::Field;
use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::paths;
use crate::settings_frame::{Section, SettingsFrame};

#[component]
pub fn ManageUserPage() -> impl IntoView {
    let t = use_messages();
    let params = use_params_map();
    let query = use_query_map();
    let user_id = move || params.read().get("id").unwrap_or_default();
    // Refetched after every action: each one comes back here with a new `notice`.
    let user = Resource::new_blocking(
        move || (user_id(), query.read().get("notice")),
        |(id, _)| get_user(id),
    );
    view! {
        <Title text=t.users_heading />
        <RequireUser children=move |me| {
            view! {
                <SettingsFrame current=Section::Users is_admin=me.is_admin>
                    <Suspense>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(user) => view! { <ManageUser user /> }.into_any(),
                                Err(err) => {
                                    view! {
                                        <section class="card">
                                            <p class="alert error" role="alert">{err.message(t)}</p>
                                            <p><a href=paths::PROFILE_SETTINGS>{t.back_to_users}</a></p>
                                        </section>
                                    }
                                        .into_any()
                                }
                            }
                        })}
                    </Suspense>
                </SettingsFrame>
            }
        } />
    }
}

#[component]
fn ManageUser(user: UserRow) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let here = paths::user(&user.id);
    let return_to = Signal::stored(here.clone());
    // What the last action did, from the address the server sent the browser back to.
    let reauth_minutes = u64::try_from(user.reauth_minutes).unwrap_or_default();
    let notice = {
        let (email, name) = (user.email.clone(), user.display_name.clone());
        let pending = user.pending_email.clone();
        move || {
            let notice = query.read().get("notice")?;
            Some(match notice.as_str() {
                "email-changed" => (t.email_changed_notice)(&email),
                "email-change-pending" => {
                    (t.email_change_pending_notice)(pending.as_deref().unwrap_or_default())
                }
                "reauthenticated" => (t.reauth_done_notice)(reauth_minutes),
                "deactivated" => t.user_deactivated_notice.to_owned(),
                "reactivated" => t.user_reactivated_notice.to_owned(),
                "role-changed" => t.role_changed_notice.to_owned(),
                "signed-out-everywhere" => t.signed_out_everywhere_notice.to_owned(),
                "two-step-removed" => t.two_step_removed_notice.to_owned(),
                n if n.starts_with("reset-sent:") => (t.reset_queued)(&name, &email),
                _ => return None,
            })
        }
    };
    let role = if user.is_admin {
        t.role_admin
    } else {
        t.role_member
    };
    let status = if !user.active {
        t.status_deactivated
    } else if !user.has_password {
        t.status_invited
    } else {
        t.status_active
    };

    let email_action = form_action::<ChangeEmail>();
    let email_error = Signal::derive(move || {
        email_action
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.message(t))
    });
    let typed_email = {
        let current = user.email.clone();
        Signal::derive(move || match email_action.value().get() {
            Some(Err(refused)) => refused.kept("email").or_else(|| Some(current.clone())),
            _ => Some(current.clone()),
        })
    };
    let reauth_action = form_action::<Reauthenticate>();
    let reauth_error = Signal::derive(move || {
        reauth_action
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.message(t))
    });
    let access_action = form_action::<SetActive>();
    let role_action = form_action::<SetRole>();
    let sign_out_action = form_action::<SignOutEverywhere>();
    let two_step_action = form_action::<RemoveUserTwoStep>();
    let two_step_error = move || {
        two_step_action
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| err.message(t))
    };
    let (two_step_form_id, two_step_return) = (user.id.clone(), here.clone());
    let access_error = move || {
        access_action
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| role_action.value().get().and_then(Result::err))
            .or_else(|| sign_out_action.value().get().and_then(Result::err))
            .map(|err| err.message(t))
    };
    let (email_form_id, access_form_id, role_form_id, sign_out_form_id) = (
        user.id.clone(),
        user.id.clone(),
        user.id.clone(),
        user.id.clone(),
    );
    let (email_return, access_return, role_return, sign_out_return) =
        (here.clone(), here.clone(), here.clone(), here.clone());
    let reauth_return = here;
    view! {
        <section class="card">
            <p><a href=paths::PROFILE_SETTINGS>{t.back_to_users}</a></p>
            <h1>{user.display_name.clone()}</h1>
            {move || notice().map(|text| view! { <p class="alert success" role="status">{text}</p> })}
            <dl class="details">
                <dt>{t.username_label}</dt>
                <dd>{user.username.clone()}</dd>
                <dt>{t.email_label}</dt>
                <dd>{user.email.clone()}</dd>
                {user.pending_email.clone().map(|pending| view! {
                    <dd class="hint">{(t.pending_email)(&pending)}</dd>
                })}
                <dt>{t.role_label}</dt>
                <dd>{role}</dd>
                <dt>{t.column_status}</dt>
                <dd>{status}</dd>
                <dt>{t.column_last_login}</dt>
                <dd>{user.last_login_at.clone().unwrap_or_else(|| t.never.to_owned())}</dd>
                <dt>{t.column_last_email}</dt>
                <dd><MailState row=user.clone() /></dd>
            </dl>
            // A <div>, not a <p>: the dialog inside would end a paragraph in the browser's
            // parser, and the page would no longer hydrate.
            {user.active.then(|| view! { <div class="actions"><ResetDialog user=user.clone() return_to /></div> })}

            <h2>{t.reauth_heading}</h2>
            <PostForm action=reauth_action attr:class="form">
                <input type="hidden" name="return_to" value=reauth_return />
                <Field
                    name="password"
                    label=t.reauth_password_label
                    kind="password"
                    autocomplete="current-password"
                    hint=(t.reauth_intro)(reauth_minutes)
                    error=reauth_error
                />
                <button type="submit" class="button">{t.reauth_button}</button>
            </PostForm>

            <h2>{t.edit_email_heading}</h2>
            <PostForm action=email_action attr:class="form">
                <input type="hidden" name="user_id" value=email_form_id />
                <input type="hidden" name="return_to" value=email_return />
                <Field
                    name="email"
                    label=t.email_field_label
                    kind="email"
                    autocomplete="off"
                    verbatim=true
                    value=typed_email
                    error=email_error
                />
                <button type="submit" class="button">{t.save_email_button}</button>
            </PostForm>

            <h2>{t.access_heading}</h2>
            {move || access_error().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <div class="access-actions">
                <PostForm action=access_action>
                    <input type="hidden" name="user_id" value=access_form_id />
                    <input type="hidden" name="active" value=(!user.active).to_string() />
                    <input type="hidden" name="return_to" value=access_return />
                    <button type="submit" class="button" aria-describedby="deactivate-hint">
                        {if user.active { t.deactivate_button } else { t.reactivate_button }}
                    </button>
                </PostForm>
                <PostForm action=role_action>
                    <input type="hidden" name="user_id" value=role_form_id />
                    <input type="hidden" name="admin" value=(!user.is_admin).to_string() />
                    <input type="hidden" name="return_to" value=role_return />
                    <button type="submit" class="button">
                        {if user.is_admin { t.make_member_button } else { t.make_admin_button }}
                    </button>
                </PostForm>
                <PostForm action=sign_out_action>
                    <input type="hidden" name="user_id" value=sign_out_form_id />
                    <input type="hidden" name="return_to" value=sign_out_return />
                    <button type="submit" class="button" aria-describedby="sign-out-everywhere-hint">
                        {t.sign_out_everywhere_button}
                    </button>
                </PostForm>
            </div>
            <p class="hint" id="deactivate-hint">{t.deactivate_hint}</p>
            <p class="hint" id="sign-out-everywhere-hint">{t.sign_out_everywhere_hint}</p>

            <h2>{t.two_step_heading}</h2>
            <p id="user-two-step">{if user.two_step { t.admin_two_step_on } else { t.admin_two_step_off }}</p>
            {move || two_step_error().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            {user.two_step.then(|| view! {
                <PostForm action=two_step_action>
                    <input type="hidden" name="user_id" value=two_step_form_id />
                    <input type="hidden" name="return_to" value=two_step_return />
                    <button type="submit" class="button" aria-describedby="remove-two-step-hint">
                        {t.remove_two_step_button}
                    </button>
                </PostForm>
                <p class="hint" id="remove-two-step-hint">{t.remove_two_step_hint}</p>
            })}
        </section>
    }
}
