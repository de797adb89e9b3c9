//! The signing keys: in the database (so every instance signs with the same key and publishes
//! the same JWKS), private halves sealed with the server key, cached in each process for a
//! short, documented time.
//!
//! One key signs at a time (the newest without `retires_at`). `latch keys rotate` adds a key,
//! which signs from then on, and gives the others a retirement time: until then they stay in
//! the JWKS so tokens they signed, and verifiers that cached the JWKS, keep working.

use std::cmp::Reverse;
use std::sync::{Arc, RwLock};
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

use super::jws::{Jwk, Signer, thumbprint};
use crate::entities::signing_key;
use crate::server_key::{Purpose, ServerKey};

/// The keys as this process last read them.
struct KeySet {
    read_at: Instant,
    signer: Arc<Signer>,
    published: Arc<Vec<Jwk>>,
}

/// Handle on the signing keys (cheap to clone).
#[derive(Clone)]
pub struct SigningKeys {
    server_key: ServerKey,
    /// How long a process trusts what it read: a rotation reaches every instance within this.
    refresh_every: StdDuration,
    cache: Arc<RwLock<Option<Arc<KeySet>>>>,
}

impl SigningKeys {
    pub fn new(server_key: ServerKey, refresh_every: StdDuration) -> Self {
        Self {
            server_key,
            refresh_every,
            cache: Arc::default(),
        }
    }

    pub(super) fn server_key(&self) -> &ServerKey {
        &self.server_key
    }

    /// Reads the keys now (creating the first one if there is none), so that a server key
    /// that cannot open them stops Latch at start rather than at the first sign-in.
    pub async fn load(&self, db: &impl ConnectionTrait, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.read(db, now).await.map(drop)
    }

    pub(super) async fn signer(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<Signer>> {
        Ok(self.fresh(db, now).await?.signer.clone())
    }

    /// The public keys to publish at `/.well-known/jwks.json`: the signing key first, then
    /// those retiring.
    pub async fn published(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<Vec<Jwk>>> {
        Ok(self.fresh(db, now).await?.published.clone())
    }

    async fn fresh(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<KeySet>> {
        let cached = self
            .cache
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        match cached {
            Some(set) if set.read_at.elapsed() < self.refresh_every => Ok(set),
            _ => self.read(db, now).await,
        }
    }

    async fn read(
        &self,
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<KeySet>> {
        let mut rows = live_keys(db, now).await?;
        if !rows.iter().any(|row| row.retires_at.is_none()) {
            // The first start (or every key retired by hand): make one. Two instances
            // starting at once may both do so; the newer signs, both are published.
            rows.insert(0, create(db, &self.server_key, now).await?);
        }
        let signing = rows
            .iter()
            .find(|row| row.retires_at.is_none())
            .context("no signing key")?;
        let signer = Arc::new(open(&self.server_key, signing)?);
        let published = rows
            .iter()
            .map(|row| Jwk::ed25519(&row.public_key))
            .collect();
        let set = Arc::new(KeySet {
            read_at: Instant::now(),
            signer,
            published: Arc::new(published),
        });
        *self
            .cache
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(set.clone());
        Ok(set)
    }
}

/// Keys still published at `now`: the signing one(s) first, newest first.
async fn live_keys(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<signing_key::Model>> {
    let mut rows = signing_key::Entity::find()
        .filter(
            Condition::any()
                .add(signing_key::Column::RetiresAt.is_null())
                .add(signing_key::Column::RetiresAt.gt(now)),
        )
        .all(db)
        .await
        .context("reading the signing keys")?;
    rows.sort_by_key(signing_first);
    Ok(rows)
}

/// How keys are listed: signing before retiring, each group newest first.
type KeyOrder = (bool, Reverse<DateTime<Utc>>, Reverse<Option<DateTime<Utc>>>);

fn signing_first(row: &signing_key::Model) -> KeyOrder {
    (
        row.retires_at.is_some(),
        Reverse(row.created_at),
        Reverse(row.retires_at),
    )
}

/// A new random key, stored sealed.
async fn create(
    db: &impl ConnectionTrait,
    server_key: &ServerKey,
    now: DateTime<Utc>,
) -> anyhow::Result<signing_key::Model> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).context("drawing a signing key")?;
    let signer = Signer::from_seed(&seed).context("making an Ed25519 key")?;
    let public_key = signer.public_key();
    let row = signing_key::ActiveModel {
        kid: Set(thumbprint(&public_key)),
        public_key: Set(public_key),
        sealed_seed: Set(server_key
            .seal(Purpose::SigningKeySeal, &seed)
            .context("sealing the signing key")?),
        created_at: Set(now),
        retires_at: Set(None),
    }
    .insert(db)
    .await
    .context("storing a signing key")?;
    tracing::info!(kid = %row.kid, "identity tokens: new signing key");
    Ok(row)
}

fn open(server_key: &ServerKey, row: &signing_key::Model) -> anyhow::Result<Signer> {
    let seed = server_key
        .open(Purpose::SigningKeySeal, &row.sealed_seed)
        .with_context(|| {
            format!(
                "cannot open signing key {}: it was sealed with another server key (put that \
                 key in LATCH_PREVIOUS_SECRET_KEYS, or run `latch keys rotate`)",
                row.kid
            )
        })?;
    let signer = Signer::from_seed(&seed).context("a stored signing key is not an Ed25519 seed")?;
    if signer.public_key() != row.public_key {
        bail!("signing key {} does not match its public key", row.kid);
    }
    Ok(signer)
}

/// Adds a new signing key, which signs from now on (in every instance within their refresh
/// time), and retires the others `grace` from now. Returns the new key's id.
pub async fn rotate(
    db: &DatabaseConnection,
    server_key: &ServerKey,
    grace: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let txn = db.begin().await.context("starting a rotation")?;
    signing_key::Entity::update_many()
        .col_expr(signing_key::Column::RetiresAt, Expr::value(now + grace))
        .filter(
            Condition::any()
                .add(signing_key::Column::RetiresAt.is_null())
                .add(signing_key::Column::RetiresAt.gt(now + grace)),
        )
        .exec(&txn)
        .await
        .context("retiring the signing keys")?;
    let created = create(&txn, server_key, now).await?;
    txn.commit().await.context("finishing the rotation")?;
    Ok(created.kid)
}

/// Where a key is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Signing,
    /// Verifies (is published) until then.
    Retiring(DateTime<Utc>),
    Retired(DateTime<Utc>),
}

/// A key as `latch keys list` shows it.
#[derive(Debug, Clone)]
pub struct ListedKey {
    pub kid: String,
    pub created_at: DateTime<Utc>,
    pub state: KeyState,
}

/// Every stored key: the signing one first, then the others newest first.
pub async fn list(db: &impl ConnectionTrait, now: DateTime<Utc>) -> anyhow::Result<Vec<ListedKey>> {
    let mut rows = signing_key::Entity::find()
        .all(db)
        .await
        .context("listing the signing keys")?;
    rows.sort_by_key(signing_first);
    Ok(rows
        .into_iter()
        .map(|row| ListedKey {
            state: match row.retires_at {
                None => KeyState::Signing,
                Some(at) if at > now => KeyState::Retiring(at),
                Some(at) => KeyState::Retired(at),
            },
            kid: row.kid,
            created_at: row.created_at,
        })
        .collect())
}
