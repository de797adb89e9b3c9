//! Passkeys and security keys (WebAuthn) as a second factor, verified by `webauthn_rp`.
//!
//! A ceremony is two requests: the first sends the browser a challenge (and keeps the server
//! half of the ceremony in `passkey_ceremonies`, five minutes, so any instance can finish it);
//! the second brings the authenticator's answer, which takes that row (a conditional delete:
//! an answer is accepted once) and is verified against it. The relying party is Latch's public
//! URL (`LATCH_PUBLIC_URL`): its host is the RP ID, its origin the only origin accepted, so a
//! phishing site on another address gets signatures no Latch accepts.
//!
//! Nothing stored here is secret: a credential is a public key. What a stolen database gives
//! an attacker is no way to sign.

use std::net::IpAddr;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Duration, Utc};
use latch_domain::{AuditKind, AuditOutcome};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::{
    AllowedCredentials, AuthenticationVerificationOptions, NonDiscoverableCredentialRequestOptions,
};
use webauthn_rp::request::register::{
    PublicKeyCredentialCreationOptions, PublicKeyCredentialUserEntity,
    RegistrationVerificationOptions, UserHandle64,
};
use webauthn_rp::request::{
    AsciiDomain, Credentials, PublicKeyCredentialDescriptor, RpId, TimedCeremony,
};
use webauthn_rp::response::register::{DynamicState, StaticState};
use webauthn_rp::response::{AuthTransports, CredentialId};
use webauthn_rp::{
    AuthenticatedCredential, NonDiscoverableAuthentication64,
    NonDiscoverableAuthenticationServerState, Registration, RegistrationServerState,
};

use super::{AppAdded, TwoFactorError, factors_of};
use crate::audit::{self, AuditEvent};
use crate::entities::{passkey_ceremony, second_factor, user};
use crate::reauth;
use crate::services::Services;
use crate::sessions::SessionUser;

pub const KIND: &str = "passkey";

/// How long a browser has to answer a challenge (the authenticator's own prompt included).
const CEREMONY_VALID_FOR: Duration = Duration::minutes(5);

/// The longest name a passkey may be given ("YubiKey 5C", "Work laptop").
pub const NAME_MAX_CHARS: usize = 64;

const REGISTER: &str = "register";
const SIGN_IN: &str = "sign_in";

/// Latch as a WebAuthn relying party: from the public URL, never from a request.
struct RelyingParty {
    id: RpId,
    origin: String,
}

impl RelyingParty {
    fn of(services: &Services) -> Result<Self, TwoFactorError> {
        let url = &services.public_url;
        // A passkey is bound to a domain name; an address like 127.0.0.1 cannot be one.
        let domain = match url.host() {
            Some(url::Host::Domain(domain)) => domain.to_owned(),
            _ => return Err(TwoFactorError::PasskeysUnavailable),
        };
        let id = AsciiDomain::try_from(domain)
            .map(RpId::Domain)
            .map_err(|_| TwoFactorError::PasskeysUnavailable)?;
        Ok(Self {
            id,
            origin: url.origin().ascii_serialization(),
        })
    }
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    B64.encode(bytes)
}

/// `webauthn_rp`'s encodings of a credential's parts cannot fail.
fn infallible<T>(result: Result<T, std::convert::Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

fn bytes_of(text: Option<&str>) -> anyhow::Result<Vec<u8>> {
    B64.decode(text.unwrap_or_default())
        .context("a stored passkey part is not base64url")
}

/// A stored part of a fixed size (user handle, counter).
fn array_of<const N: usize>(text: Option<&str>) -> anyhow::Result<[u8; N]> {
    bytes_of(text)?
        .try_into()
        .map_err(|_| anyhow::anyhow!("a stored passkey part has the wrong size"))
}

fn transports_of(text: Option<&str>) -> anyhow::Result<AuthTransports> {
    let byte: u8 = text
        .unwrap_or_default()
        .parse()
        .context("stored transports are not a number")?;
    AuthTransports::decode(byte).map_err(|err| anyhow::anyhow!("decoding transports: {err:?}"))
}

/// The account's WebAuthn user handle: the same for all its passkeys (an authenticator keeps
/// one credential per account and replaces it on a new registration), random, no personal data.
fn user_handle_of(passkeys: &[second_factor::Model]) -> anyhow::Result<UserHandle64> {
    match passkeys
        .iter()
        .find_map(|row| row.passkey_user_handle.as_deref())
    {
        Some(stored) => Ok(infallible(UserHandle64::decode(array_of(Some(stored))?))),
        None => Ok(UserHandle64::new()),
    }
}

fn passkeys_of(factors: Vec<second_factor::Model>) -> Vec<second_factor::Model> {
    factors.into_iter().filter(|f| f.kind == KIND).collect()
}

/// What the browser is told to look for or not to create twice.
fn descriptors(
    passkeys: &[second_factor::Model],
) -> anyhow::Result<Vec<PublicKeyCredentialDescriptor<Vec<u8>>>> {
    passkeys
        .iter()
        .map(|row| {
            let id = CredentialId::<Vec<u8>>::decode(bytes_of(row.credential_id.as_deref())?)
                .map_err(|err| anyhow::anyhow!("decoding a credential id: {err:?}"))?;
            let transports = transports_of(row.passkey_transports.as_deref())?;
            Ok(PublicKeyCredentialDescriptor { id, transports })
        })
        .collect()
}

/// Keeps the server half of a ceremony until its answer; the user's earlier unanswered
/// ceremonies of the same purpose end (one at a time per account).
async fn store_ceremony(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: &str,
    name: Option<String>,
    challenge: u128,
    state: String,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    passkey_ceremony::Entity::delete_many()
        .filter(passkey_ceremony::Column::UserId.eq(user_id))
        .filter(passkey_ceremony::Column::Purpose.eq(purpose))
        .exec(db)
        .await
        .context("ending an earlier passkey ceremony")?;
    passkey_ceremony::ActiveModel {
        challenge: Set(challenge.to_string()),
        user_id: Set(user_id),
        purpose: Set(purpose.to_owned()),
        name: Set(name),
        state: Set(state),
        expires_at: Set(now + CEREMONY_VALID_FOR),
    }
    .insert(db)
    .await
    .context("storing a passkey ceremony")?;
    Ok(())
}

/// Takes (deletes and returns) the ceremony `challenge` of `user_id`: once, and only while it
/// lasts. Of two answers racing with one challenge, one gets it.
async fn take_ceremony(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: &str,
    challenge: u128,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<passkey_ceremony::Model>> {
    let key = challenge.to_string();
    let Some(row) = passkey_ceremony::Entity::find_by_id(key.clone())
        .one(db)
        .await
        .context("loading a passkey ceremony")?
    else {
        return Ok(None);
    };
    let taken = passkey_ceremony::Entity::delete_many()
        .filter(passkey_ceremony::Column::Challenge.eq(key))
        .filter(passkey_ceremony::Column::UserId.eq(user_id))
        .filter(passkey_ceremony::Column::Purpose.eq(purpose))
        .filter(passkey_ceremony::Column::ExpiresAt.gt(now))
        .exec(db)
        .await
        .context("taking a passkey ceremony")?;
    Ok((taken.rows_affected == 1).then_some(row))
}

/// A name typed for a new passkey: trimmed, 1 to [`NAME_MAX_CHARS`] characters, printable.
fn passkey_name(typed: &str) -> Result<String, TwoFactorError> {
    let name = typed.trim();
    let fits = !name.is_empty() && name.chars().count() <= NAME_MAX_CHARS;
    if fits && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(TwoFactorError::InvalidPasskeyName)
    }
}

/// "Add a passkey": checks the name and the password (unless confirmed in the last minutes),
/// then returns the creation options for `navigator.credentials.create()`, as JSON.
pub async fn begin_registration(
    services: &Services,
    session: &SessionUser,
    name: &str,
    password: Option<&str>,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<String, TwoFactorError> {
    let rp = RelyingParty::of(services)?;
    let name = passkey_name(name)?;
    super::manage::ensure_confirmed(services, session, password, client_ip, now).await?;
    let db = &services.db;
    let user = &session.user;
    let passkeys = passkeys_of(factors_of(db, user.id).await?);
    let handle = user_handle_of(&passkeys)?;
    let username = user.username.as_str().try_into().map_err(|err| {
        TwoFactorError::Unexpected(anyhow::anyhow!("a username WebAuthn refuses: {err:?}"))
    })?;
    let entity = PublicKeyCredentialUserEntity {
        name: username,
        id: &handle,
        display_name: None,
    };
    let options =
        PublicKeyCredentialCreationOptions::second_factor(&rp.id, entity, descriptors(&passkeys)?);
    let (server, client) = options
        .start_ceremony()
        .map_err(|err| anyhow::anyhow!("starting a passkey registration: {err:?}"))?;
    let json = serde_json::to_string(&client).context("writing the creation options")?;
    let challenge = server.sent_challenge().0;
    let state = server
        .encode()
        .map_err(|err| anyhow::anyhow!("encoding a registration ceremony: {err:?}"))?;
    store_ceremony(
        db,
        user.id,
        REGISTER,
        Some(name),
        challenge,
        b64(state),
        now,
    )
    .await?;
    Ok(json)
}

/// Saves the passkey the browser created (`credential`: its `PublicKeyCredential.toJSON()`),
/// once it answers this account's challenge from Latch's own origin. The password must have
/// been confirmed in the last minutes ([`begin_registration`] did). The first method of an
/// account comes with recovery codes. Audited, and the user is mailed.
pub async fn finish_registration(
    services: &Services,
    session: &SessionUser,
    credential: &str,
    client_ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<AppAdded, TwoFactorError> {
    let rp = RelyingParty::of(services)?;
    let db = &services.db;
    let user = &session.user;
    if !reauth::is_recent(session.reauthenticated_at, &services.admin_policy, now) {
        return Err(TwoFactorError::PasswordNeeded);
    }
    let refused = |reason: String| async move {
        tracing::info!(user_id = %user.id, reason, "passkey registration refused");
        let event = AuditEvent::own(
            user,
            AuditKind::SecondFactorAdded,
            AuditOutcome::Failed,
            client_ip,
        )
        .with_details(serde_json::json!({ "method": KIND }));
        audit::record(db, event, now).await?;
        Err::<AppAdded, _>(TwoFactorError::PasskeyRefused)
    };
    // Relaxed: unknown fields (some password managers add their own) and the parts older
    // browsers leave out are no reason to refuse; everything signed is still checked.
    let Ok(registration) = Registration::from_json_relaxed(credential.as_bytes()) else {
        return refused("not a registration response".to_owned()).await;
    };
    let Ok(challenge) = registration.challenge() else {
        return refused("no challenge".to_owned()).await;
    };
    let Some(ceremony) = take_ceremony(db, user.id, REGISTER, challenge.0, now).await? else {
        return refused("no such ceremony (expired, used or another account's)".to_owned()).await;
    };
    let state = RegistrationServerState::<64>::decode(bytes_of(Some(&ceremony.state))?.as_slice())
        .map_err(|err| anyhow::anyhow!("decoding a registration ceremony: {err:?}"))?;
    let origins = [rp.origin.as_str()];
    let options = RegistrationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        ..RegistrationVerificationOptions::default()
    };
    let registered = match state.verify(&rp.id, &registration, &options) {
        Ok(registered) => registered,
        Err(err) => return refused(format!("{err:?}")).await,
    };
    let (id, transports, handle, static_state, dynamic_state, _metadata) = registered.into_parts();
    let row = second_factor::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        kind: Set(KIND.to_owned()),
        name: Set(ceremony.name.unwrap_or_else(|| "Passkey".to_owned())),
        sealed_secret: Set(String::new()),
        last_used_step: Set(None),
        created_at: Set(now),
        confirmed_at: Set(Some(now)),
        last_used_at: Set(None),
        credential_id: Set(Some(b64(infallible(id.encode())))),
        passkey_public_key: Set(Some(b64(infallible(static_state.encode())))),
        passkey_counter: Set(Some(b64(infallible(dynamic_state.encode())))),
        passkey_transports: Set(Some(infallible(transports.encode()).to_string())),
        passkey_user_handle: Set(Some(b64(infallible(handle.encode())))),
    };
    let txn = db.begin().await.context("starting the passkey setup")?;
    let had_factor = !factors_of(&txn, user.id).await?.is_empty();
    if row.insert(&txn).await.is_err() {
        // The unique credential id: this authenticator's credential is registered already.
        drop(txn);
        return refused("credential registered already".to_owned()).await;
    }
    super::manage::method_added(txn, services, user, KIND, had_factor, client_ip, now).await
}

/// The second login step's challenge for `user`'s passkeys, as JSON for
/// `navigator.credentials.get()`; `None` when the account has none.
pub(crate) async fn begin_sign_in(
    services: &Services,
    user: &user::Model,
    now: DateTime<Utc>,
) -> Result<Option<String>, TwoFactorError> {
    let rp = RelyingParty::of(services)?;
    let db = &services.db;
    let passkeys = passkeys_of(factors_of(db, user.id).await?);
    let mut allowed = AllowedCredentials::with_capacity(passkeys.len());
    for descriptor in descriptors(&passkeys)? {
        allowed.push(descriptor.into());
    }
    let Ok(options) = NonDiscoverableCredentialRequestOptions::second_factor(&rp.id, allowed)
    else {
        return Ok(None);
    };
    let (server, client) = options
        .start_ceremony()
        .map_err(|err| anyhow::anyhow!("starting a passkey sign-in: {err:?}"))?;
    let json = serde_json::to_string(&client).context("writing the request options")?;
    let challenge = server.sent_challenge().0;
    let state = server
        .encode()
        .map_err(|err| anyhow::anyhow!("encoding a sign-in ceremony: {err:?}"))?;
    store_ceremony(db, user.id, SIGN_IN, None, challenge, b64(state), now).await?;
    Ok(Some(json))
}

/// A passkey's answer to a sign-in challenge, with the ceremony it answers (taken: it serves
/// once, even when the answer turns out wrong).
pub(crate) struct SignInAnswer {
    answer: NonDiscoverableAuthentication64,
    state: NonDiscoverableAuthenticationServerState,
}

/// Reads `answer` (the browser's `toJSON()` of the assertion) and takes its ceremony; `None`
/// when it is not one, or answers no live challenge of this account.
pub(crate) async fn take_sign_in_answer(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    answer: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<SignInAnswer>> {
    let Ok(answer) = NonDiscoverableAuthentication64::from_json_relaxed(answer.as_bytes()) else {
        return Ok(None);
    };
    let Ok(challenge) = answer.challenge() else {
        return Ok(None);
    };
    let Some(ceremony) = take_ceremony(db, user_id, SIGN_IN, challenge.0, now).await? else {
        return Ok(None);
    };
    let state = NonDiscoverableAuthenticationServerState::decode(
        bytes_of(Some(&ceremony.state))?.as_slice(),
    )
    .map_err(|err| anyhow::anyhow!("decoding a sign-in ceremony: {err:?}"))?;
    Ok(Some(SignInAnswer { answer, state }))
}

/// Whether `answer` is a valid signature by one of `user_id`'s passkeys; if so, that passkey's
/// counter and last use are saved (in `db`, the login's transaction).
pub(crate) async fn accept_sign_in(
    services: &Services,
    db: &impl ConnectionTrait,
    user_id: Uuid,
    answer: SignInAnswer,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Ok(rp) = RelyingParty::of(services) else {
        return Ok(false);
    };
    let presented = B64.encode(answer.answer.raw_id().as_ref());
    let passkeys = passkeys_of(factors_of(db, user_id).await?);
    let Some(row) = passkeys
        .into_iter()
        .find(|row| row.credential_id.as_deref() == Some(presented.as_str()))
    else {
        return Ok(false);
    };
    let id_bytes = bytes_of(row.credential_id.as_deref())?;
    let id = CredentialId::<&[u8]>::decode(id_bytes.as_slice())
        .map_err(|err| anyhow::anyhow!("decoding a credential id: {err:?}"))?;
    let handle = infallible(UserHandle64::decode(array_of(
        row.passkey_user_handle.as_deref(),
    )?));
    let static_state = StaticState::decode(bytes_of(row.passkey_public_key.as_deref())?.as_slice())
        .map_err(|err| anyhow::anyhow!("decoding a public key: {err:?}"))?;
    let dynamic_state = DynamicState::decode(array_of(row.passkey_counter.as_deref())?)
        .map_err(|err| anyhow::anyhow!("decoding a signature counter: {err:?}"))?;
    let Ok(mut credential) = AuthenticatedCredential::new(id, &handle, static_state, dynamic_state)
    else {
        return Ok(false);
    };
    let origins = [rp.origin.as_str()];
    let options = AuthenticationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        ..AuthenticationVerificationOptions::default()
    };
    match answer
        .state
        .verify(&rp.id, &answer.answer, &mut credential, &options)
    {
        Ok(_) => {}
        Err(err) => {
            tracing::info!(%user_id, error = ?err, "passkey signature refused");
            return Ok(false);
        }
    }
    let mut used: second_factor::ActiveModel = row.into();
    used.passkey_counter = Set(Some(b64(infallible(credential.dynamic_state().encode()))));
    used.last_used_at = Set(Some(now));
    used.update(db).await.context("saving the passkey's use")?;
    Ok(true)
}
