//! The locale in the component tree. Server rendering and hydration provide the same locale, so
//! the markup they produce agrees.

use latch_i18n::{Locale, Messages};
use leptos::prelude::*;

pub(crate) fn provide_locale(locale: Locale) {
    provide_context(locale);
}

/// The messages of the current page's language.
pub fn use_messages() -> &'static Messages {
    use_context::<Locale>().unwrap_or_default().messages()
}
