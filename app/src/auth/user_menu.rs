//! The display name and arrow at the top right: one button opening "Profile Settings" and
//! "Log out".
//!
//! Before the WASM loads (or with JavaScript off) the menu opens while the button has focus
//! (CSS `:focus-within`); once hydrated, the button toggles it, Escape closes it and returns
//! focus to the button.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::{LogOut, UserSummary};
use crate::i18n::use_messages;
use crate::paths;

#[component]
pub fn UserMenu(user: UserSummary) -> impl IntoView {
    let t = use_messages();
    let open = RwSignal::new(false);
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let logout = ServerAction::<LogOut>::new();
    let close_and_refocus = move || {
        open.set(false);
        if let Some(button) = button_ref.get() {
            let _ = button.focus();
        }
    };

    view! {
        <div
            class="user-menu"
            data-open=move || open.get().to_string()
            on:keydown=move |ev| {
                if ev.key() == "Escape" && open.get_untracked() {
                    close_and_refocus();
                }
            }
        >
            <button
                type="button"
                class="user-menu-button"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-controls="user-menu-items"
                node_ref=button_ref
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="user-name">{user.display_name.clone()}</span>
                <span class="arrow" aria-hidden="true">"▾"</span>
            </button>
            <ul id="user-menu-items" class="user-menu-items">
                <li>
                    <a href=paths::PROFILE_SETTINGS on:click=move |_| open.set(false)>
                        {t.profile_settings}
                    </a>
                </li>
                <li>
                    <ActionForm action=logout>
                        <button type="submit" class="link-button">
                            {t.log_out}
                        </button>
                    </ActionForm>
                </li>
            </ul>
        </div>
    }
}
