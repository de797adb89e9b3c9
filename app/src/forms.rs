//! The building block of every form: a labelled input tied to its hint and error.

use leptos::prelude::*;

/// One input with its label, hint and error. The input is described by the error (announced
/// as an alert when it appears) and the hint, so a screen reader reads both with the field.
#[component]
pub fn Field(
    /// The input's id and form name.
    name: &'static str,
    label: &'static str,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    autocomplete: &'static str,
    /// Pre-filled value (e.g. what the user typed before a failed post without JavaScript).
    #[prop(into, optional)]
    value: Signal<Option<String>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(into, optional)] hint: Option<String>,
    /// Typed exactly: no auto-capitalisation or spell-check (usernames, email addresses).
    #[prop(optional)]
    verbatim: bool,
    /// Called with the input's value on every keystroke.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
    /// Shown under the input, inside the field (the strength meter).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    // Without JavaScript a refused post renders the page again: keep what was typed.
    let typed = (kind != "password")
        .then(|| crate::plain_forms::submitted(name))
        .flatten();
    let hint_id = hint.as_ref().map(|_| format!("{name}-hint"));
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let error = error.read().as_ref().map(|_| error_id.clone());
            let ids: Vec<String> = error.into_iter().chain(hint_id.clone()).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required
                value=move || value.get().or_else(|| typed.clone())
                autocapitalize=verbatim.then_some("none")
                spellcheck=verbatim.then_some("false")
                aria-describedby=described_by
                aria-invalid=move || error.read().as_ref().map(|_| "true")
                on:input=move |ev| {
                    if let Some(callback) = on_input {
                        callback.run(event_target_value(&ev));
                    }
                }
            />
            {hint.zip(hint_id).map(|(hint, id)| view! { <p class="hint" id=id>{hint}</p> })}
            {children.map(|children| children())}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="alert error" role="alert" id=error_id.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
