//! "Previous page · Page N of M · Next page" under a paged table.

use leptos::prelude::*;

use crate::i18n::use_messages;

/// `href` gives the address of a page number.
#[component]
pub fn Pagination(current: u64, pages: u64, href: impl Fn(u64) -> String) -> impl IntoView {
    let t = use_messages();
    let previous = (current > 1).then(|| href(current - 1));
    let next = (current < pages).then(|| href(current + 1));
    view! {
        <nav class="pagination" aria-label=(t.page_of)(current, pages)>
            {previous.map(|href| view! { <a href=href rel="prev">{t.previous_page}</a> })}
            <span>{(t.page_of)(current, pages)}</span>
            {next.map(|href| view! { <a href=href rel="next">{t.next_page}</a> })}
        </nav>
    }
}
