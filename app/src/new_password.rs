//! Choosing a new password (reset and Account Settings): the "New password" field with a live
//! strength meter, and "Confirm new password". The meter runs the same policy code in the
//! browser as the server runs on submit, so they cannot disagree.

use latch_domain::{PasswordPolicy, PasswordProblem, PersonalField, PersonalInfo, Weakness};
use latch_i18n::Messages;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::forms::Field;
use crate::i18n::use_messages;

/// What the browser needs to judge a new password exactly as the server will.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRules {
    pub policy: PasswordPolicy,
    pub about: PersonalInfo,
}

/// The sentence for one refusal.
pub fn explain(problem: &PasswordProblem, t: &Messages) -> String {
    match problem {
        PasswordProblem::TooShort { min } => (t.password_too_short)(*min),
        PasswordProblem::TooLong { max } => (t.password_too_long)(*max),
        PasswordProblem::Common => t.password_common.to_owned(),
        PasswordProblem::ContainsPersonalInfo { what } => match what {
            PersonalField::Username => t.password_contains_username,
            PersonalField::Email => t.password_contains_email,
            PersonalField::Name => t.password_contains_name,
            PersonalField::Company => t.password_contains_company,
        }
        .to_owned(),
        PasswordProblem::TooGuessable { why } => match why {
            None => t.password_too_guessable,
            Some(Weakness::KeyboardPattern) => t.weakness_keyboard_pattern,
            Some(Weakness::Repetition) => t.weakness_repetition,
            Some(Weakness::Sequence) => t.weakness_sequence,
            Some(Weakness::RecentYear) => t.weakness_recent_year,
            Some(Weakness::Date) => t.weakness_date,
            Some(Weakness::SingleWord) => t.weakness_single_word,
            Some(Weakness::Names) => t.weakness_names,
            Some(Weakness::SimilarToCommon) => t.weakness_similar_to_common,
        }
        .to_owned(),
    }
}

/// "New password" (with hint and live strength meter) and "Confirm new password".
#[component]
pub fn NewPasswordFields(
    rules: PasswordRules,
    #[prop(into)] password_error: Signal<Option<String>>,
    #[prop(into)] confirm_error: Signal<Option<String>>,
    /// Set to clear what was typed (after a successful change).
    #[prop(into, optional)]
    typed: Option<RwSignal<String>>,
) -> impl IntoView {
    let t = use_messages();
    let typed = typed.unwrap_or_else(|| RwSignal::new(String::new()));
    let PasswordRules { policy, about } = rules;
    // Nothing is judged before the user types: the meter appears only in the browser.
    let check = Memo::new(move |_| {
        typed.with(|password| (!password.is_empty()).then(|| policy.check(password, &about)))
    });
    let hint = (t.password_hint)(
        policy.min_length(),
        PasswordPolicy::RECOMMENDED_LENGTH.max(policy.min_length()),
    );

    view! {
        <Field
            name="password"
            label=t.new_password_label
            kind="password"
            autocomplete="new-password"
            hint
            error=password_error
            on_input=Callback::new(move |value| typed.set(value))
        >
            <div class="strength" id="password-strength" aria-live="polite">
                {move || check.get().map(|check| view! { <StrengthMeter check /> })}
            </div>
        </Field>
        <Field
            name="confirm"
            label=t.confirm_password_label
            kind="password"
            autocomplete="new-password"
            error=confirm_error
        />
    }
}

#[component]
fn StrengthMeter(check: latch_domain::PasswordCheck) -> impl IntoView {
    let t = use_messages();
    let level = t.strength_levels[usize::from(check.score.min(4))];
    let acceptable = check.is_acceptable();
    view! {
        <div class="strength-bar" data-score=check.score data-acceptable=acceptable.to_string()>
            <meter min="0" max="4" low="2" high="3" optimum="4" value=check.score aria-hidden="true"></meter>
            <span class="strength-level">{t.strength_label}": "{level}</span>
        </div>
        {if acceptable {
            view! { <p class="strength-ok">{t.strength_acceptable}</p> }.into_any()
        } else {
            view! {
                <ul class="strength-problems">
                    {check
                        .problems
                        .iter()
                        .map(|problem| view! { <li>{explain(problem, t)}</li> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}
