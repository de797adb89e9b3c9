//! `/settings/activity`: the company's audit trail, filterable by kind, newest first.

use latch_domain::AuditKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::pagination::Pagination;
use super::server_fns::list_activity;
use super::types::ActivityPage;
use crate::i18n::use_messages;
use crate::layout::RequireUser;
use crate::paths;
use crate::settings_frame::{Section, SettingsFrame};

#[component]
pub fn ActivityPage() -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        let kind = query
            .get("kind")
            .filter(|k| AuditKind::parse(k).is_some())
            .unwrap_or_default();
        let page = query
            .get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1u64);
        (kind, page)
    });
    let events = Resource::new_blocking(
        move || filter.get(),
        |(kind, page)| list_activity(kind, page),
    );
    view! {
        <Title text=t.activity />
        <RequireUser children=move |me| {
            view! {
                <SettingsFrame current=Section::Activity is_admin=me.is_admin>
                    <section class="card">
                        <h1>{t.activity}</h1>
                        <p>{t.activity_intro}</p>
                        <form method="get" action=paths::ACTIVITY class="search">
                            <label for="kind">{t.activity_filter_label}</label>
                            <div class="search-row">
                                <select id="kind" name="kind">
                                    <option value="" selected=move || filter.read().0.is_empty()>
                                        {t.activity_all_kinds}
                                    </option>
                                    {AuditKind::ALL
                                        .into_iter()
                                        .map(|kind| {
                                            view! {
                                                <option value=kind.as_str() selected=move || filter.read().0 == kind.as_str()>
                                                    {(t.event_kind)(kind)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="button">{t.activity_filter_button}</button>
                            </div>
                        </form>
                        <Suspense>
                            {move || Suspend::new(async move {
                                match events.await {
                                    Ok(page) => view! { <ActivityTable page kind=filter.get().0 /> }.into_any(),
                                    Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                                }
                            })}
                        </Suspense>
                    </section>
                </SettingsFrame>
            }
        } />
    }
}

#[component]
fn ActivityTable(page: ActivityPage, kind: String) -> impl IntoView {
    let t = use_messages();
    let link_to = move |target: u64| {
        let mut href = format!("{}?page={target}", paths::ACTIVITY);
        if !kind.is_empty() {
            href.push_str(&format!("&kind={kind}"));
        }
        href
    };
    let (current, pages) = (page.page, page.page_count);
    view! {
        {if page.rows.is_empty() {
            view! { <p>{t.activity_none}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="activity-table">
                        <thead>
                            <tr>
                                <th scope="col">{t.column_when}</th>
                                <th scope="col">{t.column_event}</th>
                                <th scope="col">{t.column_outcome}</th>
                                <th scope="col">{t.column_by}</th>
                                <th scope="col">{t.column_for}</th>
                                <th scope="col">{t.column_address}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page
                                .rows
                                .into_iter()
                                .map(|row| {
                                    view! {
                                        <tr>
                                            <td>{row.at}</td>
                                            <td>{t.stored_event_kind(&row.kind)}</td>
                                            <td>{t.stored_event_outcome(&row.outcome)}</td>
                                            <td>{row.actor.unwrap_or_else(|| t.operator.to_owned())}</td>
                                            <td>{row.target.unwrap_or_default()}</td>
                                            <td>{row.client_ip.unwrap_or_default()}</td>
                                        </tr>
                                    }
                                })
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
