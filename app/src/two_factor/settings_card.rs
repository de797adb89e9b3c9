//! Account Settings' "Two-step verification": the user's authenticator app, their recovery
//! codes, and setting them up. Each change needs the password (once every few minutes) and
//! comes back to this card with what happened. Plain forms: works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::server_fns::{ChangeTwoStep, MethodRow, TwoStepStatus, my_two_step};
use super::setup_display::{CodeField, SetupDisplay};
use crate::error::AppError;
use crate::i18n::use_messages;
use crate::plain_forms::{PostForm, form_action, submitted};

#[component]
pub fn TwoStepSection() -> impl IntoView {
    let t = use_messages();
    let action = form_action::<ChangeTwoStep>();
    let query = use_query_map();
    let status = Resource::new_blocking(
        move || (query.read().get("two_step"), action.version().get()),
        |_| my_two_step(),
    );
    let refused = move || action.value().get().and_then(Result::err);
    // A wrong code is said at the code's field; every other refusal above the card.
    let error = move || refused().filter(|err| !matches!(err, AppError::WrongCode { .. }));
    let notice = move || {
        let notice = query.read().get("two_step")?;
        if action.pending().get() || refused().is_some() {
            return None;
        }
        Some(match notice.as_str() {
            "on" => t.two_step_on_notice.to_owned(),
            "removed" => t.method_removed_notice.to_owned(),
            "passkey" => t.passkey_added_notice.to_owned(),
            used => {
                let left = used.strip_prefix("recovery-used-")?.parse().ok()?;
                (t.recovery_code_used_notice)(left)
            }
        })
    };
    view! {
        <h2 id="two-step-heading">{t.two_step_heading}</h2>
        <p>{t.two_step_intro}</p>
        {move || notice().map(|text| view! { <p class="alert success" role="status">{text}</p> })}
        {move || error().map(|err| view! { <p class="alert error" role="alert">{err.message(t)}</p> })}
        <Suspense>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) => view! { <TwoStepCard status action /> }.into_any(),
                    Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Current password", when the session has not confirmed it in the last minutes. Every form
/// sends it as `password` (kept out of re-rendered forms); `id` differs per form, since the
/// card can show two. `label`: "Current password" unless given (the passkey form's says
/// "Your password", so the card never shows two fields of the same name to a fresh account).
#[component]
fn PasswordAgain(
    id: &'static str,
    confirmed: bool,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView {
    let t = use_messages();
    let label = label.unwrap_or(t.current_password_label);
    let hint_id = format!("{id}-hint");
    (!confirmed).then(|| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby=hint_id.clone()
                />
                <p class="hint" id=hint_id>{t.current_password_hint}</p>
            </div>
        }
    })
}

#[component]
fn TwoStepCard(status: TwoStepStatus, action: ServerAction<ChangeTwoStep>) -> impl IntoView {
    let t = use_messages();
    let confirmed = status.password_confirmed;
    let has_method = !status.methods.is_empty();
    let new_codes = status.new_recovery_codes.clone().map(|codes| {
        view! {
            <div class="recovery-codes" role="region" aria-labelledby="new-codes-heading">
                <h3 id="new-codes-heading">{t.new_codes_heading}</h3>
                <p>{t.new_codes_intro}</p>
                <ul class="codes" id="recovery-codes">
                    {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                </ul>
                <PostForm action>
                    <input type="hidden" name="act" value="saved" />
                    <button type="submit" class="button primary">{t.codes_saved_button}</button>
                </PostForm>
            </div>
        }
    });
    let state = if has_method {
        t.two_step_is_on
    } else {
        t.two_step_is_off
    };
    let methods = status
        .methods
        .iter()
        .cloned()
        .enumerate()
        .map(|(index, method)| view! { <MethodItem method index confirmed action /> })
        .collect_view();
    let codes = has_method.then(|| {
        view! {
            <h3>{t.recovery_codes_heading}</h3>
            <p>{(t.recovery_codes_left)(status.recovery_codes_left)}</p>
            <PostForm action attr:class="form">
                <input type="hidden" name="act" value="renew" />
                <PasswordAgain id="renew_password" confirmed />
                <button type="submit" class="button" aria-describedby="renew-hint">
                    {t.renew_codes_button}
                </button>
                <p class="hint" id="renew-hint">{t.renew_codes_hint}</p>
            </PostForm>
        }
    });
    let finish_error = Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|err| matches!(err, AppError::WrongCode { .. }))
            .map(|err| err.message(t))
    });
    let setup = match status.setup.clone() {
        Some(setup) => view! {
            <h3>{t.authenticator_app}</h3>
            <SetupDisplay setup />
            <PostForm action attr:class="form">
                <input type="hidden" name="act" value="finish" />
                <CodeField label=t.app_code_label error=finish_error />
                <button type="submit" class="button primary">{t.turn_on_button}</button>
            </PostForm>
            <PostForm action>
                <input type="hidden" name="act" value="cancel" />
                <button type="submit" class="button">{t.cancel}</button>
            </PostForm>
        }
        .into_any(),
        None => view! {
            <PostForm action attr:class="form">
                <input type="hidden" name="act" value="start" />
                <PasswordAgain id="setup_password" confirmed />
                <button type="submit" class="button primary">{t.set_up_app_button}</button>
            </PostForm>
        }
        .into_any(),
    };
    view! {
        {new_codes}
        <p id="two-step-state">{state}</p>
        {status.required.then(|| view! { <p class="hint">{t.two_step_required}</p> })}
        {has_method.then(|| view! { <ul class="methods">{methods}</ul> })}
        {setup}
        <AddPasskey confirmed action />
        {codes}
    }
}

/// "Add a passkey". The browser's part (`navigator.credentials.create()`) needs JavaScript:
/// `/passkeys.js` takes the form's submit, asks `start_passkey_setup` for a challenge, lets
/// the browser create the passkey, then posts this form with its answer in `credential`.
/// Without JavaScript (or without WebAuthn) the button stays hidden and the page says why.
#[component]
fn AddPasskey(confirmed: bool, action: ServerAction<ChangeTwoStep>) -> impl IntoView {
    let t = use_messages();
    view! {
        <h3 id="passkeys-heading">{t.passkeys_heading}</h3>
        <p>{t.passkeys_intro}</p>
        <PostForm action attr:class="form">
            <input type="hidden" name="act" value="passkey" />
            <input type="hidden" name="credential" value="" />
            // Without JavaScript these fields could do nothing: hidden with the button.
            <div class="needs-passkeys">
            <div class="field">
                <label for="passkey_name">{t.passkey_name_label}</label>
                <input
                    id="passkey_name"
                    name="passkey_name"
                    type="text"
                    required
                    maxlength="64"
                    autocomplete="off"
                    aria-describedby="passkey_name-hint"
                    value=submitted("passkey_name")
                />
                <p class="hint" id="passkey_name-hint">{t.passkey_name_hint}</p>
            </div>
            <PasswordAgain id="passkey_password" confirmed label=t.reauth_password_label />
            </div>
            <PasskeyScriptParts ceremony="register" />
            <button type="submit" class="button needs-passkeys">{t.add_passkey_button}</button>
        </PostForm>
    }
}

/// What every passkey form holds besides its fields and button: the mark the script finds
/// it by (`ceremony`: `register` or `sign-in`) with what it says while it works, where it says
/// so, why there is no button (no JavaScript, no WebAuthn), and the script itself. (Marks on
/// the `<form>` itself would cost the WASM a copy of the form's code per form.)
#[component]
pub(super) fn PasskeyScriptParts(ceremony: &'static str) -> impl IntoView {
    let t = use_messages();
    view! {
        <span
            hidden
            data-passkey=ceremony
            data-msg-waiting=t.passkey_waiting
            data-msg-cancelled=t.passkey_cancelled
            data-msg-failed=t.unexpected_error
        ></span>
        <p class="passkey-status" data-passkey-status role="status" aria-live="polite"></p>
        // Not <noscript>: shown until the script says what this browser can do, so it also
        // shows where scripts are blocked rather than switched off.
        <p class="hint passkeys-need-javascript">{t.passkeys_need_javascript}</p>
        <p class="hint passkeys-unsupported">{t.passkey_unsupported}</p>
        <script src="/passkeys.js" defer></script>
    }
}

#[component]
fn MethodItem(
    method: MethodRow,
    index: usize,
    confirmed: bool,
    action: ServerAction<ChangeTwoStep>,
) -> impl IntoView {
    let t = use_messages();
    let name_id = format!("method-{index}");
    let used = method
        .last_used_at
        .as_deref()
        .map(|when| format!(", {}", (t.factor_last_used)(when)))
        .unwrap_or_default();
    view! {
        <li class="method">
            <p id=name_id.clone()>
                <strong>{method.name.clone()}</strong>
                " · " {(t.factor_added_at)(&method.added_at)} {used}
            </p>
            <PostForm action attr:class="form">
                <input type="hidden" name="act" value="remove" />
                <input type="hidden" name="id" value=method.id.clone() />
                <PasswordAgain id="remove_password" confirmed />
                <button type="submit" class="button" aria-label=(t.remove_method_label)(&method.name)>
                    {t.remove_method_button}
                </button>
            </PostForm>
        </li>
    }
}
