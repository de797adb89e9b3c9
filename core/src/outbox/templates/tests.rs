use super::*;
use crate::time_zone::TimeZone;
use chrono::TimeZone as _;
use latch_i18n::Locale;
use uuid::Uuid;

/// 29 November 2026, 10:35 UTC: the link of [`reset`] is queued then.
fn queued_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 10, 35, 0).unwrap()
}

/// The URL minted for a mail's link when it is sent.
const LINK: &str = "https://latch.example/reset-password?token=abc&x=1";

fn reset() -> MailTemplate {
    MailTemplate::PasswordReset {
        username: "ana.putri".to_owned(),
        link_id: Uuid::nil(),
        valid_minutes: 30,
        expires_at: Some(queued_at() + Duration::minutes(30)),
    }
}

fn english() -> Preferences {
    Preferences::default()
}

#[test]
fn both_parts_name_the_user_the_link_and_its_validity() {
    let mail = render(&reset(), "Ana Putri", english(), queued_at(), Some(LINK)).unwrap();

    for part in [&mail.text, &mail.html] {
        assert!(part.contains("Ana Putri"), "{part}");
        assert!(part.contains("ana.putri"), "{part}");
        assert!(
            part.contains("valid for 30 minutes, until 29 November 2026, 11:05 UTC."),
            "{part}"
        );
        assert!(part.contains("Admin"), "{part}");
    }
    assert!(
        mail.text
            .contains("https://latch.example/reset-password?token=abc&x=1")
    );
    // minijinja escapes `&` and `/` inside attributes; browsers decode both.
    let href = mail
        .html
        .split(r#"href=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let decoded = href.replace("&#x2f;", "/").replace("&amp;", "&");
    assert_eq!(
        decoded,
        "https://latch.example/reset-password?token=abc&x=1"
    );
    assert!(!mail.subject.is_empty());
}

#[test]
fn the_password_changed_notice_says_what_to_do_if_it_was_not_you() {
    let mail = render(
        &MailTemplate::PasswordChanged {
            username: "ana.putri".to_owned(),
        },
        "Ana Putri",
        english(),
        queued_at(),
        None,
    )
    .unwrap();
    for part in [&mail.text, &mail.html] {
        assert!(
            part.contains("ana.putri") && part.contains("Admin"),
            "{part}"
        );
        assert!(!part.contains("href"), "{part}");
    }
}

#[test]
fn user_supplied_text_is_escaped_in_html() {
    let mail = render(
        &reset(),
        "<img src=x onerror=alert(1)>",
        english(),
        queued_at(),
        Some(LINK),
    )
    .unwrap();

    assert!(!mail.html.contains("<img src=x"), "{}", mail.html);
    assert!(
        mail.html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{}",
        mail.html
    );
}

#[test]
fn the_expiry_is_in_the_recipients_language_and_time_zone() {
    let jakarta = Preferences {
        locale: Locale::Id,
        time_zone: TimeZone::parse("Asia/Jakarta").unwrap(),
    };
    let mail = render(&reset(), "Ana Putri", jakarta, queued_at(), Some(LINK)).unwrap();

    for part in [&mail.text, &mail.html] {
        assert!(
            part.contains("berlaku selama 30 menit, sampai 29 November 2026 pukul 18.05 WIB."),
            "{part}"
        );
    }
}

#[test]
fn links_valid_for_hours_say_until_when_too() {
    let makassar = Preferences {
        locale: Locale::En,
        time_zone: TimeZone::parse("Asia/Makassar").unwrap(),
    };
    let invitation = MailTemplate::Invitation {
        username: "ana.putri".to_owned(),
        company: "PT Maju".to_owned(),
        link_id: Uuid::nil(),
        valid_hours: 72,
        expires_at: Some(queued_at() + Duration::hours(72)),
    };
    let admin_reset = MailTemplate::AdminReset {
        username: "ana.putri".to_owned(),
        link_id: Uuid::nil(),
        valid_hours: 1,
        expires_at: Some(queued_at() + Duration::hours(1)),
    };

    let invited = render(&invitation, "Ana Putri", makassar, queued_at(), Some(LINK)).unwrap();
    let reset = render(&admin_reset, "Ana Putri", makassar, queued_at(), Some(LINK)).unwrap();

    assert!(
        invited
            .text
            .contains("valid for 72 hours, until 2 December 2026, 18:35 WITA."),
        "{}",
        invited.text
    );
    assert!(
        reset
            .text
            .contains("valid for 1 hour, until 29 November 2026, 19:35 WITA."),
        "{}",
        reset.text
    );
}

#[test]
fn a_mail_with_a_link_is_not_written_without_its_minted_url() {
    let refused = render(&reset(), "Ana Putri", english(), queued_at(), None);
    assert!(refused.is_err());
}

#[test]
fn mail_queued_before_expiries_were_recorded_counts_from_when_it_was_queued() {
    let stored = r#"{"kind":"password_reset","username":"ana","link_id":"00000000-0000-0000-0000-000000000000","valid_minutes":30}"#;
    let template: MailTemplate = serde_json::from_str(stored).unwrap();

    assert_eq!(
        template.link_expires_at(queued_at()),
        Some(queued_at() + Duration::minutes(30))
    );
    let mail = render(&template, "Ana", english(), queued_at(), Some(LINK)).unwrap();
    assert!(
        mail.text.contains("until 29 November 2026, 11:05 UTC."),
        "{}",
        mail.text
    );
}

#[test]
fn the_new_sign_in_alert_says_when_what_and_where_in_the_readers_zone() {
    let template = MailTemplate::NewSignIn {
        username: "ana.putri".to_owned(),
        signed_in_at: queued_at(),
        browser: Some("Firefox".to_owned()),
        os: None,
        client_ip: Some("203.0.113.9".to_owned()),
    };
    let jakarta = || Preferences {
        locale: Locale::Id,
        time_zone: TimeZone::parse("Asia/Jakarta").unwrap(),
    };
    let mail = render(&template, "Ana Putri", jakarta(), queued_at(), None).unwrap();
    let local = jakarta().format(queued_at());
    assert!(local.contains("WIB"), "{local}");
    for part in [&mail.text, &mail.html] {
        for expected in [
            "ana.putri",
            &local,
            "Firefox di sistem tidak dikenal",
            "203.0.113.9",
        ] {
            assert!(part.contains(expected), "{expected} in {part}");
        }
        assert!(part.contains("Pengaturan Akun"), "what to do: {part}");
    }
}
