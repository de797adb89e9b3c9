//! Applying the domain's password policy on the server: bounded, and counted per client.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{NewPassword, PasswordCheck, PasswordProblem, PersonalInfo};
use sea_orm::ConnectionTrait;
use tokio::sync::Semaphore;

use crate::entities::user;
use crate::password_hash::HashError;
use crate::services::Services;
use crate::sessions::SessionUser;
use crate::throttle::{self, ThrottleKey};

/// How many new passwords are judged at once (zxcvbn, on blocking threads), and how long a
/// request waits for a turn before it is told the server is busy: the hasher's numbers, as
/// both are CPU work on the same cores.
#[derive(Clone)]
pub struct PolicyChecks {
    permits: Arc<Semaphore>,
    max_wait: Duration,
    /// The strength meter's own single slot: its questions are neither stored nor throttled,
    /// so a flood of them must never take the turns of passwords being submitted.
    meter: Arc<Semaphore>,
}

/// How long a strength-meter question waits for the meter's slot: the user is still typing,
/// and the next pause asks again.
const METER_MAX_WAIT: Duration = Duration::from_millis(250);

impl PolicyChecks {
    pub fn new(concurrency: usize, max_wait: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            max_wait,
            meter: Arc::new(Semaphore::new(1)),
        }
    }

    /// Takes every slot until the returned guard is dropped (tests: a pool that is full).
    #[cfg(test)]
    pub(crate) async fn hold_all(&self, slots: u32) -> tokio::sync::OwnedSemaphorePermit {
        self.permits
            .clone()
            .acquire_many_owned(slots)
            .await
            .expect("the semaphore is never closed")
    }
}

/// Judges a new password on a blocking thread, at most [`PolicyChecks`]' number at once:
/// zxcvbn takes up to ~6 ms on a long, repetitive input, too long to hold an async worker,
/// and too much to run without limit. `Err(Busy)`: no turn came within the wait bound.
pub async fn accept(
    services: &Services,
    password: &str,
    about: PersonalInfo,
) -> Result<Result<NewPassword, PasswordProblem>, HashError> {
    let checks = &services.policy_checks;
    let policy = services.password_policy;
    in_turn(
        services,
        &checks.permits,
        checks.max_wait,
        password,
        about,
        move |password, about| NewPassword::parse(password, &policy, about),
    )
    .await
}

/// The strength meter's verdict on a password being typed: the same [`PasswordPolicy::check`]
/// that [`accept`] applies, so what the meter says is what submitting will decide. Nothing is
/// stored or counted on a throttle (the meter asks at every pause in typing, and a verdict grants
/// nothing); the CPU it can cost is one thread, the meter's own slot, apart from submitted
/// passwords' pool.
///
/// [`PasswordPolicy::check`]: latch_domain::PasswordPolicy::check
pub async fn judge(
    services: &Services,
    password: &str,
    about: PersonalInfo,
) -> Result<PasswordCheck, HashError> {
    let policy = services.password_policy;
    let meter = &services.policy_checks.meter;
    in_turn(
        services,
        meter,
        METER_MAX_WAIT,
        password,
        about,
        move |password, about| policy.check(password, about),
    )
    .await
}

/// Runs `judge` on a blocking thread once `slots` gives a turn within `max_wait`.
async fn in_turn<T: Send + 'static>(
    services: &Services,
    slots: &Arc<Semaphore>,
    max_wait: Duration,
    password: &str,
    about: PersonalInfo,
    judge: impl FnOnce(&str, &PersonalInfo) -> T + Send + 'static,
) -> Result<T, HashError> {
    let permit = tokio::time::timeout(max_wait, slots.clone().acquire_owned())
        .await
        .map_err(|_| HashError::Busy)?
        .map_err(|_| HashError::Busy)?;
    services.metrics.record_policy_check();
    let password = password.to_owned();
    let judged = tokio::task::spawn_blocking(move || {
        let judged = judge(&password, &about);
        drop(permit);
        judged
    })
    .await
    .context("joining the password check")?;
    Ok(judged)
}

/// Why a new password chosen with a link was not taken.
#[derive(Debug)]
pub enum Refusal {
    /// Too many refused passwords (or wrong ones) from this client: refused unchecked.
    Throttled {
        retry_at: DateTime<Utc>,
    },
    Rejected(PasswordProblem),
    Busy,
    Unexpected(anyhow::Error),
}

impl From<HashError> for Refusal {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => Refusal::Busy,
            HashError::Unexpected(err) => Refusal::Unexpected(err),
        }
    }
}

impl From<anyhow::Error> for Refusal {
    fn from(err: anyhow::Error) -> Self {
        Refusal::Unexpected(err)
    }
}

/// [`accept`], counted on the client's login counter (`client_ip`'s
/// [`ThrottleKey::login_client`]) like a wrong password: reserved before the check, given
/// back when the password is accepted (or could not be checked). So a client that keeps
/// sending passwords the policy refuses meets the same 429 as one that keeps guessing, and
/// cannot make the server run zxcvbn without limit.
pub async fn accept_counted(
    services: &Services,
    client_ip: Option<std::net::IpAddr>,
    password: &str,
    about: PersonalInfo,
    now: DateTime<Utc>,
) -> Result<NewPassword, Refusal> {
    let (db, limit) = (&services.db, services.login_policy.per_client);
    let key = client_ip.map(ThrottleKey::login_client);
    if let Some(key) = &key
        && let Err(retry_at) = throttle::reserve(db, key, limit, now).await?
    {
        return Err(Refusal::Throttled { retry_at });
    }
    let judged = accept(services, password, about).await;
    let refused = matches!(judged, Ok(Err(_)));
    if let Some(key) = &key
        && !refused
    {
        throttle::refund(db, key, limit, now).await?;
    }
    match judged? {
        Ok(accepted) => Ok(accepted),
        Err(problem) => Err(Refusal::Rejected(problem)),
    }
}

/// The details a user's password must not contain.
pub async fn personal_info(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<PersonalInfo> {
    let company = crate::profile::company_name(db, user).await?;
    Ok(about(user, company))
}

/// What a signed-in user's new password must not contain (the session read the company).
pub fn personal_info_of(session: &SessionUser) -> PersonalInfo {
    about(&session.user, session.company.name.clone())
}

fn about(user: &user::Model, company: String) -> PersonalInfo {
    PersonalInfo {
        username: user.username.clone(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        company,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn about() -> PersonalInfo {
        PersonalInfo::default()
    }

    #[tokio::test]
    async fn the_meter_never_takes_the_turns_of_submitted_passwords() {
        let services = Services::for_tests(testing::fresh_db().await);
        let held_by_meter = services.policy_checks.meter.clone().acquire_owned().await;

        let busy = judge(&services, "correct horse battery staple", about()).await;
        assert!(matches!(busy, Err(HashError::Busy)), "{busy:?}");
        let submitted = accept(&services, "correct horse battery staple", about()).await;
        assert!(matches!(submitted, Ok(Ok(_))), "{submitted:?}");

        drop(held_by_meter);
        let held = services.policy_checks.hold_all(1).await;
        let check = judge(&services, "password", about()).await.unwrap();
        assert_eq!(check.problems, vec![PasswordProblem::Common]);
        drop(held);
    }

    #[tokio::test]
    async fn a_full_pool_answers_busy_without_checking() {
        let mut services = Services::for_tests(testing::fresh_db().await);
        services.policy_checks = PolicyChecks::new(2, Duration::from_millis(50));
        let held = services.policy_checks.hold_all(2).await;

        let busy = accept(&services, "correct horse battery staple", about()).await;
        assert!(matches!(busy, Err(HashError::Busy)), "{busy:?}");
        assert_eq!(services.metrics.policy_checks(), 0, "nothing was checked");

        drop(held);
        let judged = accept(&services, "correct horse battery staple", about()).await;
        assert!(matches!(judged, Ok(Ok(_))), "{judged:?}");
        assert_eq!(services.metrics.policy_checks(), 1);
    }

    #[tokio::test]
    async fn refused_passwords_count_toward_the_clients_throttle_accepted_ones_do_not() {
        let services = Services::for_tests(testing::fresh_db().await);
        let client = Some("192.0.2.7".parse().unwrap());
        let now = Utc::now();
        let allowance = services.login_policy.per_client.free_failures;

        for _ in 0..3 {
            let accepted =
                accept_counted(&services, client, "violet harbour compass", about(), now).await;
            assert!(accepted.is_ok(), "{accepted:?}");
        }
        let mut refused = 0;
        let throttled = loop {
            match accept_counted(&services, client, "password", about(), now).await {
                Err(Refusal::Rejected(_)) => refused += 1,
                Err(Refusal::Throttled { retry_at }) => break retry_at,
                other => panic!("{other:?}"),
            }
            assert!(refused <= allowance, "never throttled");
        };
        assert!(throttled > now);
        assert_eq!(refused, allowance, "accepted passwords were given back");
        let checks = services.metrics.policy_checks();
        let again = accept_counted(&services, client, "violet harbour compass", about(), now).await;
        assert!(matches!(again, Err(Refusal::Throttled { .. })), "{again:?}");
        assert_eq!(
            services.metrics.policy_checks(),
            checks,
            "refused unchecked"
        );
    }
}
