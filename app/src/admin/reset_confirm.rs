//! "Reset Password" with a confirmation. In the hydrated page the button opens a modal dialog
//! (the browser's `<dialog>`: focus moves in and is trapped, Escape closes it, focus returns to
//! the button). Without JavaScript the same button is a link to a confirmation page with the
//! same words and form.

use crate::plain_forms::{PostForm, form_action};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::server_fns::{AdminReset, get_user};
use super::types::UserRow;
use crate::i18n::use_messages;
use crate::layout::RequireUser;

#[component]
pub fn ResetDialog(user: UserRow, return_to: Signal<String>) -> impl IntoView {
    let t = use_messages();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let opener = NodeRef::<leptos::html::A>::new();
    let dialog_id = format!("reset-dialog-{}", user.id);
    let heading_id = format!("reset-heading-{}", user.id);
    let labelled_by = heading_id.clone();
    let fallback_href = crate::paths::reset_confirmation(&user.id, &return_to.get_untracked());
    let open = move |ev: leptos::ev::MouseEvent| {
        if let Some(dialog) = dialog.get() {
            ev.prevent_default();
            let _ = dialog.show_modal();
        }
    };
    // A link dressed as a button must also answer Space, like a real button.
    let open_with_space = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == " "
            && let Some(dialog) = dialog.get()
        {
            ev.prevent_default();
            let _ = dialog.show_modal();
        }
    };
    let close = move || {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
        if let Some(opener) = opener.get() {
            let _ = opener.focus();
        }
    };
    let label = format!("{} — {}", t.reset_password_button, user.display_name);
    view! {
        <a
            class="button small"
            href=fallback_href
            role="button"
            aria-haspopup="dialog"
            aria-label=label
            node_ref=opener
            on:click=open
            on:keydown=open_with_space
        >
            {t.reset_password_button}
        </a>
        <dialog
            id=dialog_id
            class="dialog"
            aria-labelledby=labelled_by
            node_ref=dialog
            on:close=move |_| {
                if let Some(opener) = opener.get() {
                    let _ = opener.focus();
                }
            }
        >
            <ResetConfirmation user heading_id return_to on_cancel=Callback::new(move |()| close()) />
        </dialog>
    }
}

/// The question, and the form that sends the email.
#[component]
fn ResetConfirmation(
    user: UserRow,
    heading_id: String,
    return_to: Signal<String>,
    /// In the dialog "Cancel" closes it; on the confirmation page it is a link back.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// The confirmation page (JavaScript off) rather than the dialog.
    #[prop(optional)]
    as_page: bool,
) -> impl IntoView {
    let t = use_messages();
    let action = form_action::<AdminReset>();
    let pending = action.pending();
    let error = move || action.value().get().and_then(Result::err);
    // Sent: the dialog closes (the page then shows the notice the server redirected to).
    Effect::new(move || {
        if let (Some(Ok(())), Some(close)) = (action.value().get(), on_cancel) {
            close.run(());
        }
    });
    let hours = user.reset_link_hours;
    let heading = if as_page {
        view! { <h1 id=heading_id>{t.reset_confirm_heading}</h1> }.into_any()
    } else {
        view! { <h2 id=heading_id>{t.reset_confirm_heading}</h2> }.into_any()
    };
    view! {
        {heading}
        <p>{(t.reset_confirm_body)(&user.display_name, &user.email, hours)}</p>
        {move || error().map(|err| view! { <p class="alert error" role="alert">{err.message(t)}</p> })}
        <PostForm action=action attr:class="dialog-actions">
            <input type="hidden" name="user_id" value=user.id.clone() />
            <input type="hidden" name="return_to" value=move || return_to.get() />
            <button type="submit" class="button primary" disabled=move || pending.get()>
                {move || if pending.get() { t.sending } else { t.reset_confirm_button }}
            </button>
            {match on_cancel {
                Some(cancel) => {
                    view! {
                        <button type="button" class="button" on:click=move |_| cancel.run(())>
                            {t.cancel}
                        </button>
                    }
                        .into_any()
                }
                None => view! { <a class="button" href=move || return_to.get()>{t.cancel}</a> }.into_any(),
            }}
        </PostForm>
    }
}

/// `/settings/users/:id/reset`: the confirmation as a page (JavaScript off).
#[component]
pub fn ResetConfirmPage() -> impl IntoView {
    let t = use_messages();
    let params = use_params_map();
    let query = use_query_map();
    let user = Resource::new_blocking(
        move || params.read().get("id").unwrap_or_default(),
        get_user,
    );
    let return_to = Signal::derive(move || {
        let wanted = query.read().get("return_to");
        latch_domain::local_path_or_home(wanted.as_deref()).to_owned()
    });
    view! {
        <Title text=t.reset_confirm_heading />
        <RequireUser children=move |_| {
            view! {
                <section class="card narrow">
                    <Suspense>
                        {move || Suspend::new(async move {
                            match user.await {
                                Ok(user) => {
                                    view! {
                                        <ResetConfirmation user heading_id="reset-heading".to_owned() return_to as_page=true />
                                    }
                                        .into_any()
                                }
                                Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                </section>
            }
        } />
    }
}
