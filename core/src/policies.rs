//! Every number Latch's rules run on: session lifetimes, link lifetimes and throttles. The
//! settings override some of them; the defaults are here, next to why they are what they are.

use chrono::Duration;

use crate::sessions::SessionLifetime;
use crate::throttle::Limit;

/// Login policy: session lifetime and throttling.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub session: SessionLifetime,
    /// Per identifier typed (tight): a handful of tries, then a growing back-off capped at 15
    /// minutes, so a guesser is slowed to a crawl. Known and unknown identifiers alike. The
    /// Existing password check of Account Settings has its own counter with these numbers.
    pub per_identifier: Limit,
    /// Per known account, whichever identifier was typed: twice the identifier's allowance
    /// (an account has two, username and email), so it adds a bound without ever blocking
    /// sooner than the identifier would, which would tell that the two belong together.
    pub per_account: Limit,
    /// Per known device (a browser that signed in to the account before): the owner's own
    /// typos, with the identifier's numbers. Strangers never touch this counter.
    pub per_device: Limit,
    /// How long a browser stays a known device after its last successful login.
    pub known_device_for: Duration,
    /// Per client network (generous): a whole office behind one NAT address can make plenty of
    /// typos; only a sustained stream of failures from one address is slowed.
    pub per_client: Limit,
    /// Distinct identifiers one client network failed at (credential stuffing: many accounts,
    /// a few guesses each, which no per-account counter sees). Over the allowance, that
    /// client's logins without a known-device cookie are refused for a while.
    pub spray: Limit,
    /// The circuit breaker: failures across all accounts.
    pub breaker: Breaker,
}

/// When failures across every account exceed `failures_per_minute`, logins from browsers that
/// are not a known device of the account wait `delay` before their password is checked: an
/// attack from many addresses at once is slowed as a whole, the owners' own browsers are not.
#[derive(Debug, Clone, Copy)]
pub struct Breaker {
    pub failures_per_minute: i32,
    pub delay: std::time::Duration,
}

impl Breaker {
    /// The breaker as a counter: tripped (blocked) for a minute once a minute's failures pass
    /// the threshold.
    pub fn limit(&self) -> Limit {
        Limit {
            free_failures: self.failures_per_minute,
            window: Duration::minutes(1),
            first_block: Duration::minutes(1),
            max_block: Duration::minutes(1),
        }
    }
}

impl LoginPolicy {
    /// The defaults with other allowances: `per_identifier` free failures (the account's is
    /// twice that, the device's the same), `per_client` and `spray`.
    pub fn with_allowances(per_identifier: i32, per_client: i32, spray: i32) -> Self {
        let mut policy = Self::default();
        policy.per_identifier.free_failures = per_identifier;
        policy.per_account.free_failures = 2 * per_identifier;
        policy.per_device.free_failures = per_identifier;
        policy.per_client.free_failures = per_client;
        policy.spray.free_failures = spray;
        policy
    }
}

impl Default for LoginPolicy {
    fn default() -> Self {
        let per_identifier = Limit {
            free_failures: 5,
            window: Duration::hours(1),
            first_block: Duration::seconds(30),
            max_block: Duration::minutes(15),
        };
        Self {
            session: SessionLifetime::default(),
            per_identifier,
            per_account: Limit {
                free_failures: 2 * per_identifier.free_failures,
                ..per_identifier
            },
            per_device: per_identifier,
            known_device_for: Duration::days(365),
            per_client: Limit {
                free_failures: 100,
                window: Duration::minutes(15),
                first_block: Duration::minutes(1),
                max_block: Duration::minutes(15),
            },
            spray: Limit {
                free_failures: 20,
                window: Duration::minutes(15),
                first_block: Duration::minutes(15),
                max_block: Duration::hours(1),
            },
            breaker: Breaker {
                failures_per_minute: 200,
                delay: std::time::Duration::from_secs(1),
            },
        }
    }
}

/// Reset policy: link lifetime and throttling.
#[derive(Debug, Clone, Copy)]
pub struct ResetPolicy {
    pub link_valid_for: Duration,
    /// Per email address (tight, so nobody can mail-bomb an inbox): 3 requests an hour, then
    /// a pause of 20 minutes that grows to an hour.
    pub per_address: Limit,
    /// Per client address (generous: an office behind one NAT address).
    pub per_client: Limit,
}

impl Default for ResetPolicy {
    fn default() -> Self {
        Self {
            link_valid_for: Duration::minutes(30),
            per_address: Limit {
                free_failures: 3,
                window: Duration::hours(1),
                first_block: Duration::minutes(20),
                max_block: Duration::hours(1),
            },
            per_client: Limit {
                free_failures: 50,
                window: Duration::hours(1),
                first_block: Duration::minutes(5),
                max_block: Duration::hours(1),
            },
        }
    }
}

/// How long admin-sent links last, how often one user may be sent one, and what guards the
/// acts that could hand an account to someone else.
#[derive(Debug, Clone, Copy)]
pub struct AdminPolicy {
    pub reset_link_valid_for: Duration,
    pub invitation_valid_for: Duration,
    /// How long the link mailed to a new address to confirm an email change works. A day:
    /// long enough for the user to see it, short enough that a forgotten request dies.
    pub email_change_valid_for: Duration,
    /// How long a "Confirm your password" lets an admin change emails and roles. Five minutes:
    /// enough for the change the admin is making, too short for a session left open on a
    /// shared computer (or stolen) to be of use later.
    pub reauth_valid_for: Duration,
    /// Per target user, so no admin (or stolen admin session) can mail-bomb an inbox.
    pub resets_per_user: Limit,
    /// Invitations and email changes (mail to new addresses) per admin: 20 an hour is a busy
    /// onboarding day; a script walking through names or addresses is stopped early.
    pub new_addresses_per_admin: Limit,
    /// The same per company, whatever the number of its admins (or of their stolen
    /// sessions): 50 an hour.
    pub new_addresses_per_company: Limit,
}

impl Default for AdminPolicy {
    fn default() -> Self {
        Self {
            reset_link_valid_for: Duration::hours(24),
            invitation_valid_for: Duration::hours(72),
            email_change_valid_for: Duration::hours(24),
            reauth_valid_for: Duration::minutes(5),
            resets_per_user: Limit {
                free_failures: 3,
                window: Duration::hours(1),
                first_block: Duration::minutes(20),
                max_block: Duration::hours(1),
            },
            new_addresses_per_admin: Limit {
                free_failures: 20,
                window: Duration::hours(1),
                first_block: Duration::minutes(15),
                max_block: Duration::hours(1),
            },
            new_addresses_per_company: Limit {
                free_failures: 50,
                window: Duration::hours(1),
                first_block: Duration::minutes(15),
                max_block: Duration::hours(1),
            },
        }
    }
}
