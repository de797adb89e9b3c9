//! Forms without JavaScript: the form posts to its own page, and a refusal re-renders that page
//! with the error and what was typed, with the refusal's status.
//!
//! Why this design (rather than a flash cookie and a redirect): the answer to the post *is* the
//! form again, so its status tells the truth (401, 429 + `Retry-After`...) on the page the user
//! reads, and nothing the user typed or any error text ever travels in a URL or a cookie. The
//! page's address is the form's own, so when the WASM loads late it hydrates the same route.
//!
//! The pieces: [`PostForm`] renders `<form method="post" action="<this page>">` with a hidden
//! [`SERVER_FN_FIELD`] naming its server function (with JavaScript it dispatches the action
//! like leptos' `ActionForm`); the server's `plain_form_posts` middleware runs that server
//! function and, on a refusal, renders the page again with a [`FormFailure`] in the request;
//! [`provide_form_failure`] shares it with the browser (so hydration sees the same error), and
//! [`form_action`] / [`submitted`] hand it to the failed form. Leptos' own way, the error
//! base64-encoded in the page's `?__err=` query, is never used (the middleware redirects such
//! addresses to their plain form).

use leptos::form::FromFormData;
use leptos::html::{Form, form, input};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Http, client::Client, request::ClientReq};
use leptos::web_sys::FormData;
use leptos_router::hooks::use_location;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The hidden field of a [`PostForm`]: the path of the server function it posts to.
pub const SERVER_FN_FIELD: &str = "latch_form";

/// Fields never echoed back into a re-rendered form, nor into the page's hydration data (a
/// passkey's answer is no secret, but a spent one-use signature is only noise there).
pub fn is_secret_field(name: &str) -> bool {
    matches!(name, "password" | "confirm" | "existing" | "credential") || name.contains("password")
}

/// A form post the server function refused, as the server's middleware hands it to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFailure {
    /// The server function's path (`/api/login`).
    pub server_fn: String,
    pub error: AppError,
    /// What was typed, secret fields left out (see [`is_secret_field`]).
    pub fields: Vec<(String, String)>,
}

impl FormFailure {
    pub fn new(server_fn: String, error: AppError, form: &[u8]) -> Self {
        let fields = form_urlencoded::parse(form)
            .filter(|(name, _)| name != SERVER_FN_FIELD && !is_secret_field(name))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        Self {
            server_fn,
            error,
            fields,
        }
    }
}

/// This page's failed form post, if it is one: `None` once the user navigates elsewhere.
#[derive(Clone, Copy)]
struct PageFailure(RwSignal<Option<FormFailure>>);

/// Reads the failure the middleware put in this request and shares it with the browser
/// (needs the router: call it below `<Router>`).
pub fn provide_form_failure() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<FormFailure>().cloned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<FormFailure>
        }
    });
    let failure = RwSignal::new(shared.into_inner());
    // It belongs to the page that was posted: a later client-side visit starts clean.
    let location = use_location();
    Effect::watch(
        move || location.pathname.get(),
        move |_, _, _| failure.set(None),
        false,
    );
    provide_context(PageFailure(failure));
}

fn failure_for(server_fn: &str) -> Option<FormFailure> {
    let PageFailure(failure) = use_context::<PageFailure>()?;
    failure
        .get_untracked()
        .filter(|failure| failure.server_fn == server_fn)
}

/// The action of server function `F`, holding the refusal of this page's plain post to `F`.
pub fn form_action<F>() -> ServerAction<F>
where
    F: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    F::Output: Send + Sync + 'static,
{
    let action = ServerAction::<F>::new();
    if let Some(failure) = failure_for(F::PATH) {
        action.value().set(Some(Err(failure.error)));
    }
    action
}

/// Whether this page is the answer to a refused plain post to server function `F`.
pub fn refused<F: ServerFn>() -> bool {
    failure_for(F::PATH).is_some()
}

/// What was typed into `name` in this page's refused plain post (never a secret field).
pub fn submitted(name: &str) -> Option<String> {
    let PageFailure(failure) = use_context::<PageFailure>()?;
    failure.with_untracked(|failure| {
        failure
            .as_ref()?
            .fields
            .iter()
            .find(|(field, _)| field == name && !is_secret_field(field))
            .map(|(_, value)| value.clone())
    })
}

/// leptos' `ActionForm`, except that without JavaScript it posts to the page it is on (see the
/// module's doc), and a page-level `notice=` is not carried into the answer.
#[component]
pub fn PostForm<F, OutputProtocol>(
    action: ServerAction<F>,
    /// A [`NodeRef`] in which the `<form>` element should be stored.
    #[prop(optional)]
    node_ref: Option<NodeRef<Form>>,
    children: Children,
) -> impl IntoView
where
    F: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>>
        + Clone
        + Send
        + Sync
        + 'static,
    <<F::Client as Client<F::Error>>::Request as ClientReq<F::Error>>::FormData: From<FormData>,
    F::Output: Send + Sync + 'static,
    F::Error: FromServerFnError + Send + Sync + 'static,
    <F as ServerFn>::Client: Client<<F as ServerFn>::Error>,
{
    let location = use_location();
    let here = move || {
        let (path, query) = (location.pathname.get(), location.search.get());
        let url = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        crate::paths::without_notice(&url)
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        match F::from_event(&ev) {
            Ok(input) => {
                action.dispatch(input);
            }
            Err(err) => {
                let err = ServerFnErrorErr::Serialization(err.to_string());
                action
                    .value()
                    .set(Some(Err(F::Error::from_server_fn_error(err))));
            }
        }
    };
    let marker = input()
        .r#type("hidden")
        .name(SERVER_FN_FIELD)
        .value(F::PATH);
    let element = form()
        .action(here)
        .method("post")
        .on(leptos::ev::submit, on_submit)
        .child((marker, children()));
    match node_ref {
        Some(node_ref) => leptos::either::Either::Left(element.node_ref(node_ref)),
        None => leptos::either::Either::Right(element),
    }
}
