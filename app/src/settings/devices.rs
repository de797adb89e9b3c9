//! The "Your devices" section of Account Settings: where the account is signed in, with a
//! "Sign out" for each other device and one for all of them. Plain forms, so it works with
//! JavaScript off; the confirmation comes from the address the server sends the browser to.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::use_messages;
use crate::plain_forms::{PostForm, form_action};
#[cfg(feature = "ssr")]
use {crate::paths, crate::server::Call, latch_core::devices};

/// One live session of the signed-in user, written out for the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRow {
    /// What "Sign out" sends back; `None`: this device, or one that only "Sign out of all
    /// other devices" can end.
    pub handle: Option<String>,
    /// "Chrome on Windows".
    pub device: String,
    pub address: String,
    pub signed_in_at: String,
    pub last_active_at: String,
    pub this_device: bool,
}

/// The signed-in user's devices, most recently active first.
#[server(name = MyDevices, prefix = "/api", endpoint = "devices")]
pub async fn my_devices() -> Result<Vec<DeviceRow>, AppError> {
    let call = Call::begin()?;
    let me = call.reply(call.user())?;
    let listed = devices::list(&call.services.db, me, call.now()).await;
    let t = call.request.locale.messages();
    call.reply(listed.map(|listed| {
        listed
            .into_iter()
            .map(|device| DeviceRow {
                handle: device.handle.filter(|_| !device.this_device),
                device: (t.device_words)(
                    device.kind.browser.as_deref().unwrap_or(t.unknown_browser),
                    device.kind.os.as_deref().unwrap_or(t.unknown_system),
                ),
                address: device
                    .client_ip
                    .unwrap_or_else(|| t.unknown_address.to_owned()),
                signed_in_at: call.request.local_time(device.signed_in_at),
                last_active_at: call.request.local_time(device.last_active_at),
                this_device: device.this_device,
            })
            .collect()
    }))
}

/// "Sign out" on one other device.
#[server(name = SignOutDevice, prefix = "/api", endpoint = "devices/sign_out")]
pub async fn sign_out_device(handle: String) -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let db = &call.services.db;
        let webhooks = &call.services.webhooks;
        let (ip, now) = (call.client_ip(), call.now());
        devices::sign_out_device(db, webhooks, me, handle.trim(), ip, now).await?;
        Ok::<_, AppError>(paths::devices_signed_out("one"))
    };
    call.finish(result.await)
}

/// "Sign out of all other devices".
#[server(name = SignOutOtherDevices, prefix = "/api", endpoint = "devices/sign_out_others")]
pub async fn sign_out_other_devices() -> Result<(), AppError> {
    let call = Call::begin()?;
    let result = async {
        let me = call.user()?;
        let db = &call.services.db;
        let webhooks = &call.services.webhooks;
        devices::sign_out_other_devices(db, webhooks, me, call.client_ip(), call.now()).await?;
        Ok::<_, AppError>(paths::devices_signed_out("others"))
    };
    call.finish(result.await)
}

#[component]
pub fn DevicesSection() -> impl IntoView {
    let t = use_messages();
    let one = form_action::<SignOutDevice>();
    let others = form_action::<SignOutOtherDevices>();
    let query = use_query_map();
    // Fetched again after each sign-out (with JavaScript the page stays, so its list must
    // follow; without, every post loads the page afresh anyway).
    let devices = Resource::new_blocking(
        move || {
            (
                query.read().get("devices"),
                one.version().get(),
                others.version().get(),
            )
        },
        |_| my_devices(),
    );
    let pending = move || one.pending().get() || others.pending().get();
    let error = move || {
        one.value()
            .get()
            .and_then(Result::err)
            .or_else(|| others.value().get().and_then(Result::err))
    };
    let notice = move || {
        let text = match query.read().get("devices").as_deref() {
            Some("one") => t.device_signed_out_notice,
            Some("others") => t.other_devices_signed_out_notice,
            _ => return None,
        };
        (!pending() && error().is_none()).then_some(text)
    };
    view! {
        <h2 id="devices-heading">{t.devices_heading}</h2>
        <p id="devices-intro">{t.devices_intro}</p>
        {move || notice().map(|text| view! { <p class="alert success" role="status">{text}</p> })}
        {move || error().map(|err| view! { <p class="alert error" role="alert">{err.message(t)}</p> })}
        <Suspense>
            {move || Suspend::new(async move {
                match devices.await {
                    Ok(rows) => view! { <DeviceTable rows one others /> }.into_any(),
                    Err(err) => view! { <p class="alert error" role="alert">{err.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DeviceTable(
    rows: Vec<DeviceRow>,
    one: ServerAction<SignOutDevice>,
    others: ServerAction<SignOutOtherDevices>,
) -> impl IntoView {
    let t = use_messages();
    let any_other = rows.iter().any(|row| !row.this_device);
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let name_id = format!("device-{index}");
            let sign_out = row.handle.clone().map(|handle| {
                let described_by = name_id.clone();
                view! {
                    <PostForm action=one>
                        <input type="hidden" name="handle" value=handle />
                        <button type="submit" class="button small" aria-describedby=described_by>
                            {t.sign_out_button}
                        </button>
                    </PostForm>
                }
            });
            view! {
                <tr>
                    <th scope="row" id=name_id>
                        {row.device.clone()}
                        {row.this_device.then(|| view! { " " <span class="badge">{t.this_device}</span> })}
                    </th>
                    <td>{row.address.clone()}</td>
                    <td>{row.signed_in_at.clone()}</td>
                    <td>{row.last_active_at.clone()}</td>
                    <td>{sign_out}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="devices-table" aria-describedby="devices-intro">
                <thead>
                    <tr>
                        <th scope="col">{t.column_device}</th>
                        <th scope="col">{t.column_address}</th>
                        <th scope="col">{t.column_signed_in}</th>
                        <th scope="col">{t.column_last_active}</th>
                        <th scope="col">{t.column_actions}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {if any_other {
            view! {
                <PostForm action=others attr:class="form">
                    <button type="submit" class="button" aria-describedby="sign-out-others-hint">
                        {t.sign_out_all_others_button}
                    </button>
                    <p class="hint" id="sign-out-others-hint">{t.sign_out_all_others_hint}</p>
                </PostForm>
            }
                .into_any()
        } else {
            view! { <p>{t.no_other_devices}</p> }.into_any()
        }}
    }
}
