use super::*;
use crate::db;

async fn fresh_db() -> DatabaseConnection {
    let db = db::connect("sqlite::memory:").await.unwrap();
    db::migrate(&db).await.unwrap();
    db
}

fn ana(company: &str) -> NewUser {
    NewUser {
        company: CompanyName::parse(company).unwrap(),
        username: Username::parse("ana.putri").unwrap(),
        email: Email::parse("ana@example.co.id").unwrap(),
        display_name: DisplayName::parse("Ana Putri").unwrap(),
        role: Role::Admin,
    }
}

fn password() -> NewPassword {
    let policy = latch_domain::PasswordPolicy::default();
    NewPassword::parse("a long enough passphrase", &policy, &Default::default()).unwrap()
}

#[tokio::test]
async fn company_names_are_unique_case_insensitively() {
    let db = fresh_db().await;
    add_company(&db, &CompanyName::parse("PT Maju").unwrap(), Utc::now())
        .await
        .unwrap();
    let err = add_company(&db, &CompanyName::parse("pt maju").unwrap(), Utc::now()).await;
    assert!(
        matches!(err, Err(AccountError::CompanyExists(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_user_needs_an_existing_company() {
    let db = fresh_db().await;
    let err = add_user(&db, ana("Nowhere Ltd"), Some(password()), Utc::now()).await;
    assert!(
        matches!(err, Err(AccountError::UnknownCompany(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn usernames_and_emails_are_unique_case_insensitively_across_companies() {
    let db = fresh_db().await;
    for name in ["PT Maju", "CV Sejahtera"] {
        add_company(&db, &CompanyName::parse(name).unwrap(), Utc::now())
            .await
            .unwrap();
    }
    let created = add_user(&db, ana("PT Maju"), Some(password()), Utc::now())
        .await
        .unwrap();
    assert!(created.password_hash.unwrap().starts_with("$argon2id$"));

    let mut same_username = ana("CV Sejahtera");
    same_username.username = Username::parse("ANA.PUTRI").unwrap();
    same_username.email = Email::parse("other@example.com").unwrap();
    let err = add_user(&db, same_username, Some(password()), Utc::now()).await;
    assert!(
        matches!(err, Err(AccountError::UsernameTaken(_))),
        "{err:?}"
    );

    let mut same_email = ana("CV Sejahtera");
    same_email.username = Username::parse("ana2").unwrap();
    same_email.email = Email::parse("ANA@example.co.id").unwrap();
    let err = add_user(&db, same_email, Some(password()), Utc::now()).await;
    assert!(matches!(err, Err(AccountError::EmailTaken(_))), "{err:?}");
}

#[tokio::test]
async fn a_companys_defaults_apply_to_users_who_chose_nothing() {
    use crate::preferences;
    use latch_i18n::Locale;

    let db = fresh_db().await;
    let jakarta = TimeZone::parse("Asia/Jakarta").unwrap();
    let defaults = Preferences {
        locale: Locale::Id,
        time_zone: jakarta,
    };
    let company = add_company_with(
        &db,
        &CompanyName::parse("PT Maju").unwrap(),
        defaults,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(company.default_time_zone, "Asia/Jakarta");
    let user = add_user(&db, ana("PT Maju"), None, Utc::now())
        .await
        .unwrap();

    assert_eq!(
        preferences::of_user(&db, &user, None).await.unwrap(),
        defaults
    );
    assert_eq!(
        preferences::of_user(&db, &user, Some(Locale::En))
            .await
            .unwrap()
            .locale,
        Locale::En,
        "the browser's language comes before the company's"
    );

    let london = TimeZone::parse("Europe/London").unwrap();
    set_time_zone(&db, user.id, Some(london), Utc::now())
        .await
        .unwrap();
    let user = user::Entity::find_by_id(user.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        preferences::of_user(&db, &user, None).await.unwrap(),
        Preferences {
            locale: Locale::Id,
            time_zone: london
        }
    );

    let changed = set_company_defaults(
        &db,
        &CompanyName::parse("pt maju").unwrap(),
        Some(Locale::En),
        None,
    )
    .await
    .unwrap();
    assert_eq!(changed.default_locale, "en");
    assert_eq!(changed.default_time_zone, "Asia/Jakarta", "unchanged");
    let unknown = set_company_defaults(
        &db,
        &CompanyName::parse("Nowhere Ltd").unwrap(),
        None,
        Some(london),
    )
    .await;
    assert!(
        matches!(unknown, Err(AccountError::UnknownCompany(_))),
        "{unknown:?}"
    );
}
