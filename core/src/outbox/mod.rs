//! The outbox: every email, and every webhook event, is first a row here, written in the same
//! transaction as the change that caused it, then sent by a background worker in every
//! `latch` process. Nothing is lost when SMTP or the webhook receiver is down or a process
//! dies; a crash between sending and recording may send one duplicate (same `Message-ID`,
//! same event id), never zero.

mod claim;
mod link_token;
mod templates;
mod worker;

use anyhow::Context;
use chrono::{DateTime, Utc};
use latch_i18n::Locale;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(test)]
pub(crate) use link_token::mint as mint_link;
pub(crate) use link_token::unsent_placeholder;
pub use templates::{MailTemplate, RenderedMail, render};
pub use worker::{DeliveryReport, OutboxPolicy, Sender, deliver_due, run_worker};

use crate::entities::outbox_message;
use crate::preferences;
use crate::time_zone::TimeZone;

/// What a row of the outbox is: both kinds share the queue, its leases, retries and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Mail,
    /// A webhook event (`crate::webhooks`).
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mail => "mail",
            Channel::Webhook => "webhook",
        }
    }
}

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Queued,
    Sending,
    Sent,
    /// Not sent: the mail's link stopped working (used, replaced, expired) before it could go
    /// out, so there was nothing worth sending.
    Discarded,
    /// A temporary failure; `next_attempt_at` says when the next try is.
    Retrying,
    /// Permanent failure, or still failing after the retry period; `last_error` says why.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Discarded => "discarded",
            Status::Retrying => "retrying",
            Status::Failed => "failed",
        }
    }
}

/// One email to send.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub user_id: Option<Uuid>,
    /// Address and display name of the recipient.
    pub to_address: String,
    pub to_name: String,
    /// The recipient's language; `None`: their company's default (English without a user).
    pub locale: Option<Locale>,
    /// The time zone of the times in the mail (a link's expiry); `None`: the recipient's
    /// company's default (UTC without a user).
    pub time_zone: Option<TimeZone>,
    pub template: MailTemplate,
}

impl NewMail {
    /// `template` to `user`'s current address, in their saved language and time zone (else
    /// their company's defaults).
    pub fn for_user(user: &crate::entities::user::Model, template: MailTemplate) -> Self {
        let (locale, time_zone) = preferences::saved(user);
        Self {
            user_id: Some(user.id),
            to_address: user.email.clone(),
            to_name: user.display_name.clone(),
            locale,
            time_zone,
            template,
        }
    }
}

/// Queues `mail`. Pass the transaction of the change that causes the mail, so both commit or
/// neither does.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    mail: NewMail,
    now: DateTime<Utc>,
) -> anyhow::Result<Uuid> {
    let id = Uuid::new_v4();
    let reader = match mail.user_id {
        Some(user_id) => preferences::fill_in(db, user_id, mail.locale, mail.time_zone).await?,
        None => preferences::Preferences {
            locale: mail.locale.unwrap_or_default(),
            time_zone: mail.time_zone.unwrap_or_default(),
        },
    };
    let locale = reader.locale;
    let payload = Payload {
        to_name: mail.to_name,
        time_zone: Some(reader.time_zone.name().to_owned()),
        template: mail.template,
    };
    queued_row(QueuedRow {
        id,
        user_id: mail.user_id,
        recipient: mail.to_address,
        template: payload.template.name().to_owned(),
        locale: locale.tag().to_owned(),
        payload: serde_json::to_string(&payload).context("encoding the mail")?,
        channel: Channel::Mail,
        now,
    })
    .insert(db)
    .await
    .context("queueing a mail")?;
    tracing::info!(mail_id = %id, "mail queued");
    Ok(id)
}

/// One webhook event to deliver (made by `crate::webhooks`).
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    /// The event's id, also in its body: the receiver's de-duplication key.
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    /// `user.created`...
    pub kind: &'static str,
    /// The JSON sent, exactly as signed.
    pub body: String,
}

/// Queues a webhook event, in the caller's transaction like [`enqueue`].
pub(crate) async fn enqueue_event(
    db: &impl ConnectionTrait,
    event: NewEvent,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    queued_row(QueuedRow {
        id: event.id,
        user_id: event.user_id,
        // The receiver is whatever LATCH_WEBHOOK_URL says when the event is sent.
        recipient: "webhook".to_owned(),
        template: event.kind.to_owned(),
        locale: String::new(),
        payload: event.body,
        channel: Channel::Webhook,
        now,
    })
    .insert(db)
    .await
    .context("queueing a webhook event")?;
    Ok(())
}

/// What differs between a queued mail and a queued webhook event; the rest of a new row is
/// the same for both (queued, due now, never tried).
struct QueuedRow {
    id: Uuid,
    user_id: Option<Uuid>,
    recipient: String,
    template: String,
    locale: String,
    payload: String,
    channel: Channel,
    now: DateTime<Utc>,
}

fn queued_row(row: QueuedRow) -> outbox_message::ActiveModel {
    outbox_message::ActiveModel {
        id: Set(row.id),
        user_id: Set(row.user_id),
        recipient: Set(row.recipient),
        template: Set(row.template),
        locale: Set(row.locale),
        payload: Set(row.payload),
        status: Set(Status::Queued.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(row.now),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(row.now),
        updated_at: Set(row.now),
        sent_at: Set(None),
        channel: Set(row.channel.as_str().to_owned()),
    }
}

/// What is rendered when the message is sent. It holds no working link (the link's token is
/// minted at send time); it is wiped all the same once the message is done, as it holds the
/// recipient's name.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Payload {
    to_name: String,
    /// IANA name of the zone the mail's times are written in (absent in mail queued before
    /// Latch knew time zones: UTC).
    #[serde(default)]
    time_zone: Option<String>,
    template: MailTemplate,
}

/// How many messages of `channel` are in each status (for `/metrics`), every status listed.
pub async fn count_by_status(
    db: &impl ConnectionTrait,
    channel: Channel,
) -> anyhow::Result<Vec<(&'static str, u64)>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, FromQueryResult, QueryFilter};
    #[derive(FromQueryResult)]
    struct Count {
        status: String,
        count: i64,
    }
    let counts = outbox_message::Entity::find()
        .select_only()
        .column(outbox_message::Column::Status)
        .column_as(Expr::col(outbox_message::Column::Id).count(), "count")
        .filter(outbox_message::Column::Channel.eq(channel.as_str()))
        .group_by(outbox_message::Column::Status)
        .into_model::<Count>()
        .all(db)
        .await
        .context("counting the outbox by status")?;
    let statuses = [
        Status::Queued,
        Status::Sending,
        Status::Retrying,
        Status::Sent,
        Status::Failed,
        Status::Discarded,
    ];
    Ok(statuses
        .into_iter()
        .map(|status| {
            let count = counts
                .iter()
                .find(|row| row.status == status.as_str())
                .map_or(0, |row| u64::try_from(row.count).unwrap_or(0));
            (status.as_str(), count)
        })
        .collect())
}

/// The most recent messages, mail and webhook events, newest first (for `latch mail status`).
pub async fn recent(
    db: &impl ConnectionTrait,
    only_failed: bool,
    limit: u64,
) -> anyhow::Result<Vec<outbox_message::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut query = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::CreatedAt)
        .limit(limit);
    if only_failed {
        query = query.filter(outbox_message::Column::Status.eq(Status::Failed.as_str()));
    }
    query.all(db).await.context("listing mail")
}
