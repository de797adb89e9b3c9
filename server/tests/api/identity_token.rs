//! `X-Latch-Token` and `/.well-known/jwks.json` (issue 18): the identity forward
//! authentication hands the CRM, signed so the CRM need not trust the network between the
//! proxy and itself. Tokens are checked here with ring's Ed25519 verifier against the
//! published JWKS, as a CRM would, not with Latch's signing code.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use latch_core::identity_token;
use latch_core::server_key::ServerKey;
use latch_server::site;
use latch_server::startup::Application;
use ring::signature::{ED25519, UnparsedPublicKey};
use serde_json::Value;

use crate::helpers::{PUBLIC_URL, TEST_SERVER_KEY, TestApp, session_cookie, spawn_app_with};

impl TestApp {
    async fn verify_with(&self, cookie: &str) -> reqwest::Response {
        self.client
            .get(format!("{}/auth/verify", self.address))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request failed")
    }

    async fn jwks(&self) -> Value {
        let answer = self
            .client
            .get(format!("{}/.well-known/jwks.json", self.address))
            .send()
            .await
            .expect("request failed");
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer.headers()["cache-control"].to_str().unwrap(),
            "public, max-age=300"
        );
        serde_json::from_str(&answer.text().await.unwrap()).unwrap()
    }
}

fn token_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-latch-token")
        .unwrap_or_else(|| panic!("no token in {:?}", response.headers()))
        .to_str()
        .unwrap()
        .to_owned()
}

fn decoded(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The claims of `token` if its signature verifies under a key of `jwks`.
fn verified(token: &str, jwks: &Value) -> Option<Value> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    let header = decoded(header);
    if header["alg"] != "EdDSA" {
        return None;
    }
    let key = jwks["keys"]
        .as_array()?
        .iter()
        .find(|key| key["kid"] == header["kid"])?;
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    let public_key = URL_SAFE_NO_PAD.decode(key["x"].as_str()?).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(signing_input.as_bytes(), &signature)
        .ok()?;
    Some(decoded(payload))
}

fn kid_of(token: &str) -> String {
    decoded(token.split('.').next().unwrap())["kid"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Keys read afresh on every request, so a rotation shows at once.
const FRESH_KEYS: (&str, &str) = ("LATCH_TOKEN_KEYS_REFRESH_SECONDS", "0");

#[tokio::test]
async fn a_live_session_gets_a_token_the_published_keys_verify_naming_the_user_for_a_minute() {
    let app = spawn_app_with(&[("LATCH_APP_URL", "https://crm.example.test/home")]).await;
    let ana = app.create_user("ana").await;
    let row = app.user_row("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();

    let answer = app.verify_with(&cookie).await;

    assert_eq!(answer.status(), 200);
    let token = token_of(&answer);
    let claims = verified(&token, &app.jwks().await).expect("a signature the JWKS verifies");
    assert_eq!(claims["iss"], PUBLIC_URL);
    // The audience defaults to the app's origin.
    assert_eq!(claims["aud"], "https://crm.example.test");
    assert_eq!(claims["sub"], row.id.to_string());
    assert_eq!(claims["company_id"], row.company_id.to_string());
    assert_eq!(claims["role"], "member");
    assert_eq!(claims["name"], ana.display_name);
    assert_eq!(claims["email"], ana.email);
    assert_eq!(claims["username"], "ana");
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap(),
        claims["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 60);
    assert!((iat - chrono::Utc::now().timestamp()).abs() < 10);
    assert!(!claims["jti"].as_str().unwrap().is_empty());
    // The session is named, never given away.
    let session_token = cookie.split_once('=').unwrap().1;
    let sid = claims["sid"].as_str().unwrap();
    assert!(!sid.is_empty() && !token.contains(session_token) && sid != session_token);

    // Same session, same sid; a new token each time.
    let again = verified(
        &token_of(&app.verify_with(&cookie).await),
        &app.jwks().await,
    )
    .unwrap();
    assert_eq!(again["sid"], claims["sid"]);
    assert_ne!(again["jti"], claims["jti"]);
}

#[tokio::test]
async fn a_token_whose_claims_were_changed_or_that_another_key_signed_does_not_verify() {
    let app = spawn_app_with(&[]).await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let token = token_of(&app.verify_with(&cookie).await);
    let jwks = app.jwks().await;
    assert!(verified(&token, &jwks).is_some());

    // Promoted to admin by someone on the network between the proxy and the CRM.
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = decoded(parts[1]);
    claims["role"] = "admin".into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap()),
        parts[2]
    );
    assert!(verified(&forged, &jwks).is_none());

    // Signed by another Latch (another database, its own key) with the same key id claimed.
    let other = spawn_app_with(&[]).await;
    let bea = other.create_user("bea").await;
    let other_cookie = session_cookie(&other.log_in(&bea.username, &bea.password).await).unwrap();
    let foreign = token_of(&other.verify_with(&other_cookie).await);
    let (_, rest) = foreign.split_once('.').unwrap();
    let relabelled = format!("{}.{rest}", parts[0]);
    assert!(verified(&foreign, &jwks).is_none());
    assert!(verified(&relabelled, &jwks).is_none());
}

#[tokio::test]
async fn without_a_live_session_no_token_is_issued() {
    let app = spawn_app_with(&[]).await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    app.post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;

    let answer = app.verify_with(&cookie).await;

    assert_eq!(answer.status(), 401);
    assert!(answer.headers().get("x-latch-token").is_none());
}

#[tokio::test]
async fn after_a_rotation_tokens_carry_the_new_key_and_the_old_key_stays_published_for_its_grace() {
    let app = spawn_app_with(&[FRESH_KEYS]).await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();
    let before = token_of(&app.verify_with(&cookie).await);

    let server_key = ServerKey::from_text(TEST_SERVER_KEY, &[]).unwrap();
    let now = chrono::Utc::now();
    let new_kid = identity_token::rotate(&app.db, &server_key, chrono::Duration::hours(1), now)
        .await
        .unwrap();

    let after = token_of(&app.verify_with(&cookie).await);
    assert_eq!(kid_of(&after), new_kid);
    assert_ne!(kid_of(&before), new_kid);
    let jwks = app.jwks().await;
    assert_eq!(
        jwks["keys"][0]["kid"], new_kid,
        "the signing key comes first"
    );
    assert!(
        verified(&before, &jwks).is_some(),
        "the old key still verifies"
    );
    assert!(verified(&after, &jwks).is_some());

    // Once the grace period is over the old key leaves the JWKS.
    identity_token::rotate(&app.db, &server_key, chrono::Duration::zero(), now)
        .await
        .unwrap();
    let jwks = app.jwks().await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert!(verified(&before, &jwks).is_none());
    assert!(verified(&after, &jwks).is_none());
}

#[tokio::test]
async fn instances_on_one_database_sign_with_the_same_key_and_publish_the_same_jwks() {
    let first = spawn_app_with(&[FRESH_KEYS]).await;
    let mut leptos_options = site::leptos_options().unwrap();
    leptos_options.site_addr = "127.0.0.1:0".parse().unwrap();
    let second = Application::build(first.settings.clone(), leptos_options)
        .await
        .unwrap();
    let second_address = format!("http://{}", second.local_addr().unwrap());
    tokio::spawn(second.run_until_stopped());
    let ana = first.create_user("ana").await;
    let cookie = session_cookie(&first.log_in(&ana.username, &ana.password).await).unwrap();

    let from_first = token_of(&first.verify_with(&cookie).await);
    let from_second = first
        .client
        .get(format!("{second_address}/auth/verify"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let from_second = token_of(&from_second);
    let second_jwks = first
        .client
        .get(format!("{second_address}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let second_jwks: Value = serde_json::from_str(&second_jwks).unwrap();

    assert_eq!(kid_of(&from_first), kid_of(&from_second));
    assert_eq!(first.jwks().await, second_jwks);
    assert!(verified(&from_second, &first.jwks().await).is_some());
}

#[tokio::test]
async fn an_instance_whose_server_key_cannot_open_the_signing_keys_refuses_to_start() {
    let first = spawn_app_with(&[]).await;
    let mut settings = first.settings.clone();
    settings.server_key = latch_server::settings::KeySource::Given(ServerKey::generate().unwrap());
    let mut leptos_options = site::leptos_options().unwrap();
    leptos_options.site_addr = "127.0.0.1:0".parse().unwrap();

    let refused = Application::build(settings, leptos_options).await;

    let Err(err) = refused else {
        panic!("started with a server key that cannot open the signing keys");
    };
    assert!(
        format!("{err:#}").contains("LATCH_PREVIOUS_SECRET_KEYS"),
        "{err:#}"
    );
}
