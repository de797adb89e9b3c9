//! An HTTP client pointed at one running Latch, in-process or a real `latch` process, with the
//! requests tests make again and again.

use std::time::Duration;

use super::PUBLIC_URL;

/// Where one Latch listens, and a client that talks to it as a script would (no redirects
/// followed, so tests see where Latch sends the browser).
#[derive(Clone)]
pub struct Endpoint {
    pub address: String,
    pub client: reqwest::Client,
}

impl Endpoint {
    /// `address` is `http://host:port`.
    pub fn new(address: String) -> Self {
        Self {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A request that hangs fails its test with a location instead of stalling CI.
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with_cookie(path, None).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("request failed")
    }

    /// Loads `path` as a browser does (`Accept: text/html`) with the given cookie.
    pub async fn get_page(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("cookie", cookie)
            .header("accept", "text/html")
            .send()
            .await
            .expect("request failed")
    }

    /// Posts the login form as the hydrated app does (a script request, not a page load).
    pub async fn log_in(&self, identifier: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/api/login",
            &[("identifier", identifier), ("password", password)],
            &[],
        )
        .await
    }

    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}{path}", self.address))
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request failed")
    }

    /// Submits a form as a browser without JavaScript does: to the page it is on (`page`),
    /// naming its server function in the hidden field, `Accept: text/html`.
    pub async fn post_page(
        &self,
        page: &str,
        server_fn: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut fields = form.to_vec();
        fields.push((latch_app::plain_forms::SERVER_FN_FIELD, server_fn));
        let mut all_headers = vec![("accept", "text/html")];
        all_headers.extend_from_slice(headers);
        self.post_form(page, &fields, &all_headers).await
    }

    /// "Forgot Password" for `email`.
    pub async fn request_reset(&self, email: &str) -> reqwest::Response {
        self.post_form("/api/request_reset", &[("email", email)], &[])
            .await
    }

    /// Opens the emailed reset link like a browser; returns the reset cookie it was given.
    pub async fn open_link(&self, link: &str) -> String {
        self.open_link_to(link, "/reset-password").await
    }

    /// Opens an emailed link like a browser, which must land on `page` with the token moved
    /// out of the URL into a cookie; returns that cookie.
    pub async fn open_link_to(&self, link: &str, page: &str) -> String {
        let path = link.strip_prefix(PUBLIC_URL).unwrap();
        let response = self.get(path).await;
        assert_eq!(response.status(), 303);
        assert_eq!(
            response.headers()["location"],
            page,
            "the token leaves the URL"
        );
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("Max-Age="),
            "{cookie}"
        );
        cookie.split(';').next().unwrap().to_owned()
    }

    /// Submits "New password" / "Confirm new password" with the reset cookie.
    pub async fn set_password(
        &self,
        cookie: &str,
        password: &str,
        confirm: &str,
    ) -> reqwest::Response {
        self.post_form(
            "/api/reset_password",
            &[("password", password), ("confirm", confirm)],
            &[("cookie", cookie)],
        )
        .await
    }
}
