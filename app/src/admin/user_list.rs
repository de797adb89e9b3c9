//! The admin's list of their company's users, in Profile Settings: search, sortable columns,
//! pages, the state of each user's last email, and "Reset Password" on every row.
//!
//! Everything lives in the address (`?q=…&sort=…&dir=…&page=…`), so the list works as plain
//! links and GET forms without JavaScript, and every view can be bookmarked.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::pagination::Pagination;
use super::reset_confirm::ResetDialog;
use super::server_fns::list_users;
use super::types::{UserPage, UserRow};
use crate::i18n::use_messages;
use latch_domain::UserSort;

/// The list's view, read from the address.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListView {
    search: String,
    sort: UserSort,
    descending: bool,
    page: u64,
}

impl ListView {
    /// The address of this view with some parts changed.
    fn href(&self) -> String {
        let mut pairs = Vec::new();
        if !self.search.is_empty() {
            pairs.push(format!("q={}", crate::paths::encode(&self.search)));
        }
        if self.sort != UserSort::Name {
            pairs.push(format!("sort={}", self.sort.as_str()));
        }
        if self.descending {
            pairs.push("dir=desc".to_owned());
        }
        if self.page > 1 {
            pairs.push(format!("page={}", self.page));
        }
        if pairs.is_empty() {
            crate::paths::PROFILE_SETTINGS.to_owned()
        } else {
            format!("{}?{}", crate::paths::PROFILE_SETTINGS, pairs.join("&"))
        }
    }
}

#[component]
pub fn CompanyUsers(company: String) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let view_state = Memo::new(move |_| {
        let query = query.read();
        let sort = query
            .get("sort")
            .and_then(|s| UserSort::parse(&s))
            .unwrap_or_default();
        ListView {
            search: query.get("q").unwrap_or_default(),
            sort,
            descending: query.get("dir").as_deref() == Some("desc"),
            page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    // After an action on a row, the admin lands back on this very view.
    let return_to = Signal::derive(move || view_state.read().href());
    let notice = move || query.read().get("notice");
    // An action's notice also refreshes the list, so the new email's state shows at once.
    let users = Resource::new_blocking(
        move || (view_state.get(), notice()),
        |(v, _)| list_users(v.search, v.sort.as_str().to_owned(), v.descending, v.page),
    );

    view! {
        <section class="card users" aria-labelledby="users-heading">
            <h2 id="users-heading">{t.users_heading}</h2>
            <p>{(t.users_intro)(&company)}</p>
            <p>
                <a class="button" href=crate::paths::ADD_USER>{t.add_user}</a>
            </p>
            <form method="get" action=crate::paths::PROFILE_SETTINGS class="search" role="search">
                <label for="user-search">{t.users_search_label}</label>
                <div class="search-row">
                    <input
                        id="user-search"
                        name="q"
                        type="search"
                        autocomplete="off"
                        value=move || view_state.read().search.clone()
                    />
                    {move || {
                        let v = view_state.get();
                        (v.sort != UserSort::Name).then(|| view! { <input type="hidden" name="sort" value=v.sort.as_str() /> })
                    }}
                    <button type="submit" class="button">{t.users_search_button}</button>
                </div>
            </form>
            <Suspense>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(page) => {
                            let notice = notice();
                            view! { <UserTable page view_state=view_state.get() return_to notice /> }
                                .into_any()
                        }
                        Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UserTable(
    page: UserPage,
    view_state: ListView,
    return_to: Signal<String>,
    notice: Option<String>,
) -> impl IntoView {
    let t = use_messages();
    let notice_text = notice.and_then(|notice| {
        let id = notice.strip_prefix("reset-sent:")?;
        let user = page.rows.iter().find(|row| row.id == id)?;
        Some((t.reset_queued)(&user.display_name, &user.email))
    });
    let header = |key: UserSort, label: &'static str| {
        let sorted = view_state.sort == key;
        let next = ListView {
            sort: key,
            descending: sorted && !view_state.descending,
            page: 1,
            ..view_state.clone()
        };
        let aria_sort = match (sorted, view_state.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let arrow = match (sorted, view_state.descending) {
            (false, _) => "",
            (true, false) => " ▲",
            (true, true) => " ▼",
        };
        view! {
            <th scope="col" aria-sort=aria_sort>
                <a href=next.href()>{label}<span aria-hidden="true">{arrow}</span></a>
            </th>
        }
        .into_any()
    };
    let (current, pages) = (page.page, page.page_count);
    let link_to = {
        let view_state = view_state.clone();
        move |target: u64| {
            ListView {
                page: target,
                ..view_state.clone()
            }
            .href()
        }
    };

    view! {
        {notice_text.map(|text| view! { <p class="alert success" role="status">{text}</p> })}
        <p class="table-summary" aria-live="polite">{(t.users_count)(page.total)}</p>
        {if page.rows.is_empty() {
            view! { <p>{t.users_none}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="users-table">
                        <thead>
                            <tr>
                                {header(UserSort::Name, t.name_label)}
                                {header(UserSort::Username, t.username_label)}
                                {header(UserSort::Email, t.email_label)}
                                {header(UserSort::Role, t.role_label)}
                                <th scope="col">{t.column_status}</th>
                                {header(UserSort::LastLogin, t.column_last_login)}
                                <th scope="col">{t.column_last_email}</th>
                                <th scope="col">{t.column_actions}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page
                                .rows
                                .into_iter()
                                .map(|row| view! { <UserTableRow row return_to /> }.into_any())
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
                .into_any()
        }}
        <Pagination current pages href=link_to />
    }
}

#[component]
fn UserTableRow(row: UserRow, return_to: Signal<String>) -> impl IntoView {
    let t = use_messages();
    let status = if !row.active {
        t.status_deactivated
    } else if !row.has_password {
        t.status_invited
    } else {
        t.status_active
    };
    let role = if row.is_admin {
        t.role_admin
    } else {
        t.role_member
    };
    let manage_href = crate::paths::user(&row.id);
    let manage_label = (t.manage_user)(&row.display_name);
    view! {
        <tr data-user=row.username.clone()>
            <th scope="row">
                <a href=manage_href aria-label=manage_label>{row.display_name.clone()}</a>
            </th>
            <td>{row.username.clone()}</td>
            <td class="email">{row.email.clone()}</td>
            <td>{role}</td>
            <td>{status}</td>
            <td>{row.last_login_at.clone().unwrap_or_else(|| t.never.to_owned())}</td>
            <td><MailState row=row.clone() /></td>
            <td>
                {row.active.then(|| view! { <ResetDialog user=row.clone() return_to /> })}
            </td>
        </tr>
    }
}

/// "Reset Password link: delivered", or "failed: 550 no such mailbox" with what to do.
#[component]
pub fn MailState(row: UserRow) -> impl IntoView {
    let t = use_messages();
    row.last_mail.map(|mail| {
        let failed = mail.status == "failed";
        let class = format!("mail-state mail-{}", mail.status);
        view! {
            <span class=class>
                {(t.mail_kind)(&mail.template)}": "<strong>{(t.mail_status)(&mail.status)}</strong>
            </span>
            // Delivered: when it arrived; otherwise when it was queued.
            <span class="mail-time">{mail.sent_at.unwrap_or(mail.queued_at)}</span>
            {mail.last_error.filter(|_| mail.status != "sent").map(|reason| view! { <span class="mail-reason">{reason}</span> })}
            {failed.then(|| view! { <span class="mail-help">{t.mail_failed_help}</span> })}
        }
    })
}
