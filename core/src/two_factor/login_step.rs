//! The second login step: between a correct password and a session. The password step
//! stores a row (keyed by the SHA-256 of a 256-bit token in the browser's cookie) that lives
//! five minutes and is deleted by the step that succeeds, in the transaction that starts the
//! session, so it serves once. Wrong codes are counted per account and per client network
//! before they are checked, with the password's numbers.
//!
//! Two purposes: `verify` (the account has an authenticator app: a code from it, or a
//! recovery code) and `enrol` (the company requires a second factor the account lacks: set up
//! an authenticator app now, before reaching anything else).

use std::net::IpAddr;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use latch_domain::{AuditKind, AuditOutcome};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::{TwoFactorError, factors_of, passkey, recovery, requirement_for, totp};
use crate::audit::{self, AuditEvent};
use crate::auth::{self, LoggedIn, SessionStart};
use crate::entities::{login_step, user};
use crate::known_device;
use crate::secret_token::SecretToken;
use crate::services::Services;
use crate::throttle::{self, Reservation, ThrottleKey};

/// How long the second step waits after the password.
pub const STEP_VALID_FOR: Duration = Duration::minutes(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepPurpose {
    Verify,
    Enrol,
}

impl StepPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            StepPurpose::Verify => "verify",
            StepPurpose::Enrol => "enrol",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        match stored {
            "verify" => Some(StepPurpose::Verify),
            "enrol" => Some(StepPurpose::Enrol),
            _ => None,
        }
    }
}

/// What a correct password for `user` still needs before a session: `None` if nothing.
pub(crate) async fn needed(
    db: &impl ConnectionTrait,
    user: &user::Model,
) -> anyhow::Result<Option<StepPurpose>> {
    if !factors_of(db, user.id).await?.is_empty() {
        return Ok(Some(StepPurpose::Verify));
    }
    let required = requirement_for(db, user).await?.covers(user);
    Ok(required.then_some(StepPurpose::Enrol))
}

/// Starts the second step of `user`'s login; the token goes in the browser's cookie.
pub(crate) async fn begin(
    db: &impl ConnectionTrait,
    user: &user::Model,
    purpose: StepPurpose,
    next: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<SecretToken> {
    let token = SecretToken::generate().context("generating a login step token")?;
    // One pending step per account: an older one (another tab, an abandoned login) ends.
    login_step::Entity::delete_many()
        .filter(login_step::Column::UserId.eq(user.id))
        .exec(db)
        .await
        .context("ending an earlier login step")?;
    login_step::ActiveModel {
        id: Set(token.storage_key()),
        user_id: Set(user.id),
        purpose: Set(purpose.as_str().to_owned()),
        next: Set(next.map(str::to_owned)),
        created_at: Set(now),
        expires_at: Set(now + STEP_VALID_FOR),
    }
    .insert(db)
    .await
    .context("storing the login step")?;
    Ok(token)
}

/// A pending second step, as its page shows it.
#[derive(Debug, Clone)]
pub struct PendingStep {
    pub purpose: StepPurpose,
    /// For `verify`: which methods the account has ("Use your passkey", the app's code).
    pub has_passkey: bool,
    pub has_app: bool,
    /// For `enrol`: the authenticator app to set up (created on first sight).
    pub setup: Option<totp::Enrolment>,
}

async fn find(
    db: &impl ConnectionTrait,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(login_step::Model, StepPurpose, user::Model)>> {
    let Some((step, Some(user))) = login_step::Entity::find_by_id(token.storage_key())
        .find_also_related(user::Entity)
        .one(db)
        .await
        .context("loading the login step")?
    else {
        return Ok(None);
    };
    let purpose = StepPurpose::parse(&step.purpose);
    match purpose {
        Some(purpose) if step.expires_at > now && user.active => Ok(Some((step, purpose, user))),
        _ => Ok(None),
    }
}

/// The pending step of this browser's token, if it is still pending.
pub async fn pending(
    services: &Services,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<PendingStep>> {
    let db = &services.db;
    let Some((_, purpose, user)) = find(db, token, now).await? else {
        return Ok(None);
    };
    let factors = factors_of(db, user.id).await?;
    let has_passkey = factors.iter().any(|f| f.kind == passkey::KIND);
    let has_app = factors.iter().any(|f| f.kind == totp::KIND);
    let setup = match purpose {
        StepPurpose::Verify => None,
        StepPurpose::Enrol => {
            // A seed shown within a step's five minutes is shown again; an older one is
            // replaced.
            let row = match totp::setup_in_progress(db, user.id, STEP_VALID_FOR, now).await? {
                Some(row) => row,
                None => totp::begin(db, &services.server_key, &user, now).await?,
            };
            let issuer = super::issuer(&services.public_url);
            Some(totp::enrolment(
                &services.server_key,
                &row,
                &issuer,
                &user.username,
            )?)
        }
    };
    Ok(Some(PendingStep {
        purpose,
        has_passkey,
        has_app,
        setup,
    }))
}

/// "Use your passkey": a challenge for the passkeys of this browser's pending step, as JSON for
/// `navigator.credentials.get()`.
pub async fn passkey_challenge(
    services: &Services,
    token: &SecretToken,
    now: DateTime<Utc>,
) -> Result<String, StepError> {
    let Some((_, StepPurpose::Verify, user)) = find(&services.db, token, now).await? else {
        return Err(StepError::Expired);
    };
    match passkey::begin_sign_in(services, &user, now).await {
        Ok(Some(json)) => Ok(json),
        Ok(None) => Err(StepError::WrongCode),
        Err(TwoFactorError::PasskeysUnavailable) => Err(StepError::PasskeysUnavailable),
        Err(err) => Err(StepError::Unexpected(anyhow::anyhow!(err))),
    }
}

/// Which code the user typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepMethod {
    /// The 6-digit code of the authenticator app.
    AppCode,
    RecoveryCode,
    /// A passkey's signature (`code`: the browser's `toJSON()` of the assertion).
    Passkey,
}

impl StepMethod {
    fn as_str(self) -> &'static str {
        match self {
            StepMethod::AppCode => totp::KIND,
            StepMethod::RecoveryCode => "recovery_code",
            StepMethod::Passkey => passkey::KIND,
        }
    }
}

pub struct StepAttempt<'a> {
    pub token: &'a SecretToken,
    pub method: StepMethod,
    pub code: &'a str,
    /// The browser finishing the login (the same one that typed the password).
    pub start: SessionStart<'a>,
}

/// A finished login.
#[derive(Debug)]
pub struct StepDone {
    pub logged_in: LoggedIn,
    /// Where the login goes (as the password step was told).
    pub next: Option<String>,
    /// After a recovery code: how many are left.
    pub recovery_codes_left: Option<u64>,
    /// After an enrolment: the first recovery codes wait on Account Settings.
    pub enrolled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// No pending step for this browser: it expired (five minutes), was used, or never was.
    #[error("the sign-in step expired")]
    Expired,
    #[error("the code is wrong or was used already")]
    WrongCode,
    #[error("too many wrong codes; try again at {retry_at}")]
    Throttled { retry_at: DateTime<Utc> },
    /// Latch's public URL is an IP address: a passkey needs a domain name.
    #[error("passkeys need a domain name")]
    PasskeysUnavailable,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn counters(
    services: &Services,
    user: &user::Model,
    client_ip: Option<IpAddr>,
) -> Vec<Reservation> {
    let policy = &services.login_policy;
    let own = (
        ThrottleKey::second_step_account(user.id),
        policy.per_identifier,
    );
    let client = client_ip.map(|ip| (ThrottleKey::second_step_client(ip), policy.per_client));
    std::iter::once(own).chain(client).collect()
}

/// Checks the second step and, when it passes, starts the session.
pub async fn complete(
    services: &Services,
    attempt: StepAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<StepDone, StepError> {
    let db = &services.db;
    let client_ip = attempt.start.client_ip;
    let Some((step, purpose, user)) = find(db, attempt.token, now).await? else {
        return Err(StepError::Expired);
    };
    let for_audit = user.clone();
    let audit = |outcome, details: serde_json::Value| {
        AuditEvent::own(&for_audit, AuditKind::SecondStep, outcome, client_ip).with_details(details)
    };
    let details =
        serde_json::json!({ "method": attempt.method.as_str(), "purpose": purpose.as_str() });
    let counters = counters(services, &user, client_ip);
    if let Err(retry_at) = throttle::reserve_all(db, &counters, now).await? {
        audit::record(db, audit(AuditOutcome::Throttled, details), now).await?;
        return Err(StepError::Throttled { retry_at });
    }

    // Setting up the app in this step is Account Settings' setup (it commits the app and
    // its first recovery codes); the session then starts below.
    let enrolled = purpose == StepPurpose::Enrol;
    if enrolled {
        let added = match attempt.method {
            StepMethod::AppCode => {
                super::finish_app_setup(services, &user, attempt.code, client_ip, now).await
            }
            StepMethod::RecoveryCode | StepMethod::Passkey => Err(TwoFactorError::WrongCode),
        };
        match added {
            Ok(_) => {}
            Err(TwoFactorError::WrongCode | TwoFactorError::NoSetup) => {
                audit::record(db, audit(AuditOutcome::Failed, details), now).await?;
                return Err(StepError::WrongCode);
            }
            Err(err) => return Err(StepError::Unexpected(anyhow::anyhow!(err))),
        }
    }

    // A passkey's challenge is taken before the transaction (and stays taken if the answer is
    // wrong): one challenge, one answer.
    let passkey_answer = match (purpose, attempt.method) {
        (StepPurpose::Verify, StepMethod::Passkey) => {
            passkey::take_sign_in_answer(db, user.id, attempt.code, now).await?
        }
        _ => None,
    };

    // The code is spent, the step consumed and the session started in one transaction: a
    // code accepted by a login that then failed stays usable, and of two requests racing
    // with one step or one code, one gets the session.
    let txn = crate::db::begin_write(db)
        .await
        .context("starting the login step")?;
    let passed = match (purpose, attempt.method) {
        (StepPurpose::Enrol, _) => true,
        (StepPurpose::Verify, StepMethod::AppCode) => {
            let mut passed = false;
            for factor in factors_of(&txn, user.id).await? {
                if factor.kind == totp::KIND
                    && totp::accept(&txn, &services.server_key, &factor, attempt.code, now).await?
                {
                    passed = true;
                    break;
                }
            }
            passed
        }
        (StepPurpose::Verify, StepMethod::RecoveryCode) => {
            recovery::spend(&txn, user.id, attempt.code, now).await?
        }
        (StepPurpose::Verify, StepMethod::Passkey) => match passkey_answer {
            Some(answer) => passkey::accept_sign_in(services, &txn, user.id, answer, now).await?,
            None => false,
        },
    };
    if !passed {
        drop(txn);
        audit::record(db, audit(AuditOutcome::Failed, details), now).await?;
        tracing::info!(user_id = %user.id, "login step: wrong code");
        return Err(StepError::WrongCode);
    }
    let consumed = login_step::Entity::delete_by_id(step.id.clone())
        .exec(&txn)
        .await
        .context("consuming the login step")?;
    if consumed.rows_affected != 1 {
        return Err(StepError::Expired);
    }
    let recovery_codes_left = match attempt.method {
        StepMethod::RecoveryCode => Some(recovery::left(&txn, user.id).await?),
        StepMethod::AppCode | StepMethod::Passkey => None,
    };
    let device = known_device::recognise(
        attempt.start.device_cookie,
        user.id,
        &services.server_key,
        now,
        services.login_policy.known_device_for,
    );
    let (user, session_token) =
        auth::start_session(services, &txn, user, &attempt.start, device, details, now).await?;
    audit::record(
        &txn,
        audit(
            AuditOutcome::Succeeded,
            details_after(attempt.method, recovery_codes_left),
        ),
        now,
    )
    .await?;
    txn.commit().await.context("committing the login step")?;
    // The account's counter is forgotten; the client's attempt is given back.
    throttle::clear(db, &counters[0].0).await?;
    if let Some((key, limit)) = counters.get(1) {
        throttle::refund(db, key, *limit, now).await?;
    }
    let logged_in = auth::logged_in(
        services,
        user,
        session_token,
        attempt.start.device_cookie,
        now,
    );
    Ok(StepDone {
        logged_in,
        next: step.next,
        recovery_codes_left,
        enrolled,
    })
}

fn details_after(method: StepMethod, recovery_codes_left: Option<u64>) -> serde_json::Value {
    match recovery_codes_left {
        Some(left) => serde_json::json!({ "method": method.as_str(), "recovery_codes_left": left }),
        None => serde_json::json!({ "method": method.as_str() }),
    }
}
