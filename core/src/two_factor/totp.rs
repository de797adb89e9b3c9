//! Authenticator apps (TOTP, RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step of
//! drift either way). The seed is 160 random bits (RFC 4226's recommendation), sealed with the
//! server key in the database; a code is accepted once: its time step must be newer than the
//! last one accepted, which one conditional UPDATE checks and records, so two requests racing
//! with the same code cannot both pass.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use secrecy::{ExposeSecret, SecretBox};
use uuid::Uuid;

use crate::entities::{second_factor, user};
use crate::server_key::{Purpose, ServerKey};

/// What `second_factors.kind` holds for an authenticator app.
pub const KIND: &str = "totp";
const SEED_BYTES: usize = 20;
const DIGITS: usize = 6;

/// An authenticator app's seed (never printed).
pub struct Seed(SecretBox<[u8; SEED_BYTES]>);

impl Seed {
    fn generate() -> anyhow::Result<Self> {
        let mut bytes = [0u8; SEED_BYTES];
        getrandom::fill(&mut bytes).context("generating a TOTP seed")?;
        Ok(Self(SecretBox::new(Box::new(bytes))))
    }

    fn open(key: &ServerKey, sealed: &str) -> anyhow::Result<Self> {
        let bytes = key
            .open(Purpose::TotpSeedSeal, sealed)
            .context("opening a TOTP seed")?;
        let bytes: [u8; SEED_BYTES] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("a TOTP seed of the wrong length"))?;
        Ok(Self(SecretBox::new(Box::new(bytes))))
    }

    fn seal(&self, key: &ServerKey) -> anyhow::Result<String> {
        key.seal(Purpose::TotpSeedSeal, self.0.expose_secret())
            .context("sealing a TOTP seed")
    }

    fn totp(&self, issuer: &str, account: &str) -> totp_rs::Totp {
        // Issuer and account may not hold a colon (the otpauth label separates them with one).
        let clean = |text: &str| text.replace(':', " ");
        totp_rs::Builder::new()
            .with_secret(self.0.expose_secret().to_vec())
            .with_issuer(Some(clean(issuer)))
            .with_account_name(clean(account))
            // Our parameters are RFC 6238's; only the label checks could refuse, and
            // `clean` made the label acceptable.
            .build_noncompliant()
    }

    /// The seed as the apps take it typed in: base32, in groups of four.
    fn as_text(&self) -> String {
        let base32 = self.totp("", "").secret().to_base32();
        base32
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The time step `code` is valid for at `now` (±1 step), if any.
    fn step_of(&self, code: &str, now: DateTime<Utc>) -> Option<u64> {
        let code = normalise_code(code)?;
        let time = u64::try_from(now.timestamp()).ok()?;
        self.totp("", "").check(&code, time)
    }

    /// The code an app shows at `now` (tests type it, as a user would).
    pub fn code_at(&self, now: DateTime<Utc>) -> String {
        let time = u64::try_from(now.timestamp()).unwrap_or(0);
        self.totp("", "").generate(time).to_string()
    }
}

/// The digits of a typed code (spaces and dashes dropped), if it has exactly six.
fn normalise_code(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// An enrolment in progress, as the page shows it: the QR code (SVG) and the seed as text.
#[derive(Clone)]
pub struct Enrolment {
    pub secret_text: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(..)")
    }
}

/// How long a setup started in Account Settings waits for its first code.
pub(crate) const SETUP_VALID_FOR: Duration = Duration::minutes(15);

/// Starts (or restarts) setting up an authenticator app for `user`: a new seed, stored sealed
/// and unconfirmed, replacing any earlier unconfirmed one. Returns the stored row.
pub(crate) async fn begin(
    db: &impl ConnectionTrait,
    key: &ServerKey,
    user: &user::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<second_factor::Model> {
    discard_unconfirmed(db, user.id).await?;
    let seed = Seed::generate()?;
    second_factor::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        kind: Set(KIND.to_owned()),
        name: Set(String::new()),
        sealed_secret: Set(seed.seal(key)?),
        last_used_step: Set(None),
        created_at: Set(now),
        confirmed_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .context("storing a TOTP enrolment")
}

pub(crate) async fn discard_unconfirmed(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> anyhow::Result<()> {
    second_factor::Entity::delete_many()
        .filter(second_factor::Column::UserId.eq(user_id))
        .filter(second_factor::Column::ConfirmedAt.is_null())
        .exec(db)
        .await
        .context("discarding a TOTP enrolment")?;
    Ok(())
}

/// The unconfirmed row of `user`, if an enrolment is in progress.
pub(crate) async fn pending_row(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> anyhow::Result<Option<second_factor::Model>> {
    second_factor::Entity::find()
        .filter(second_factor::Column::UserId.eq(user_id))
        .filter(second_factor::Column::Kind.eq(KIND))
        .filter(second_factor::Column::ConfirmedAt.is_null())
        .one(db)
        .await
        .context("loading a TOTP enrolment")
}

/// The unconfirmed row of `user` if it was started less than `valid_for` ago: a setup still
/// in progress (an older one is stale: the page shows none, its code is not accepted).
pub(crate) async fn setup_in_progress(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    valid_for: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<second_factor::Model>> {
    Ok(pending_row(db, user_id)
        .await?
        .filter(|row| row.created_at + valid_for > now))
}

/// The enrolment in progress, ready to show, if any. `issuer` names Latch in the app.
pub(crate) fn enrolment(
    key: &ServerKey,
    row: &second_factor::Model,
    issuer: &str,
    account: &str,
) -> anyhow::Result<Enrolment> {
    let seed = Seed::open(key, &row.sealed_secret)?;
    let otpauth_url = seed
        .totp(issuer, account)
        .to_url()
        .map_err(|err| anyhow::anyhow!("writing the otpauth address: {err:?}"))?;
    Ok(Enrolment {
        secret_text: seed.as_text(),
        qr_svg: super::qr::svg(&otpauth_url)?,
        otpauth_url,
    })
}

/// Accepts `code` for the factor `row` at `now` if it is valid and its time step is newer
/// than any accepted before; records the step (and, for a confirmed factor, the use).
/// `false`: wrong, expired or already used.
pub(crate) async fn accept(
    db: &impl ConnectionTrait,
    key: &ServerKey,
    row: &second_factor::Model,
    code: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let seed = Seed::open(key, &row.sealed_secret)?;
    let Some(step) = seed.step_of(code, now).and_then(|s| i64::try_from(s).ok()) else {
        return Ok(false);
    };
    // Conditional on the step being new: of two requests with one code, one updates the row.
    let mut update = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastUsedStep, Expr::value(step))
        .filter(second_factor::Column::Id.eq(row.id))
        .filter(
            Condition::any()
                .add(second_factor::Column::LastUsedStep.is_null())
                .add(second_factor::Column::LastUsedStep.lt(step)),
        );
    if row.confirmed_at.is_some() {
        update = update.col_expr(second_factor::Column::LastUsedAt, Expr::value(now));
    }
    let result = update
        .exec(db)
        .await
        .context("recording a TOTP code's use")?;
    Ok(result.rows_affected == 1)
}

#[cfg(test)]
pub(crate) fn seed_of(key: &ServerKey, row: &second_factor::Model) -> Seed {
    Seed::open(key, &row.sealed_secret).expect("a seed")
}

/// Stored for tests elsewhere (the server's), which compute codes from the shown secret.
pub fn code_for_secret_text(secret_text: &str, now: DateTime<Utc>) -> Option<String> {
    let compact: String = secret_text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = totp_rs::Secret::try_from_base32(compact).ok()?.to_vec();
    let time = u64::try_from(now.timestamp()).ok()?;
    let totp = totp_rs::Builder::new()
        .with_secret(bytes)
        .build_noncompliant();
    Some(totp.generate(time).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B: seed "12345678901234567890", 8-digit codes; we show 6, which
        // are the last 6 of those.
        let seed = Seed(SecretBox::new(Box::new(*b"12345678901234567890")));
        for (time, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (2000000000, "69279037"),
        ] {
            let at = DateTime::from_timestamp(time, 0).unwrap();
            assert_eq!(seed.code_at(at), eight[2..]);
        }
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_no_further() {
        let seed = Seed::generate().unwrap();
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let code = seed.code_at(t);
        let step = 1_800_000_000 / 30;
        assert_eq!(seed.step_of(&code, t), Some(step));
        assert_eq!(
            seed.step_of(&code, t + chrono::Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(
            seed.step_of(&code, t - chrono::Duration::seconds(30)),
            Some(step)
        );
        assert_eq!(seed.step_of(&code, t + chrono::Duration::seconds(90)), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(seed.step_of(&spaced, t), Some(step));
        assert_eq!(seed.step_of("12345", t), None);
        assert_eq!(seed.step_of("abcdef", t), None);
    }

    #[test]
    fn the_shown_secret_computes_the_same_codes() {
        let seed = Seed::generate().unwrap();
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            code_for_secret_text(&seed.as_text(), t),
            Some(seed.code_at(t))
        );
    }
}
