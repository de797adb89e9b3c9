//! Request middleware, one concern per file: who is asking ([`identify`]), refusing cross-site
//! state changes ([`refuse_cross_origin`]), taking reset tokens out of the address bar
//! ([`move_reset_token_out_of_url`]), forms posted without JavaScript ([`plain_form_posts`]),
//! the headers every answer carries ([`security_headers`]), how browsers keep the site's
//! files ([`site_file_validators`]), the page shown while the
//! database is away, and a deadline on every request ([`time_limit`]).

mod cross_origin;
mod database_unavailable;
mod identify;
mod plain_form_posts;
mod reset_link;
mod security_headers;
mod site_files;
mod time_limit;

pub use cross_origin::refuse_cross_origin;
pub(crate) use database_unavailable::database_unavailable;
pub use identify::identify;
pub use plain_form_posts::plain_form_posts;
pub use reset_link::move_reset_token_out_of_url;
pub use security_headers::security_headers;
pub use site_files::site_file_validators;
pub use time_limit::time_limit;

/// A file of the site as cargo-leptos built it (`/pkg/…`) or as `public/` holds it: the same
/// for everyone, so no session lookup and no `no-store`.
fn is_site_file(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/passkeys.js")
}
