//! Logging in: the rules, with no HTTP in sight.
//!
//! Unknown users, inactive users and wrong passwords all take the same path (an argon2 verify,
//! the same counters, the same answer), so neither the message nor the timing says who exists.

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_domain::{AuditKind, AuditOutcome, CandidatePassword, Email};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

pub use crate::policies::LoginPolicy;

use crate::audit::{self, AuditEvent};
use crate::entities::{company, user};
use crate::known_device::{self, DeviceId};
use crate::metrics::LoginOutcome;
use crate::outbox::{self, MailTemplate, NewMail};
use crate::password_hash::HashError;
use crate::secret_token::SecretToken;
use crate::services::Services;
use crate::sessions::{self, SessionUser};
use crate::throttle::{self, Reservation, ThrottleKey};
use crate::two_factor::{StepPurpose, login_step};
use crate::webhooks::{Event, SessionEndReason, Webhooks};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong password, unknown user, or inactive user: one answer for all.
    #[error("invalid username, email or password")]
    InvalidCredentials,
    #[error("too many failed logins; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    #[error("the server is busy")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<HashError> for LoginError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => LoginError::Busy,
            HashError::Unexpected(err) => LoginError::Unexpected(err),
        }
    }
}

/// A successful login: the user, the token for the new session cookie, and the new value of
/// the known-device cookie (this browser is now known for this account).
#[derive(Debug)]
pub struct LoggedIn {
    pub user: user::Model,
    pub session_token: SecretToken,
    pub device_cookie: String,
}

/// What a right password leads to: a session, or the second step first.
#[derive(Debug)]
pub enum LoginResult {
    SignedIn(Box<LoggedIn>),
    SecondStep(PendingLogin),
}

/// A login waiting for its second step: the token for the step's cookie.
#[derive(Debug)]
pub struct PendingLogin {
    pub token: SecretToken,
    pub purpose: StepPurpose,
}

pub struct LoginAttempt<'a> {
    /// Username or email, as typed.
    pub identifier: &'a str,
    pub password: &'a str,
    pub client_ip: Option<IpAddr>,
    /// The session this browser already had, if any: a successful login ends it, whoever it
    /// belonged to, so a shared computer never keeps the previous user signed in behind the new
    /// cookie.
    pub replacing: Option<&'a SessionUser>,
    /// The known-device cookie this browser presented, if any (see [`known_device`]).
    pub device_cookie: Option<&'a str>,
    /// The browser's `User-Agent`, for "Your devices" and the new sign-in alert.
    pub user_agent: Option<&'a str>,
    /// Where the login goes afterwards (already checked), kept for a second step.
    pub next: Option<&'a str>,
}

/// Checks one login attempt and, when it succeeds, starts a session. Every outcome is counted
/// in the metrics.
pub async fn log_in(
    services: &Services,
    attempt: LoginAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<LoginResult, LoginError> {
    let outcome = check_and_start_session(services, attempt, now).await;
    services.metrics.record_login(match &outcome {
        Ok(_) => LoginOutcome::Ok,
        Err(LoginError::InvalidCredentials) => LoginOutcome::Failed,
        Err(LoginError::Throttled { .. }) => LoginOutcome::Throttled,
        Err(LoginError::Busy) => LoginOutcome::Busy,
        Err(LoginError::Unexpected(_)) => LoginOutcome::Error,
    });
    outcome
}

async fn check_and_start_session(
    services: &Services,
    attempt: LoginAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<LoginResult, LoginError> {
    let (db, hasher, policy) = (&services.db, &services.hasher, &services.login_policy);
    // Bounded before any work: junk costs neither a query, a counter nor a hash.
    let Some(identifier) = plausible_identifier(attempt.identifier) else {
        return Err(LoginError::InvalidCredentials);
    };
    // Under a flood, what the hasher could not finish in time is refused before any query.
    let _admitted = hasher.admit().await?;
    let client_ip = attempt.client_ip.map(|ip| ip.to_string());
    let found = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::UsernameKey.eq(identifier.as_str()))
                .add(user::Column::EmailKey.eq(identifier.as_str())),
        )
        .one(db)
        .await
        .context("looking up the user")?;
    let device = found.as_ref().and_then(|user| {
        let key = &services.server_key;
        known_device::recognise(
            attempt.device_cookie,
            user.id,
            key,
            now,
            policy.known_device_for,
        )
    });
    let audit = |outcome: AuditOutcome, details: Option<serde_json::Value>| AuditEvent {
        company_id: found.as_ref().map(|u| u.company_id),
        actor_user_id: found.as_ref().map(|u| u.id),
        target_user_id: found.as_ref().map(|u| u.id),
        kind: AuditKind::Login,
        outcome,
        client_ip: client_ip.clone(),
        details,
    };

    // What only strangers meet: a client caught trying many accounts is refused, and while
    // failures everywhere run high, every login waits a moment first.
    if device.is_none() {
        if let Some(retry_at) = spraying_until(db, attempt.client_ip, now).await? {
            let details = serde_json::json!({ "reason": "many_accounts_from_client" });
            audit::record(db, audit(AuditOutcome::Throttled, Some(details)), now).await?;
            return Err(LoginError::Throttled { retry_at });
        }
        let breaker = ThrottleKey::login_everywhere();
        if throttle::blocked_until(db, &breaker, now).await?.is_some() {
            services.metrics.record_login_delay();
            tokio::time::sleep(policy.breaker.delay).await;
        }
    }

    // Counted before the hash, so a burst of concurrent guesses cannot outrun the counters.
    let counters = login_counters(
        policy,
        &identifier,
        found.as_ref(),
        device,
        attempt.client_ip,
    );
    if let Err(retry_at) = throttle::reserve_all(db, &counters, now).await? {
        audit::record(db, audit(AuditOutcome::Throttled, None), now).await?;
        return Err(LoginError::Throttled { retry_at });
    }

    let verification = match CandidatePassword::parse(attempt.password) {
        Ok(password) => {
            let stored = found
                .as_ref()
                .filter(|user| user.active)
                .and_then(|user| user.password_hash.as_deref());
            match hasher.verify(&password, stored).await {
                Ok(verification) => Some(verification),
                Err(unchecked) => {
                    // Not a guess: nothing was compared, so nothing is held against anyone.
                    throttle::refund_all(db, &counters, now).await?;
                    return Err(unchecked.into());
                }
            }
        }
        // Longer than any password can be: refused without spending a hash on it.
        Err(_) => None,
    };
    let Some(verification) = verification.filter(|v| v.matched) else {
        // Already counted by the reservations; what remains is the picture across accounts.
        audit::record(db, audit(AuditOutcome::Failed, None), now).await?;
        count_failure_across_accounts(db, policy, &identifier, device, attempt.client_ip, now)
            .await?;
        tracing::info!(user_known = found.is_some(), client_ip = ?client_ip, "login failed");
        return Err(LoginError::InvalidCredentials);
    };
    let Some(user) = found.clone() else {
        return Err(LoginError::InvalidCredentials);
    };

    let start = SessionStart {
        client_ip: attempt.client_ip,
        user_agent: attempt.user_agent,
        replacing: attempt.replacing,
        device_cookie: attempt.device_cookie,
    };
    let second_step = login_step::needed(db, &user).await?;
    let txn = db.begin().await.context("starting the login transaction")?;
    let user = match &verification.upgraded {
        Some(upgraded) => {
            let mut active: user::ActiveModel = user.into();
            active.password_hash = Set(Some(upgraded.as_phc().to_owned()));
            active
                .update(&txn)
                .await
                .context("upgrading the password hash")?
        }
        None => user,
    };
    // The account's and identifier's counters are forgotten only by a login that was judged
    // by them: the owner's known device signing in must not hand strangers a fresh allowance.
    let (client_counter, own_counters) = match counters.split_last() {
        Some((last, rest)) if attempt.client_ip.is_some() => (Some(last), rest),
        _ => (None, counters.as_slice()),
    };
    for (key, _) in own_counters {
        throttle::clear(&txn, key).await?;
    }
    let result = match second_step {
        // The password was right; no session until the second step passes.
        Some(purpose) => {
            let token = login_step::begin(&txn, &user, purpose, attempt.next, now).await?;
            let details = serde_json::json!({ "second_step": purpose.as_str() });
            audit::record(
                &txn,
                audit(AuditOutcome::SecondStepRequired, Some(details)),
                now,
            )
            .await?;
            LoginResult::SecondStep(PendingLogin { token, purpose })
        }
        None => {
            let details = serde_json::json!({});
            let (user, session_token) =
                start_session(services, &txn, user, &start, device, details, now).await?;
            let device_cookie = attempt.device_cookie;
            let done = logged_in(services, user, session_token, device_cookie, now);
            LoginResult::SignedIn(Box::new(done))
        }
    };
    txn.commit().await.context("committing the login")?;
    // A success is no failure: an office behind one address is not held to its colleagues'.
    if let Some((key, limit)) = client_counter {
        throttle::refund(db, key, *limit, now).await?;
    }
    tracing::info!(client_ip = ?client_ip, known_device = device.is_some(), second_step = second_step.is_some(), "login: password right");
    Ok(result)
}

/// The browser a login finishes in: what a new session records and replaces.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionStart<'a> {
    pub client_ip: Option<IpAddr>,
    pub user_agent: Option<&'a str>,
    /// The session this browser already had (see [`LoginAttempt::replacing`]).
    pub replacing: Option<&'a SessionUser>,
    pub device_cookie: Option<&'a str>,
}

/// Starts `user`'s session in `txn` once every step of the login passed: records the login,
/// ends the session this browser had, alerts a new device and audits the success (with
/// `details`, to which the new-device facts are added). Returns the user as updated and the
/// session's token.
pub(crate) async fn start_session(
    services: &Services,
    txn: &impl ConnectionTrait,
    user: user::Model,
    start: &SessionStart<'_>,
    device: Option<DeviceId>,
    mut details: serde_json::Value,
    now: DateTime<Utc>,
) -> anyhow::Result<(user::Model, SecretToken)> {
    let first_login = user.last_login_at.is_none();
    let mut active: user::ActiveModel = user.into();
    active.last_login_at = Set(Some(now));
    let user = active.update(txn).await.context("recording the login")?;
    if let Some(previous) = start.replacing
        && sessions::end(txn, &previous.session_key).await?
    {
        let ended = Event::SessionEnded {
            user: &previous.user,
            session_key: &previous.session_key,
            reason: SessionEndReason::SignedInAgain,
        };
        services.webhooks.publish(txn, ended, now).await?;
    }
    let origin = sessions::Origin {
        user_agent: start.user_agent,
        client_ip: start.client_ip,
    };
    let policy = &services.login_policy;
    let session_token = sessions::start(txn, user.id, policy.session, origin, now).await?;
    if device.is_none() {
        let alert = alert_new_sign_in(txn, &user, first_login, origin, now).await?;
        if let Some(map) = details.as_object_mut() {
            map.insert("new_device".into(), true.into());
            map.insert("alert".into(), alert.into());
        }
    }
    let details = details
        .as_object()
        .is_some_and(|m| !m.is_empty())
        .then_some(details);
    let mut event = AuditEvent::own(
        &user,
        AuditKind::Login,
        AuditOutcome::Succeeded,
        start.client_ip,
    );
    event.details = details;
    audit::record(txn, event, now).await?;
    tracing::info!(user_id = %user.id, known_device = device.is_some(), "login succeeded");
    Ok((user, session_token))
}

/// The finished login: `user`, the session's token and this browser's known-device cookie,
/// which now knows the account.
pub(crate) fn logged_in(
    services: &Services,
    user: user::Model,
    session_token: SecretToken,
    device_cookie: Option<&str>,
    now: DateTime<Utc>,
) -> LoggedIn {
    let device_cookie = known_device::remember(
        device_cookie,
        user.id,
        &services.server_key,
        now,
        services.login_policy.known_device_for,
    );
    LoggedIn {
        user,
        session_token,
        device_cookie,
    }
}

/// Emails "New sign-in to your account" for a login from a browser that is no known device of
/// `user`, in the login's transaction, unless their company turned the alert off. Not for the
/// account's very first login (just after accepting an invitation, say): every browser is
/// new then, and the mail would only alarm. Returns what was done, for the audit trail.
async fn alert_new_sign_in(
    txn: &impl ConnectionTrait,
    user: &user::Model,
    first_login: bool,
    origin: sessions::Origin<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<&'static str> {
    if first_login {
        return Ok("first_login");
    }
    let alerts_on = company::Entity::find_by_id(user.company_id)
        .one(txn)
        .await
        .context("loading the user's company")?
        .is_none_or(|company| company.new_sign_in_alerts);
    if !alerts_on {
        return Ok("off");
    }
    let kind = latch_domain::DeviceKind::from_user_agent(origin.user_agent);
    let template = MailTemplate::NewSignIn {
        username: user.username.clone(),
        signed_in_at: now,
        browser: kind.browser,
        os: kind.os,
        client_ip: origin.client_ip.map(|ip| ip.to_string()),
    };
    outbox::enqueue(txn, NewMail::for_user(user, template), now).await?;
    Ok("mail_queued")
}

/// The counters one password check is reserved on: the device's alone for a known device;
/// otherwise the identifier's and the account's (for an unknown identifier, a stand-in keyed
/// by what was typed, so known and unknown cost the same queries); and the client network's.
/// The client's comes last (see its refund on success).
fn login_counters(
    policy: &LoginPolicy,
    identifier: &str,
    found: Option<&user::Model>,
    device: Option<DeviceId>,
    client_ip: Option<IpAddr>,
) -> Vec<Reservation> {
    let mut counters = match device {
        Some(device) => vec![(ThrottleKey::login_device(device), policy.per_device)],
        None => {
            let account = match found {
                Some(user) => ThrottleKey::login_account(user.id),
                None => ThrottleKey::login_account_unknown(identifier),
            };
            vec![
                (
                    ThrottleKey::login_identifier(identifier),
                    policy.per_identifier,
                ),
                (account, policy.per_account),
            ]
        }
    };
    if let Some(ip) = client_ip {
        counters.push((ThrottleKey::login_client(ip), policy.per_client));
    }
    counters
}

/// When the client may try again, if it is blocked for failing at too many accounts.
async fn spraying_until(
    db: &DatabaseConnection,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    match client_ip {
        Some(ip) => throttle::blocked_until(db, &ThrottleKey::login_spray(ip), now).await,
        None => Ok(None),
    }
}

/// A failed check, counted where no account's counter sees it: the breaker's count of
/// failures everywhere and, for strangers, the distinct identifiers this client failed at.
async fn count_failure_across_accounts(
    db: &DatabaseConnection,
    policy: &LoginPolicy,
    identifier: &str,
    device: Option<DeviceId>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let breaker = ThrottleKey::login_everywhere();
    throttle::record_failure(db, &breaker, policy.breaker.limit(), now).await?;
    if let (None, Some(ip)) = (device, client_ip) {
        let (spray, pair) = (
            ThrottleKey::login_spray(ip),
            ThrottleKey::login_pair(ip, identifier),
        );
        if throttle::record_distinct_failure(db, &spray, &pair, policy.spray, now)
            .await?
            .is_some()
        {
            tracing::warn!(client_ip = %ip, "login: one client failing at many accounts is blocked");
        }
    }
    Ok(())
}

/// The counters a signed-in user's check of their own password is reserved on (Account
/// Settings' Existing password, an admin's "Confirm your password"): the user's own, which
/// strangers failing at the login page cannot fill, then the client's.
pub(crate) struct OwnPasswordCheck {
    pub(crate) counters: Vec<Reservation>,
}

impl OwnPasswordCheck {
    pub(crate) fn new(
        policy: &LoginPolicy,
        user_id: uuid::Uuid,
        client_ip: Option<IpAddr>,
    ) -> Self {
        let own = (
            ThrottleKey::existing_password(user_id),
            policy.per_identifier,
        );
        let client = client_ip.map(|ip| (ThrottleKey::login_client(ip), policy.per_client));
        Self {
            counters: std::iter::once(own).chain(client).collect(),
        }
    }

    /// The user's own counter.
    pub(crate) fn own(&self) -> &Reservation {
        &self.counters[0]
    }

    /// The client's counter, when the client's address is known.
    pub(crate) fn client(&self) -> Option<&Reservation> {
        self.counters.get(1)
    }
}

/// Forgets every password-check counter of `user` (a completed reset proved the mailbox is
/// theirs): the account's, both identifiers', and the Existing password check's.
pub(crate) async fn clear_password_counters(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<()> {
    for key in [
        ThrottleKey::login_account(user.id),
        ThrottleKey::login_identifier(&user.username_key),
        ThrottleKey::login_identifier(&user.email_key),
        ThrottleKey::existing_password(user.id),
    ] {
        throttle::clear(db, &key).await?;
    }
    Ok(())
}

/// What was typed as username or email, trimmed and lowercased, if an account could have it:
/// at most as long as an email address may be, and without control characters (which no
/// username or address holds, and which PostgreSQL refuses in text).
fn plausible_identifier(typed: &str) -> Option<String> {
    let identifier = typed.trim().to_lowercase();
    let plausible =
        identifier.chars().count() <= Email::MAX_LEN && !identifier.chars().any(char::is_control);
    plausible.then_some(identifier)
}

/// "Log out": ends the session and records it (and, if it was still there, tells the CRM).
pub async fn log_out(
    db: &DatabaseConnection,
    webhooks: &Webhooks,
    session: &SessionUser,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let txn = db.begin().await.context("starting the logout")?;
    if sessions::end(&txn, &session.session_key).await? {
        let ended = Event::SessionEnded {
            user: &session.user,
            session_key: &session.session_key,
            reason: SessionEndReason::Logout,
        };
        webhooks.publish(&txn, ended, now).await?;
    }
    let event = AuditEvent::own(
        &session.user,
        AuditKind::Logout,
        AuditOutcome::Succeeded,
        client_ip,
    );
    audit::record(&txn, event, now).await?;
    txn.commit().await.context("committing the logout")
}
