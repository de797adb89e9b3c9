//! The "Time zone" section of Account Settings: the zone of every date and time on the pages
//! and in the emails. The browser has the zones' names, not the zone database.

use crate::plain_forms::{PostForm, form_action};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::server_fns::{SetTimeZone, TimeZoneChoices, time_zone_options};
use crate::i18n::use_messages;

#[component]
pub fn TimeZoneForm() -> impl IntoView {
    let t = use_messages();
    let choices = Resource::new_blocking(|| (), |_| time_zone_options());
    view! {
        <h2 id="time-zone-heading">{t.time_zone_heading}</h2>
        <Suspense>
            {move || Suspend::new(async move {
                match choices.await {
                    Ok(choices) => view! { <TimeZoneSelect choices /> }.into_any(),
                    Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TimeZoneSelect(choices: TimeZoneChoices) -> impl IntoView {
    let t = use_messages();
    let action = form_action::<SetTimeZone>();
    let pending = action.pending();
    let query = use_query_map();
    let error = move || action.value().get().and_then(Result::err);
    let saved_message = move || {
        (query.read().get("time_zone").as_deref() == Some("saved")
            && !pending.get()
            && error().is_none())
        .then_some(t.time_zone_saved)
    };
    // Every time on every page moves with the zone, so after saving the page is loaded
    // afresh (without JavaScript the server's redirect already does that).
    Effect::new(move || {
        if matches!(action.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href(&crate::paths::saved(
                crate::paths::ACCOUNT_SETTINGS,
                "time_zone",
            ));
        }
    });
    let error_message = move || error().map(|err| err.message(t));
    let described_by = move || {
        if error().is_some() {
            "time-zone-error time-zone-hint"
        } else {
            "time-zone-hint"
        }
    };
    let TimeZoneChoices {
        saved,
        company_default,
    } = choices;
    let is_default = saved.is_none();
    let zones = latch_domain::time_zones_offered(saved.as_deref());

    view! {
        {move || saved_message().map(|message| view! { <p class="alert success" role="status">{message}</p> })}
        <PostForm action=action attr:class="form" attr:aria-labelledby="time-zone-heading">
            <div class="field">
                <label for="time-zone">{t.time_zone_label}</label>
                <select
                    id="time-zone"
                    name="time_zone"
                    aria-describedby=described_by
                    aria-invalid=move || error().map(|_| "true")
                >
                    <option value="" selected=is_default>
                        {(t.time_zone_company_default)(&company_default)}
                    </option>
                    {zones
                        .into_iter()
                        .map(|zone| {
                            // An option's value is its text: no `value` to repeat the name
                            // (490 of them are most of the page).
                            let selected = saved.as_deref() == Some(&*zone);
                            view! { <option selected=selected>{zone}</option> }
                        })
                        .collect_view()}
                </select>
                <p class="hint" id="time-zone-hint">{t.time_zone_intro}</p>
                {move || {
                    error_message()
                        .map(|message| {
                            view! {
                                <p class="alert error" role="alert" id="time-zone-error">
                                    {message}
                                </p>
                            }
                        })
                }}
            </div>
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || if pending.get() { t.saving } else { t.time_zone_save }}
            </button>
        </PostForm>
    }
}
