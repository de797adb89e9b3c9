//! The background sender: claims due messages (mail and webhook events alike), sends them,
//! records the outcome, and retries temporary failures with exponential back-off and jitter.

use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use latch_i18n::Locale;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use sea_orm::DatabaseConnection;

use std::collections::HashSet;
use std::future::Future;

use tokio::sync::watch;
use uuid::Uuid;

use super::claim::{claim_due, mark_discarded, mark_failed, mark_retrying, mark_sent, release};
use super::{Channel, Payload, link_token, render};
use crate::entities::outbox_message;
use crate::mail::{MailError, Mailer, Message};
use crate::metrics::{DeliveryOutcomes, Metrics};

/// How the outbox retries.
#[derive(Debug, Clone, Copy)]
pub struct OutboxPolicy {
    /// Messages claimed per round.
    pub batch: u64,
    /// A claimed message whose sender vanished is retried after this long.
    pub lease: Duration,
    /// Wait before the first retry; doubles with each attempt, up to `max_retry`.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// Temporary failures are retried for at least this long, then the message fails.
    pub give_up_after: Duration,
    /// Pause between rounds when nothing is due.
    pub poll_interval: StdDuration,
    /// On shutdown, sends in flight get this long to finish; the rest are handed back.
    pub shutdown_grace: StdDuration,
}

impl Default for OutboxPolicy {
    fn default() -> Self {
        Self {
            batch: 20,
            lease: Duration::minutes(5),
            first_retry: Duration::seconds(10),
            max_retry: Duration::hours(1),
            give_up_after: Duration::hours(24),
            poll_interval: StdDuration::from_secs(1),
            shutdown_grace: StdDuration::from_secs(10),
        }
    }
}

impl OutboxPolicy {
    /// Delay before retry number `attempt` (1 = after the first failed try): exponential,
    /// capped, with "equal jitter" (half fixed, half random) so that many messages failing
    /// together do not retry in lockstep.
    pub fn retry_delay(&self, attempt: i32, random: u32) -> Duration {
        let doublings = attempt.clamp(1, 20) - 1;
        let exponential = self.first_retry.num_milliseconds() << doublings;
        let delay = exponential.min(self.max_retry.num_milliseconds());
        let half = delay / 2;
        Duration::milliseconds(half + (i64::from(random) % (half + 1)))
    }
}

/// What the worker needs to turn a row into a message.
#[derive(Clone)]
pub struct Sender {
    pub mailer: Mailer,
    pub from: Mailbox,
    /// Right-hand side of `Message-ID`s (the public host name).
    pub message_id_domain: String,
    /// Latch's address as users reach it: the base of every emailed link.
    pub public_url: url::Url,
    /// Where webhook events go (`LATCH_WEBHOOK_URL`); `None`: not configured.
    pub webhooks: Option<crate::webhooks::Endpoint>,
}

/// Outcomes of one round.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Not sent: the mail's link had died meanwhile.
    pub discarded: usize,
    /// Claimed but handed back unsent because the process is stopping.
    pub released: usize,
}

impl DeliveryReport {
    /// What `/metrics` counts of this round.
    fn outcomes(&self) -> DeliveryOutcomes {
        DeliveryOutcomes {
            sent: self.sent,
            retrying: self.retrying,
            failed: self.failed,
            discarded: self.discarded,
        }
    }
}

/// Claims what is due at `now` and sends it, the batch concurrently (the SMTP transport pools
/// its connections).
pub async fn deliver_due(
    db: &DatabaseConnection,
    sender: &Sender,
    policy: &OutboxPolicy,
    now: DateTime<Utc>,
) -> anyhow::Result<DeliveryReport> {
    deliver_round(db, sender, policy, now, std::future::pending()).await
}

/// [`deliver_due`], cut short when `give_up` completes: unfinished sends are abandoned and
/// their messages released, so no message stays claimed by a process that is gone.
async fn deliver_round(
    db: &DatabaseConnection,
    sender: &Sender,
    policy: &OutboxPolicy,
    now: DateTime<Utc>,
    give_up: impl Future<Output = ()>,
) -> anyhow::Result<DeliveryReport> {
    let claimed = claim_due(db, now, policy.lease, policy.batch).await?;
    let mut report = DeliveryReport {
        claimed: claimed.len(),
        ..Default::default()
    };
    let mut unfinished: HashSet<Uuid> = claimed.iter().map(|row| row.id).collect();
    let mut sends = tokio::task::JoinSet::new();
    for row in claimed {
        let (db, sender, policy, id) = (db.clone(), sender.clone(), *policy, row.id);
        sends.spawn(async move { (id, deliver_one(&db, &sender, &policy, row, now).await) });
    }
    tokio::pin!(give_up);
    loop {
        tokio::select! {
            joined = sends.join_next() => {
                let Some(joined) = joined else { break };
                // One send that could not be recorded (database blip) must not cut the
                // others short; its row stays claimed and is retried when the lease ends.
                let (id, outcome) = match joined {
                    Ok(joined) => joined,
                    Err(err) => {
                        tracing::error!("outbox: a send task failed: {err}");
                        continue;
                    }
                };
                unfinished.remove(&id);
                match outcome {
                    Ok(Outcome::Sent) => report.sent += 1,
                    Ok(Outcome::Retrying) => report.retrying += 1,
                    Ok(Outcome::Failed) => report.failed += 1,
                    Ok(Outcome::Discarded) => report.discarded += 1,
                    Err(err) => tracing::error!(mail_id = %id, "outbox: {err:#}"),
                }
            }
            () = &mut give_up => {
                sends.abort_all();
                while sends.join_next().await.is_some() {}
                let ids: Vec<Uuid> = unfinished.into_iter().collect();
                report.released = release(db, &ids, Utc::now()).await?;
                break;
            }
        }
    }
    Ok(report)
}

enum Outcome {
    Sent,
    Retrying,
    Failed,
    Discarded,
}

/// How one attempt at a row ended, before it is recorded.
enum Attempt {
    Sent,
    /// Its link died first: nothing worth sending.
    Discarded,
    Permanent(String),
    Temporary(String),
}

async fn deliver_one(
    db: &DatabaseConnection,
    sender: &Sender,
    policy: &OutboxPolicy,
    row: outbox_message::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let attempt = if row.channel == Channel::Webhook.as_str() {
        post_event(sender, &row, now).await
    } else {
        send_mail(db, sender, &row, now).await?
    };
    let (id, channel, kind) = (row.id, &row.channel, &row.template);
    match attempt {
        Attempt::Sent => {
            mark_sent(db, id, now).await?;
            tracing::info!(outbox_id = %id, %channel, %kind, "outbox: delivered");
            Ok(Outcome::Sent)
        }
        Attempt::Discarded => {
            mark_discarded(db, id, now).await?;
            tracing::info!(outbox_id = %id, %channel, %kind, "outbox: not sent, its link died first");
            Ok(Outcome::Discarded)
        }
        Attempt::Permanent(reason) => {
            mark_failed(db, id, now, &reason).await?;
            tracing::warn!(outbox_id = %id, %channel, %kind, %reason, "outbox: failed permanently");
            Ok(Outcome::Failed)
        }
        Attempt::Temporary(reason) if now - row.created_at >= policy.give_up_after => {
            let hours = policy.give_up_after.num_hours();
            let reason = format!("still failing after {hours} hours: {reason}");
            mark_failed(db, id, now, &reason).await?;
            tracing::warn!(outbox_id = %id, %channel, %kind, %reason, "outbox: failed, gave up retrying");
            Ok(Outcome::Failed)
        }
        Attempt::Temporary(reason) => {
            let next = now + policy.retry_delay(row.attempts, random_u32());
            mark_retrying(db, id, now, next, &reason).await?;
            tracing::warn!(outbox_id = %id, %channel, %kind, %reason, %next, "outbox: will retry");
            Ok(Outcome::Retrying)
        }
    }
}

async fn send_mail(
    db: &DatabaseConnection,
    sender: &Sender,
    row: &outbox_message::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<Attempt> {
    let payload: Payload = match serde_json::from_str(&row.payload) {
        Ok(payload) => payload,
        Err(err) => return Ok(Attempt::Permanent(format!("could not be read: {err}"))),
    };
    // Every attempt mints the link afresh (a retry too). Safe: a failed attempt delivered
    // nothing, and after a send whose receipt was lost (or a crash mid-send) the earlier
    // message's link is the one that dies, so at most one working link is ever out there.
    let link = match payload.template.link_id() {
        None => None,
        Some(link_id) => match link_token::mint(db, link_id, &sender.public_url, now).await? {
            Some(url) => Some(url),
            None => return Ok(Attempt::Discarded),
        },
    };
    let message = match build_message(row, &payload, link.as_deref(), sender) {
        Ok(message) => message,
        Err(err) => return Ok(Attempt::Permanent(format!("could not be written: {err:#}"))),
    };
    Ok(match sender.mailer.send(message).await {
        Ok(()) => Attempt::Sent,
        Err(MailError::Permanent(reason)) => Attempt::Permanent(reason),
        Err(MailError::Temporary(reason)) => Attempt::Temporary(reason),
    })
}

/// One signed POST of a webhook event. Every failure is temporary (see
/// `webhooks::Endpoint::deliver`); so is a missing `LATCH_WEBHOOK_URL` (events queued before
/// it was removed wait for it to come back, until the retry period is over).
async fn post_event(sender: &Sender, row: &outbox_message::Model, now: DateTime<Utc>) -> Attempt {
    let Some(endpoint) = &sender.webhooks else {
        return Attempt::Temporary("LATCH_WEBHOOK_URL is not set".to_owned());
    };
    match endpoint
        .deliver(row.id, &row.template, &row.payload, now)
        .await
    {
        Ok(()) => Attempt::Sent,
        Err(reason) => Attempt::Temporary(reason),
    }
}

/// Sends due mail until `stop` turns true. Then the sends in flight get
/// `policy.shutdown_grace` to finish; what is left is released for any instance to send.
/// Errors (database briefly away...) are logged and the loop carries on: queued mail stays
/// queued.
pub async fn run_worker(
    db: DatabaseConnection,
    sender: Sender,
    policy: OutboxPolicy,
    metrics: Metrics,
    mut stop: watch::Receiver<bool>,
) {
    while !*stop.borrow() {
        let mut stopping = stop.clone();
        let give_up = async move {
            // An error means the sender is gone: that is a stop too.
            let _ = stopping.wait_for(|stopped| *stopped).await;
            tokio::time::sleep(policy.shutdown_grace).await;
        };
        match deliver_round(&db, &sender, &policy, Utc::now(), give_up).await {
            Ok(report) => {
                metrics.record_deliveries(report.outcomes());
                if report.released > 0 {
                    tracing::warn!(
                        released = report.released,
                        "outbox: stopping; unsent mail handed back to the queue"
                    );
                }
                // A full batch: there may be more waiting right away.
                if report.claimed as u64 >= policy.batch {
                    continue;
                }
            }
            Err(err) => tracing::error!("outbox: {err:#}"),
        }
        tokio::select! {
            () = tokio::time::sleep(policy.poll_interval) => {}
            changed = stop.changed() => if changed.is_err() { break },
        }
    }
}

fn build_message(
    row: &outbox_message::Model,
    payload: &Payload,
    link: Option<&str>,
    sender: &Sender,
) -> anyhow::Result<Message> {
    let reader = crate::preferences::Preferences {
        locale: Locale::from_tag(&row.locale).unwrap_or_default(),
        time_zone: crate::time_zone::TimeZone::from_stored(payload.time_zone.as_deref())
            .unwrap_or_default(),
    };
    let rendered = render(
        &payload.template,
        &payload.to_name,
        reader,
        row.created_at,
        link,
    )?;
    let to = Mailbox::new(
        Some(payload.to_name.clone()),
        row.recipient.parse().context("the recipient address")?,
    );
    if let Mailer::DevMailbox { dir, .. } = &sender.mailer {
        // Development only: no real mail leaves, so show where to click.
        let link = link.unwrap_or("(no link)");
        tracing::info!(to = %row.recipient, mailbox = %dir.display(), %link, "dev mailbox: mail written");
    }
    const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");
    Message::builder()
        .from(sender.from.clone())
        .to(to)
        .subject(rendered.subject)
        // Stable across retries, so a rare duplicate is recognisable as one.
        .message_id(Some(format!("<{}@{}>", row.id, sender.message_id_domain)))
        .raw_header(HeaderValue::new(
            AUTO_SUBMITTED,
            "auto-generated".to_owned(),
        ))
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))
        .context("building the message")
}

fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    u32::from_le_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_start_within_seconds_and_grow_to_at_most_an_hour() {
        let policy = OutboxPolicy::default();
        let first = policy.retry_delay(1, 0);
        let first_max = policy.retry_delay(1, u32::MAX);
        assert!(first >= Duration::seconds(5) && first_max <= Duration::seconds(10));
        assert!(policy.retry_delay(3, 0) >= Duration::seconds(20));
        for attempt in [12, 20, 1000] {
            assert!(policy.retry_delay(attempt, u32::MAX) <= Duration::hours(1));
            assert!(policy.retry_delay(attempt, 0) >= Duration::minutes(30));
        }
    }
}
