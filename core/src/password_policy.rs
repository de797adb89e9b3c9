//! Applying the domain's password policy on the server.

use anyhow::Context;
use latch_domain::{NewPassword, PasswordPolicy, PasswordProblem, PersonalInfo};
use sea_orm::ConnectionTrait;

use crate::entities::user;

/// Judges a new password on a blocking thread: zxcvbn takes up to ~6 ms on a long,
/// repetitive input, too long to hold an async worker.
pub async fn accept(
    policy: PasswordPolicy,
    password: &str,
    about: PersonalInfo,
) -> anyhow::Result<Result<NewPassword, PasswordProblem>> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || NewPassword::parse(&password, &policy, &about))
        .await
        .context("joining the password check")
}

/// The details a user's password must not contain.
pub async fn personal_info(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<PersonalInfo> {
    let company = crate::profile::company_name(db, user).await?;
    Ok(PersonalInfo {
        username: user.username.clone(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        company,
    })
}
