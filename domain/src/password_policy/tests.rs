use super::*;
use proptest::prelude::*;

fn ada() -> PersonalInfo {
    PersonalInfo {
        username: "ada".to_owned(),
        email: "countess.lovelace@example.com".to_owned(),
        display_name: "Augusta Ada Lovelace".to_owned(),
        company: "Analytical Engines".to_owned(),
    }
}

fn problems(password: &str) -> Vec<PasswordProblem> {
    PasswordPolicy::default().check(password, &ada()).problems
}

#[test]
fn a_long_unusual_passphrase_passes() {
    let check = PasswordPolicy::default().check("plum tractor whistle cobalt", &ada());
    assert_eq!(check.problems, vec![]);
    assert_eq!(check.score, 4);
}

#[test]
fn length_is_counted_in_characters_not_bytes() {
    // Eight emoji are 32 bytes but eight characters: long enough.
    assert!(
        !problems("🔒🐙🎲🌵🚲🧭🍋🪁")
            .iter()
            .any(|p| matches!(p, PasswordProblem::TooShort { .. }))
    );
    assert_eq!(
        problems("🔒🐙🎲🌵🚲🧭🍋")[0],
        PasswordProblem::TooShort { min: 8 }
    );
    let longest = "é".repeat(128);
    assert!(
        !problems(&longest)
            .iter()
            .any(|p| matches!(p, PasswordProblem::TooLong { .. }))
    );
    assert_eq!(
        problems(&"é".repeat(129)),
        vec![PasswordProblem::TooLong { max: 128 }]
    );
}

#[test]
fn common_passwords_are_refused_even_disguised() {
    for common in [
        "password",
        "iloveyou",
        "Password",
        "P@ssw0rd",
        "drowssap",
        "qwertyuiop",
    ] {
        assert!(
            problems(common).contains(&PasswordProblem::Common),
            "{common} should be on the common list: {:?}",
            problems(common)
        );
    }
    // Long enough, but still in the list of 30,000.
    assert_eq!(problems("baseball"), vec![PasswordProblem::Common]);
}

#[test]
fn passwords_built_from_the_users_details_are_refused() {
    use PersonalField::*;
    for (password, field) in [
        ("ada-rocks-2024!", Username),
        ("Countess.Lovelace7", Email),
        ("ada is great 1815", Username),
        ("augusta byron 1815", Name),
        ("adalovelace!!99", Username),
        ("analytical engines rule", Company),
    ] {
        assert_eq!(
            problems(password).first(),
            Some(&PasswordProblem::ContainsPersonalInfo { what: field }),
            "{password}"
        );
    }
}

#[test]
fn very_guessable_passwords_are_refused_with_a_reason() {
    assert_eq!(
        problems("aaaaaaaaaaaa"),
        vec![PasswordProblem::TooGuessable {
            why: Some(Weakness::Repetition)
        }]
    );
    assert!(matches!(
        problems("abcdefgh12345678")[..],
        [PasswordProblem::TooGuessable { .. }]
    ));
}

#[test]
fn the_minimum_length_and_score_are_configurable() {
    let strict = PasswordPolicy::new(24, 4).unwrap();
    assert_eq!(
        strict.check("plum tractor whistle", &ada()).problems,
        vec![PasswordProblem::TooShort { min: 24 }]
    );
    let lenient = PasswordPolicy::new(8, 0).unwrap();
    assert_eq!(lenient.check("abcdefgh12345678", &ada()).problems, vec![]);
    assert!(PasswordPolicy::new(7, 2).is_err(), "below NIST's floor");
    assert!(PasswordPolicy::new(8, 5).is_err());
}

#[test]
fn the_check_runs_on_the_normalised_password() {
    // U+FB01 "ﬁ" is "fi" under NFKC; "ｐａｓｓｗｏｒｄ" (full width) is "password".
    assert!(problems("ｐａｓｓｗｏｒｄ").contains(&PasswordProblem::Common));
    assert_eq!(problems("ﬁ"), problems("fi"));
}

proptest! {
    #[test]
    fn too_short_exactly_when_under_the_minimum(input in "\\PC{0,20}") {
        let length = normalize(&input).chars().count();
        let too_short = problems(&input).contains(&PasswordProblem::TooShort { min: 8 });
        prop_assert_eq!(too_short, length < 8);
    }

    #[test]
    fn any_characters_are_allowed_and_never_panic(input in "\\PC{0,140}") {
        let check = PasswordPolicy::default().check(&input, &ada());
        prop_assert!(check.score <= 4);
    }

    #[test]
    fn a_common_password_stays_common_in_any_case(index in 0usize..5) {
        let word = ["password", "sunshine", "football", "princess", "superman"][index];
        prop_assert!(problems(&word.to_uppercase()).contains(&PasswordProblem::Common));
    }
}
