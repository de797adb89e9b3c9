//! An authenticator app to set up: its QR code and the secret as text, for Account Settings
//! and for the login step a company's policy asks for.

use leptos::prelude::*;

use super::server_fns::AppSetup;
use crate::i18n::use_messages;

#[component]
pub fn SetupDisplay(setup: AppSetup) -> impl IntoView {
    let t = use_messages();
    view! {
        <p id="setup-scan">{t.setup_scan}</p>
        // The SVG is drawn by Latch's server from the otpauth:// address; nothing else.
        <div class="qr-code" role="img" aria-label=t.qr_code_alt inner_html=setup.qr_svg></div>
        <p class="setup-secret">
            {t.setup_secret_label} ": " <code id="totp-secret">{setup.secret}</code>
        </p>
    }
}

/// The code field of a setup or of the login step: six digits, the phone's keypad, and the
/// browser's one-time-code autofill. Never refilled after a refusal (a code is used once).
#[component]
pub fn CodeField(
    label: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = None)] hint: Option<&'static str>,
    /// A recovery code (letters and digits) rather than six digits.
    #[prop(optional)]
    recovery: bool,
) -> impl IntoView {
    let described_by = move || {
        let ids: Vec<&str> = error
            .read()
            .as_ref()
            .map(|_| "code-error")
            .into_iter()
            .chain(hint.map(|_| "code-hint"))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <div class="field">
            <label for="code">{label}</label>
            <input
                id="code"
                name="code"
                type="text"
                inputmode=if recovery { "text" } else { "numeric" }
                autocomplete=if recovery { "off" } else { "one-time-code" }
                autocapitalize="none"
                spellcheck="false"
                maxlength=if recovery { "20" } else { "9" }
                required
                aria-describedby=described_by
                aria-invalid=move || error.read().as_ref().map(|_| "true")
            />
            {hint.map(|hint| view! { <p class="hint" id="code-hint">{hint}</p> })}
            {move || {
                error.get().map(|message| view! { <p class="alert error" role="alert" id="code-error">{message}</p> })
            }}
        </div>
    }
}
