use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, TimeZone, Utc};
use latch_domain::Role;
use ring::signature::{ED25519, UnparsedPublicKey};
use sea_orm::EntityTrait;
use uuid::Uuid;

use super::*;
use crate::entities::signing_key;
use crate::testing::fresh_db;

fn identity() -> Identity {
    Identity {
        user_id: Uuid::new_v4(),
        username: "ana".to_owned(),
        email: "ana@example.com".to_owned(),
        name: "Ana Putri".to_owned(),
        company_id: Uuid::new_v4(),
        company: "PT Maju".to_owned(),
        role: Role::Admin,
        locale: latch_i18n::Locale::default(),
        time_zone: crate::time_zone::TimeZone::default(),
        session_key: "a5e55104-key".to_owned(),
    }
}

fn issuer(server_key: &ServerKey, refresh: std::time::Duration) -> TokenIssuer {
    TokenIssuer {
        issuer: "https://login.example.com".to_owned(),
        audience: "https://crm.example.com".to_owned(),
        keys: SigningKeys::new(server_key.clone(), refresh),
    }
}

/// The claims of `token` if its signature verifies under one of `jwks` (checked with ring's
/// verifier directly, not with the signing code).
fn verified(token: &str, jwks: &[jws::Jwk]) -> Option<serde_json::Value> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    assert_eq!(header["alg"], "EdDSA");
    let key = jwks.iter().find(|key| key.kid == header["kid"])?;
    let public_key = URL_SAFE_NO_PAD.decode(&key.x).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(
            format!("{}.{payload}", parts_of(token)).as_bytes(),
            &signature,
        )
        .ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

fn parts_of(token: &str) -> &str {
    token.split('.').next().unwrap_or_default()
}

fn kid_of(token: &str) -> String {
    let header = URL_SAFE_NO_PAD.decode(parts_of(token)).unwrap();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_verifies_against_the_published_key_and_says_who_for_one_minute() {
    let db = fresh_db().await;
    let server_key = ServerKey::generate().unwrap();
    let issuer = issuer(&server_key, std::time::Duration::from_secs(30));
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap();
    let who = identity();

    let token = issuer.issue(&db, &who, now).await.unwrap();

    let jwks = issuer.keys.published(&db, now).await.unwrap();
    let claims = verified(&token, &jwks).expect("a valid signature");
    assert_eq!(claims["iss"], "https://login.example.com");
    assert_eq!(claims["aud"], "https://crm.example.com");
    assert_eq!(claims["sub"], who.user_id.to_string());
    assert_eq!(claims["company_id"], who.company_id.to_string());
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims["name"], "Ana Putri");
    assert_eq!(claims["email"], "ana@example.com");
    assert_eq!(claims["iat"], now.timestamp());
    assert_eq!(claims["exp"], now.timestamp() + 60);
    let sid = claims["sid"].as_str().unwrap();
    assert!(!sid.contains(&who.session_key));
    assert_eq!(sid, session_claim(&server_key, &who.session_key));

    // Each token is its own (jti), and a changed claim breaks the signature.
    let again = issuer.issue(&db, &who, now).await.unwrap();
    assert_ne!(verified(&again, &jwks).unwrap()["jti"], claims["jti"]);
    let mut forged = claims.clone();
    forged["role"] = "admin".into();
    forged["sub"] = Uuid::new_v4().to_string().into();
    let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    let pieces: Vec<&str> = token.split('.').collect();
    let forged_token = format!("{}.{forged_payload}.{}", pieces[0], pieces[2]);
    assert!(verified(&forged_token, &jwks).is_none());
}

#[tokio::test]
async fn the_private_key_is_stored_sealed_and_another_server_key_cannot_use_it() {
    let db = fresh_db().await;
    let server_key = ServerKey::generate().unwrap();
    let now = Utc::now();
    issuer(&server_key, std::time::Duration::ZERO)
        .keys
        .load(&db, now)
        .await
        .unwrap();
    let row = signing_key::Entity::find().one(&db).await.unwrap().unwrap();
    assert_eq!(row.kid, jws::thumbprint(&row.public_key));
    assert!(!format!("{row:?}").contains(&row.sealed_seed));

    let stranger = issuer(&ServerKey::generate().unwrap(), std::time::Duration::ZERO);
    let err = stranger.keys.load(&db, now).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("LATCH_PREVIOUS_SECRET_KEYS"),
        "{err:#}"
    );
}

#[tokio::test]
async fn a_rotation_signs_with_the_new_key_and_publishes_the_old_until_its_grace_ends() {
    let db = fresh_db().await;
    let server_key = ServerKey::generate().unwrap();
    // Two instances on one database, reading the keys afresh each time.
    let one = issuer(&server_key, std::time::Duration::ZERO);
    let two = issuer(&server_key, std::time::Duration::ZERO);
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap();
    let before = one.issue(&db, &identity(), now).await.unwrap();
    assert_eq!(
        kid_of(&before),
        kid_of(&two.issue(&db, &identity(), now).await.unwrap())
    );

    let new_kid = rotate(&db, &server_key, Duration::hours(24), now)
        .await
        .unwrap();

    let after = two.issue(&db, &identity(), now).await.unwrap();
    assert_eq!(kid_of(&after), new_kid);
    let jwks = one.keys.published(&db, now).await.unwrap();
    assert_eq!(jwks[0].kid, new_kid);
    assert!(
        verified(&before, &jwks).is_some(),
        "the old key still verifies"
    );
    assert!(verified(&after, &jwks).is_some());
    let listed = list(&db, now).await.unwrap();
    assert_eq!(listed[0].state, KeyState::Signing);
    assert_eq!(
        listed[1].state,
        KeyState::Retiring(now + Duration::hours(24))
    );

    let later = now + Duration::hours(25);
    let jwks = one.keys.published(&db, later).await.unwrap();
    assert_eq!(jwks.len(), 1);
    assert!(
        verified(&before, &jwks).is_none(),
        "the retired key is gone"
    );
}

#[tokio::test]
async fn an_instance_keeps_its_keys_for_its_refresh_time() {
    let db = fresh_db().await;
    let server_key = ServerKey::generate().unwrap();
    let cached = issuer(&server_key, std::time::Duration::from_secs(3600));
    let now = Utc::now();
    let before = cached.issue(&db, &identity(), now).await.unwrap();
    rotate(&db, &server_key, Duration::hours(1), now)
        .await
        .unwrap();
    // Within its refresh time it still signs with the key it read (which stays published
    // through the grace period, so its tokens keep verifying).
    let after = cached.issue(&db, &identity(), now).await.unwrap();
    assert_eq!(kid_of(&before), kid_of(&after));
}
