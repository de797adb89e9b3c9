//! The "Language" section of Account Settings.

use crate::plain_forms::{PostForm, form_action};
use latch_i18n::Locale;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::server_fns::SetLanguage;
use crate::i18n::use_messages;

/// `saved`: the user's saved choice (`None`: same as the browser).
#[component]
pub fn LanguageForm(saved: Option<Locale>) -> impl IntoView {
    let t = use_messages();
    let action = form_action::<SetLanguage>();
    let pending = action.pending();
    let query = use_query_map();
    let saved_message = move || {
        (query.read().get("language").as_deref() == Some("saved") && !pending.get())
            .then_some(t.language_saved)
    };
    // Every word on the page changes with the language, so after saving the page is loaded
    // afresh (without JavaScript the server's redirect already does that).
    Effect::new(move || {
        if matches!(action.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href(&crate::paths::saved(
                crate::paths::ACCOUNT_SETTINGS,
                "language",
            ));
        }
    });
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message(t))
    };

    view! {
        <h2 id="language-heading">{t.language_heading}</h2>
        {move || saved_message().map(|message| view! { <p class="alert success" role="status">{message}</p> })}
        {move || error().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
        <PostForm action=action attr:class="form" attr:aria-labelledby="language-heading">
            <div class="field">
                <label for="locale">{t.language_label}</label>
                <select id="locale" name="locale" aria-describedby="locale-hint">
                    <option value="" selected=saved.is_none()>{t.language_automatic}</option>
                    {Locale::ALL
                        .into_iter()
                        .map(|locale| {
                            view! {
                                <option value=locale.tag() lang=locale.tag() selected=saved == Some(locale)>
                                    {locale.native_name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <p class="hint" id="locale-hint">{t.language_intro}</p>
            </div>
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || if pending.get() { t.saving } else { t.language_save }}
            </button>
        </PostForm>
    }
}
