//! The `latch` binary's CLI, run as a real process against the test's database.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::TestDatabase;

struct Latch<'a> {
    database: &'a TestDatabase,
}

impl Latch<'_> {
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_latch"))
            .args(args)
            .env("LATCH_DATABASE_URL", self.database.url())
            .env("LATCH_SECRET_KEY", crate::helpers::TEST_SERVER_KEY)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting latch");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const ADD_ANA: &[&str] = &[
    "user",
    "add",
    "--company",
    "PT Maju",
    "--email",
    "ana@example.co.id",
    "--name",
    "Ana Putri",
    "--username",
    "ana",
    "--admin",
    "--password-stdin",
];

#[tokio::test]
async fn operator_creates_a_company_and_its_first_admin() {
    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };

    let company = latch.run(&["company", "add", "PT Maju"], "");
    assert!(company.status.success(), "{}", stderr(&company));
    assert!(
        stdout(&company).contains("Created company \"PT Maju\""),
        "{}",
        stdout(&company)
    );

    let user = latch.run(ADD_ANA, "a long enough passphrase\n");
    assert!(user.status.success(), "{}", stderr(&user));
    assert!(
        stdout(&user).contains("Created admin \"ana\""),
        "{}",
        stdout(&user)
    );
}

#[tokio::test]
async fn cli_refuses_clearly_and_changes_nothing() {
    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };

    let unknown = latch.run(ADD_ANA, "a long enough passphrase\n");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("no company named \"PT Maju\""),
        "{}",
        stderr(&unknown)
    );

    assert!(
        latch
            .run(&["company", "add", "PT Maju"], "")
            .status
            .success()
    );
    let duplicate_company = latch.run(&["company", "add", "pt maju"], "");
    assert_eq!(duplicate_company.status.code(), Some(1));
    assert!(
        stderr(&duplicate_company).contains("already exists"),
        "{}",
        stderr(&duplicate_company)
    );

    let weak = latch.run(ADD_ANA, "short\n");
    assert_eq!(weak.status.code(), Some(1));
    assert!(
        stderr(&weak).contains("at least 8 characters"),
        "{}",
        stderr(&weak)
    );

    let bad_email = latch.run(
        &[
            "user",
            "add",
            "--company",
            "PT Maju",
            "--email",
            "ana",
            "--name",
            "Ana",
            "--username",
            "ana",
            "--password-stdin",
        ],
        "a long enough passphrase\n",
    );
    assert!(
        stderr(&bad_email).contains("--email"),
        "{}",
        stderr(&bad_email)
    );

    // The same password policy as the web app, explained in the same words.
    let common = latch.run(ADD_ANA, "iloveyou\n");
    assert_eq!(common.status.code(), Some(1));
    assert!(
        stderr(&common).contains("password: This is one of the most common passwords"),
        "{}",
        stderr(&common)
    );
    let personal = latch.run(ADD_ANA, "ana putri sejahtera\n");
    assert!(
        stderr(&personal).contains("contains your"),
        "{}",
        stderr(&personal)
    );

    assert!(
        latch
            .run(ADD_ANA, "a long enough passphrase\n")
            .status
            .success()
    );
    let mut same_username = ADD_ANA.to_vec();
    same_username[5] = "other@example.com";
    let taken = latch.run(&same_username, "a long enough passphrase\n");
    assert!(
        stderr(&taken).contains("username \"ana\" is already taken"),
        "{}",
        stderr(&taken)
    );

    let mut same_email = ADD_ANA.to_vec();
    same_email[9] = "ana2";
    let taken = latch.run(&same_email, "a long enough passphrase\n");
    assert!(
        stderr(&taken).contains("already belongs to a user"),
        "{}",
        stderr(&taken)
    );
}

#[tokio::test]
async fn every_command_explains_itself_with_help() {
    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };
    for (args, expected) in [
        (vec!["--help"], "serve"),
        (vec!["company", "add", "--help"], "NAME"),
        (vec!["user", "add", "--help"], "--password-stdin"),
        (vec!["migrate", "--help"], "migrations"),
    ] {
        let output = latch.run(&args, "");
        assert!(output.status.success(), "{args:?}");
        assert!(
            stdout(&output).contains(expected),
            "{args:?}: {}",
            stdout(&output)
        );
    }
}

#[tokio::test]
async fn a_bad_setting_stops_start_up_naming_the_variable() {
    let database = TestDatabase::create().await;
    let output = Command::new(env!("CARGO_BIN_EXE_latch"))
        .arg("migrate")
        .env("LATCH_DATABASE_URL", database.url())
        .env("LATCH_PUBLIC_URL", "not a url")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("LATCH_PUBLIC_URL"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn operators_invite_reset_and_deactivate_users_by_username() {
    use latch_core::entities::{outbox_message, reset_token, user};
    use sea_orm::{Database, EntityTrait};

    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };
    assert!(
        latch
            .run(&["company", "add", "PT Maju"], "")
            .status
            .success()
    );

    // Without --password-stdin: an invitation to choose a password.
    let member: Vec<&str> = ADD_ANA
        .iter()
        .copied()
        .filter(|arg| !matches!(*arg, "--admin" | "--password-stdin"))
        .collect();
    let invited = latch.run(&member, "");
    assert!(invited.status.success(), "{}", stderr(&invited));
    assert!(
        stdout(&invited).contains("invitation"),
        "{}",
        stdout(&invited)
    );

    let reset = latch.run(&["user", "reset", "ana"], "");
    assert!(reset.status.success(), "{}", stderr(&reset));
    let unknown = latch.run(&["user", "reset", "nobody"], "");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no user"), "{}", stderr(&unknown));

    let deactivated = latch.run(&["user", "deactivate", "ana"], "");
    assert!(deactivated.status.success(), "{}", stderr(&deactivated));

    // The company's last active admin stays, even for the operator.
    let budi = [
        "user",
        "add",
        "--company",
        "PT Maju",
        "--email",
        "budi@example.com",
        "--name",
        "Budi",
        "--username",
        "budi",
        "--admin",
        "--password-stdin",
    ];
    assert!(latch.run(&budi, "plum tractor whistle\n").status.success());
    let last_admin = latch.run(&["user", "deactivate", "budi"], "");
    assert_eq!(last_admin.status.code(), Some(1));
    assert!(
        stderr(&last_admin).contains("at least one active admin"),
        "{}",
        stderr(&last_admin)
    );

    let db = Database::connect(database.url()).await.unwrap();
    let users = user::Entity::find().all(&db).await.unwrap();
    let ana = users.iter().find(|u| u.username == "ana").unwrap();
    assert!(!ana.active);
    let mails: Vec<String> = outbox_message::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.template)
        .collect();
    assert_eq!(mails, ["invitation", "admin_reset"]);
    let tokens = reset_token::Entity::find().all(&db).await.unwrap();
    assert!(
        tokens.iter().all(|t| t.revoked_at.is_some()),
        "links void after deactivation"
    );
    assert!(
        ana.password_hash.is_none(),
        "an invited user has no password yet"
    );
}

#[tokio::test]
async fn operators_set_a_companys_default_language_and_time_zone() {
    use latch_core::entities::company;
    use sea_orm::{Database, EntityTrait};

    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };

    let created = latch.run(
        &[
            "company",
            "add",
            "PT Maju",
            "--language",
            "id",
            "--time-zone",
            "asia/jakarta",
        ],
        "",
    );
    let unknown_zone = latch.run(
        &[
            "company",
            "add",
            "CV Lain",
            "--time-zone",
            "Mars/Olympus_Mons",
        ],
        "",
    );
    let unknown_language = latch.run(&["company", "set", "PT Maju", "--language", "fr"], "");
    let moved = latch.run(
        &["company", "set", "PT Maju", "--time-zone", "Asia/Makassar"],
        "",
    );
    let nothing_to_change = latch.run(&["company", "set", "PT Maju"], "");
    let unknown_company = latch.run(&["company", "set", "Nowhere Ltd", "--time-zone", "UTC"], "");

    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        stdout(&created).contains("default language id, time zone Asia/Jakarta"),
        "{}",
        stdout(&created)
    );
    assert_eq!(unknown_zone.status.code(), Some(1));
    assert!(
        stderr(&unknown_zone)
            .contains("--time-zone: \"Mars/Olympus_Mons\" is not a time zone Latch knows"),
        "{}",
        stderr(&unknown_zone)
    );
    assert_eq!(unknown_language.status.code(), Some(1));
    assert!(
        stderr(&unknown_language).contains("\"fr\" is not a language Latch speaks"),
        "{}",
        stderr(&unknown_language)
    );
    assert!(moved.status.success(), "{}", stderr(&moved));
    assert_ne!(nothing_to_change.status.code(), Some(0));
    assert_eq!(unknown_company.status.code(), Some(1));
    assert!(
        stderr(&unknown_company).contains("no company named \"Nowhere Ltd\""),
        "{}",
        stderr(&unknown_company)
    );

    let db = Database::connect(database.url()).await.unwrap();
    let companies = company::Entity::find().all(&db).await.unwrap();
    assert_eq!(companies.len(), 1, "the refused company was not created");
    assert_eq!(companies[0].default_locale, "id", "kept by `set`");
    assert_eq!(companies[0].default_time_zone, "Asia/Makassar");
}

/// The database's one company, read afresh after a `latch` process changed it.
async fn the_only_company(database: &TestDatabase) -> latch_core::entities::company::Model {
    use sea_orm::{Database, EntityTrait};
    let db = Database::connect(database.url()).await.unwrap();
    latch_core::entities::company::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .expect("a company")
}

#[tokio::test]
async fn operators_switch_a_companys_new_sign_in_alert_off_and_on() {
    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };
    let alerts_on = || async { the_only_company(&database).await.new_sign_in_alerts };

    assert!(
        latch
            .run(&["company", "add", "PT Maju"], "")
            .status
            .success()
    );
    assert!(alerts_on().await, "on by default");
    let off = latch.run(
        &["company", "set", "PT Maju", "--new-sign-in-alerts", "off"],
        "",
    );
    assert!(off.status.success(), "{}", stderr(&off));
    assert!(
        stdout(&off).contains("new sign-in alerts off"),
        "{}",
        stdout(&off)
    );
    assert!(!alerts_on().await);
    let garbled = latch.run(
        &["company", "set", "PT Maju", "--new-sign-in-alerts", "nope"],
        "",
    );
    assert_ne!(garbled.status.code(), Some(0));
    assert!(!alerts_on().await, "a refused value changes nothing");
    let on = latch.run(
        &["company", "set", "PT Maju", "--new-sign-in-alerts", "on"],
        "",
    );
    assert!(on.status.success(), "{}", stderr(&on));
    assert!(alerts_on().await);
}

#[tokio::test]
async fn operators_set_who_must_use_two_step_verification() {
    use latch_core::entities::audit_event;
    use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};

    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };
    let required = || async { the_only_company(&database).await.require_2fa };
    assert!(
        latch
            .run(&["company", "add", "PT Maju"], "")
            .status
            .success()
    );
    assert_eq!(required().await, "off", "off by default");
    let admins = latch.run(
        &["company", "set", "PT Maju", "--require-2fa", "admins"],
        "",
    );
    assert!(admins.status.success(), "{}", stderr(&admins));
    assert!(
        stdout(&admins).contains("required for admins"),
        "{}",
        stdout(&admins)
    );
    assert_eq!(required().await, "admins");
    let garbled = latch.run(&["company", "set", "PT Maju", "--require-2fa", "all"], "");
    assert_ne!(garbled.status.code(), Some(0));
    assert!(
        stderr(&garbled).contains("use off, admins or everyone"),
        "{}",
        stderr(&garbled)
    );
    assert_eq!(
        required().await,
        "admins",
        "a refused value changes nothing"
    );
    let off = latch.run(&["company", "set", "PT Maju", "--require-2fa", "off"], "");
    assert!(off.status.success(), "{}", stderr(&off));
    assert_eq!(required().await, "off");
    let db = Database::connect(database.url()).await.unwrap();
    let changes = audit_event::Entity::find()
        .filter(audit_event::Column::Kind.eq("security_policy_changed"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(changes.len(), 2, "each change is audited");
    assert!(
        changes.iter().all(|event| event.actor_user_id.is_none()),
        "by the operator"
    );
}

#[tokio::test]
async fn serve_refuses_plain_http_or_the_dev_mailbox_on_an_address_others_reach() {
    let database = TestDatabase::create().await;
    let serve = |public_url: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_latch"))
            .arg("serve")
            .env("LATCH_DATABASE_URL", database.url())
            .env("LATCH_PUBLIC_URL", public_url)
            .env_remove("LATCH_SMTP_URL")
            .env_remove("LATCH_INSECURE_DEV")
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A server that starts anyway never exits by itself: stop it and fail.
        for _ in 0..100 {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
        }
        child.wait_with_output().unwrap()
    };

    for (public_url, variable) in [
        ("http://latch.example.com", "LATCH_PUBLIC_URL"),
        ("https://latch.example.com", "LATCH_SMTP_URL"),
    ] {
        let output = serve(public_url);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{public_url}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains(variable), "{}", stderr(&output));
    }
}

#[tokio::test]
async fn the_operator_changes_any_address_at_once_even_an_admins() {
    use latch_core::entities::{outbox_message, user};
    use sea_orm::{Database, EntityTrait};

    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };
    assert!(
        latch
            .run(&["company", "add", "PT Maju"], "")
            .status
            .success()
    );
    let added = latch.run(ADD_ANA, "plum tractor whistle\n");
    assert!(added.status.success(), "{}", stderr(&added));

    let changed = latch.run(&["user", "email", "ana", "ana.baru@example.co.id"], "");
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert!(
        stdout(&changed).contains("ana.baru@example.co.id"),
        "{}",
        stdout(&changed)
    );
    let bad = latch.run(&["user", "email", "ana", "not an address"], "");
    assert_eq!(bad.status.code(), Some(1));

    let db = Database::connect(database.url()).await.unwrap();
    let ana = user::Entity::find().one(&db).await.unwrap().unwrap();
    assert_eq!(ana.email, "ana.baru@example.co.id", "an admin's, at once");
    let told: Vec<_> = outbox_message::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.template, m.recipient))
        .collect();
    assert_eq!(
        told,
        [("email_changed".to_owned(), "ana@example.co.id".to_owned())],
        "the old address is told"
    );
}

#[tokio::test]
async fn operator_rotates_the_token_signing_key_and_lists_the_keys() {
    let database = TestDatabase::create().await;
    let latch = Latch {
        database: &database,
    };
    let empty = latch.run(&["keys", "list"], "");
    assert!(empty.status.success(), "{}", stderr(&empty));
    assert!(
        stdout(&empty).contains("No signing key yet"),
        "{}",
        stdout(&empty)
    );

    let first = latch.run(&["keys", "rotate"], "");
    assert!(first.status.success(), "{}", stderr(&first));
    let second = latch.run(&["keys", "rotate", "--grace-hours", "2"], "");
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stdout(&second).contains("New signing key"),
        "{}",
        stdout(&second)
    );
    assert!(stdout(&second).contains("for 2 h"), "{}", stdout(&second));

    let listed = stdout(&latch.run(&["keys", "list"], ""));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].ends_with("signing"), "{listed}");
    assert!(lines[1].contains("published until"), "{listed}");

    let refused = latch.run(&["keys", "rotate", "--grace-hours", "0"], "");
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}
