//! Choosing a new password (reset and Account Settings): the "New password" field with a live
//! strength meter, and "Confirm new password". The meter asks the server, which runs the same
//! policy check as on submit, so they cannot disagree; and the browser never downloads zxcvbn's
//! word lists (1.4 MB, more than the rest of the app).

use std::time::Duration;

use latch_domain::{
    PasswordCheck, PasswordPolicy, PasswordProblem, PersonalField, PersonalInfo, Weakness,
};
use latch_i18n::Messages;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::forms::Field;
use crate::i18n::use_messages;

/// How long typing must pause before the meter asks the server: one request per pause, not
/// per keystroke, and still quick enough to feel live.
const ASK_AFTER_TYPING_PAUSE: Duration = Duration::from_millis(200);

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
    let check = strength_verdicts(typed, about);
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

/// The server's verdict on what `typed` holds, asked once typing pauses. An answer to an older
/// question than the latest is dropped, so the meter never shows the verdict on something no
/// longer in the field. Nothing is judged before the user types (effects run only in the
/// browser); if the server cannot answer, the meter stays empty and submitting still checks.
/// The fields may be replaced while a question waits or travels (a refused submit renders the
/// form again): the timer is cleared with them, and a late answer finds nobody to tell.
fn strength_verdicts(
    typed: RwSignal<String>,
    about: PersonalInfo,
) -> ReadSignal<Option<PasswordCheck>> {
    let (verdict, set_verdict) = signal(None::<PasswordCheck>);
    let about = StoredValue::new(about);
    let latest_question = StoredValue::new(0u64);
    let waiting = StoredValue::new(None::<TimeoutHandle>);
    let stop_waiting = move || {
        if let Some(timer) = waiting.try_get_value().flatten() {
            timer.clear();
        }
    };
    on_cleanup(stop_waiting);
    Effect::new(move |_| {
        let password = typed.get();
        stop_waiting();
        let question = latest_question.get_value() + 1;
        latest_question.set_value(question);
        if password.is_empty() {
            set_verdict.set(None);
            return;
        }
        let ask = move || {
            let Some(about) = about.try_get_value() else {
                return;
            };
            leptos::task::spawn_local(async move {
                let answer = judge_new_password(password, about).await;
                if latest_question.try_get_value() == Some(question) {
                    set_verdict.try_set(answer.ok());
                }
            });
        };
        waiting.set_value(set_timeout_with_handle(ask, ASK_AFTER_TYPING_PAUSE).ok());
    });
    verdict
}

/// The strength meter's question: how the policy judges `password` for the person `about`
/// describes (the page's [`PasswordRules`]). The server's policy decides, not the page's copy.
#[server(name = JudgeNewPassword, prefix = "/api", endpoint = "password_strength")]
pub async fn judge_new_password(
    password: String,
    about: PersonalInfo,
) -> Result<PasswordCheck, AppError> {
    let call = crate::server::Call::begin()?;
    let check = latch_core::password_policy::judge(&call.services, &password, about).await;
    call.reply(check)
}

#[component]
fn StrengthMeter(check: PasswordCheck) -> impl IntoView {
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
