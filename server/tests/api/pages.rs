use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::helpers::{session_cookie, spawn_app, spawn_app_with};

#[tokio::test]
async fn login_page_is_rendered_on_the_server_with_its_hydration_scripts() {
    let app = spawn_app().await;

    let response = app.get("/login").await;

    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#), "{html}");
    assert!(html.contains("<h1>Log in</h1>"), "{html}");
    assert!(html.contains("<title>Log in · Latch</title>"), "{html}");
    assert!(html.contains(r#"href="/forgot-password""#), "{html}");
    // The browser needs the bundle and stylesheet the page names to hydrate and look right.
    for asset in ["/pkg/latch.js", "/pkg/latch.wasm", "/pkg/latch.css"] {
        assert!(
            html.contains(asset),
            "page does not reference {asset}: {html}"
        );
    }
}

/// The bundle is kept by the browser and revalidated on each use: a repeat visit downloads
/// nothing when it has not changed, and an upgrade is picked up at once. Each encoding has its
/// own tag, so a browser never keeps a brotli body under a gzip one's name.
#[tokio::test]
async fn site_files_are_kept_and_revalidated_with_an_etag_per_encoding() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/latch.css"), "body { color: black }").unwrap();
    std::fs::write(site.path().join("pkg/latch.css.br"), "brotli bytes").unwrap();
    let root = site.path().display().to_string();
    let app = spawn_app_with(&[("LEPTOS_SITE_ROOT", &root)]).await;
    let fetch = |encoding: &'static str, etag: Option<String>| {
        let mut request = app
            .client
            .get(format!("{}/pkg/latch.css", app.address))
            .header("accept-encoding", encoding);
        if let Some(etag) = etag {
            request = request.header("if-none-match", etag);
        }
        request.send()
    };
    let header = |response: &reqwest::Response, name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };

    let plain = fetch("identity", None).await.unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(
        header(&plain, "cache-control").as_deref(),
        Some("public, no-cache")
    );
    let plain_tag = header(&plain, "etag").expect("an ETag");
    let brotli = fetch("br", None).await.unwrap();
    assert_eq!(header(&brotli, "content-encoding").as_deref(), Some("br"));
    let brotli_tag = header(&brotli, "etag").expect("an ETag");
    assert_ne!(plain_tag, brotli_tag);

    let unchanged = fetch("br", Some(brotli_tag.clone())).await.unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(header(&unchanged, "etag"), Some(brotli_tag));
    assert!(unchanged.bytes().await.unwrap().is_empty());
    let other_encoding = fetch("identity", Some(header(&brotli, "etag").unwrap())).await;
    assert_eq!(other_encoding.unwrap().status(), 200);

    let page = app.get("/login").await;
    assert_eq!(header(&page, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(header(&page, "etag"), None);
}

#[tokio::test]
async fn unknown_pages_answer_404_with_a_way_back() {
    let app = spawn_app().await;

    let response = app.get("/no-such-page").await;

    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"), "{html}");
    assert!(
        html.contains(r#"<a href="/" rel="external">Go to the start page</a>"#),
        "{html}"
    );
}

#[tokio::test]
async fn pages_carry_protective_headers() {
    let app = spawn_app().await;

    let response = app.get("/login").await;

    let headers = response.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
        "{csp}"
    );
    // The inline hydration bootstrap runs only because it carries this page's nonce.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "{html}");
}

#[tokio::test]
async fn signed_out_visitors_of_the_start_page_go_to_login() {
    let app = spawn_app().await;

    let response = app.get("/").await;

    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login");
}

#[tokio::test]
async fn answers_that_depend_on_the_session_are_never_stored_and_https_is_pinned() {
    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = session_cookie(&app.log_in(&ana.username, &ana.password).await).unwrap();

    let page = app.get_page("/settings/account", &cookie).await;
    let data = app
        .post_form("/api/current_user", &[], &[("cookie", &cookie)])
        .await;
    let login = app.get("/login").await;
    for (what, response) in [
        ("page", &page),
        ("server function", &data),
        ("login", &login),
    ] {
        assert_eq!(response.headers()["cache-control"], "no-store", "{what}");
        // The test server's public URL is https: browsers must never try plain http again.
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000",
            "{what}"
        );
    }

    let health = app.get("/health").await;
    let policy = health.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "every answer refuses framing: {policy}"
    );

    let logout = app
        .post_form("/api/logout", &[], &[("cookie", &cookie)])
        .await;
    assert_eq!(
        logout.headers()["clear-site-data"],
        r#""cache", "storage""#,
        "nothing of the session stays in the browser"
    );
}

/// Another Latch starting in the same process (as every test's does) must not stall the pages
/// this one is serving. Leptos switches resource loading off process-wide while it renders the
/// app to list its routes; a page rendered meanwhile waited for its data for ever.
#[tokio::test]
async fn a_page_renders_while_another_latch_starts_in_the_same_process() {
    /// Stops the other thread's loop however this test ends, a failed assertion included.
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    let app = spawn_app().await;
    let ana = app.create_user("ana").await;
    let cookie = app.cookie_for(&ana).await;

    let stop = StopOnDrop(Arc::new(AtomicBool::new(false)));
    let starter = std::thread::spawn({
        let stop = Arc::clone(&stop.0);
        move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let mut started = 0;
            while !stop.load(Ordering::Relaxed) {
                runtime.block_on(spawn_app());
                started += 1;
            }
            started
        }
    });

    let mut loads = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    while tokio::time::Instant::now() < deadline {
        let page = tokio::time::timeout(Duration::from_secs(5), async {
            let response = app
                .get_with_cookie("/settings/account", Some(&cookie))
                .await;
            (response.status(), response.text().await.unwrap())
        })
        .await;
        let Ok((status, body)) = page else {
            panic!("page {loads} did not come within 5 s while other apps were starting");
        };
        assert_eq!(status, 200);
        assert!(body.contains("Account Settings"));
        loads += 1;
    }
    drop(stop);
    let started = starter.join().unwrap();
    assert!(started >= 3, "only {started} other apps started");
}
