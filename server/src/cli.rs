//! The `latch` command line. Operators and tests script these exact words.

use clap::{ArgGroup, Args, Parser, Subcommand};
use latch_core::two_factor::Requirement;

#[derive(Debug, Parser)]
#[command(
    name = "latch",
    version,
    about = "Sign-in and password management for a multi-company CRM",
    after_help = "Configuration comes from LATCH_* environment variables; see the README."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default when no command is given).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage companies.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect outgoing email.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Manage the server key (LATCH_SECRET_KEY).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Manage the keys that sign identity tokens (X-Latch-Token), shared by every instance
    /// through the database.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Measure argon2id password verifies per second with Latch's parameters (the ceiling
    /// for logins per second) and print them as `verifies_per_sec=N ...`.
    BenchHash {
        /// How long to measure.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Threads verifying at once (default: LATCH_HASH_CONCURRENCY, i.e. the cores).
        #[arg(long)]
        threads: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print a new random server key, for LATCH_SECRET_KEY (or a LATCH_SECRET_KEY_FILE). To
    /// rotate: make the new key LATCH_SECRET_KEY and move the old one to
    /// LATCH_PREVIOUS_SECRET_KEYS until the devices it signed have signed in again.
    Generate,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new signing key, used from now on; the previous keys stay published in
    /// /.well-known/jwks.json for the grace period, so tokens and caches keep verifying.
    Rotate {
        /// How long the previous keys stay published.
        #[arg(long, value_name = "HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=8760))]
        grace_hours: u32,
    },
    /// List the signing keys: signing, published until a time, or retired.
    List,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// List the most recent emails and how their delivery went.
    Status {
        /// Only those that failed for good.
        #[arg(long)]
        failed: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Create a company.
    Add {
        /// The company's name, e.g. "PT Maju Jaya".
        name: String,
        /// Language of the pages and emails of its users who chose none: en (English) or id
        /// (Bahasa Indonesia).
        #[arg(long, value_name = "LANGUAGE", default_value = "en")]
        language: String,
        /// Time zone of the dates and times its users see unless they chose their own: an
        /// IANA name such as Asia/Jakarta.
        #[arg(long, value_name = "IANA", default_value = "UTC")]
        time_zone: String,
    },
    /// Change a company's default language or time zone (for its users who chose none), or
    /// its new sign-in alert.
    #[command(group(ArgGroup::new("change").required(true).multiple(true).args(["language", "time_zone", "new_sign_in_alerts", "require_2fa"])))]
    Set(CompanySet),
}

#[derive(Debug, Args)]
pub struct CompanySet {
    /// The company's name.
    pub name: String,
    /// New default language: en (English) or id (Bahasa Indonesia).
    #[arg(long, value_name = "LANGUAGE")]
    pub language: Option<String>,
    /// New default time zone: an IANA name such as Asia/Jakarta.
    #[arg(long, value_name = "IANA")]
    pub time_zone: Option<String>,
    /// Whether a login from a browser not known for the account emails its user "New
    /// sign-in to your account" (on by default).
    #[arg(long, value_name = "on|off", value_parser = parse_on_off)]
    pub new_sign_in_alerts: Option<bool>,
    /// Who must use two-step verification (an authenticator app): nobody, the company's
    /// admins, or everyone. Someone covered without one sets it up at their next login.
    #[arg(long = "require-2fa", value_name = "off|admins|everyone", value_parser = parse_requirement)]
    pub require_2fa: Option<Requirement>,
}

/// `off`, `admins` or `everyone`.
fn parse_requirement(value: &str) -> Result<Requirement, String> {
    Requirement::parse(value).ok_or_else(|| format!("{value:?}: use off, admins or everyone"))
}

/// `on` or `off`, as a switch on the command line reads.
fn parse_on_off(value: &str) -> Result<bool, String> {
    match value {
        "on" => Ok(true),
        "off" => Ok(false),
        other => Err(format!("{other:?}: use on or off")),
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user in an existing company (and email them an invitation, unless
    /// --password-stdin gives their password).
    Add(UserAdd),
    /// Email a user a link to choose a new password (as an admin's "Reset Password").
    Reset {
        /// The user's login name.
        username: String,
    },
    /// Remove every two-step verification method and recovery code of a user who lost them
    /// (an admin of their company can too; this is for a company whose only admin did). The
    /// user is emailed and logs in with the password alone, or sets up a new authenticator
    /// app at once if their company requires one.
    #[command(name = "remove-2fa")]
    RemoveTwoStep {
        /// The user's login name.
        username: String,
    },
    /// Stop a user from logging in: their sessions end, their links die.
    Deactivate {
        /// The user's login name.
        username: String,
    },
    /// Let a deactivated user log in again.
    Reactivate {
        /// The user's login name.
        username: String,
    },
    /// Change a user's email address at once (admins only request a change, which the new
    /// address must confirm; another admin's address only the operator can change). The
    /// user's sessions end, their links die, and the old address is told.
    Email {
        /// The user's login name.
        username: String,
        /// The new address.
        email: String,
    },
}

#[derive(Debug, Args)]
pub struct UserAdd {
    /// Name of the company the user belongs to.
    #[arg(long, value_name = "NAME")]
    pub company: String,
    /// The user's email address (where reset links are sent).
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// The user's full name, as shown in the app and in emails.
    #[arg(long, value_name = "FULL NAME")]
    pub name: String,
    /// The login name.
    #[arg(long, value_name = "USERNAME")]
    pub username: String,
    /// Make the user an admin of their company.
    #[arg(long)]
    pub admin: bool,
    /// Read the user's password from the first line of standard input.
    /// Without it the user is sent an invitation email to choose one.
    #[arg(long)]
    pub password_stdin: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve() {
        assert!(Cli::parse_from(["latch"]).command.is_none());
    }

    #[test]
    fn user_add_takes_the_documented_flags() {
        let cli = Cli::parse_from([
            "latch",
            "user",
            "add",
            "--company",
            "PT Maju",
            "--email",
            "ana@example.com",
            "--name",
            "Ana Putri",
            "--username",
            "ana",
            "--admin",
            "--password-stdin",
        ]);
        let Some(Command::User(UserCommand::Add(add))) = cli.command else {
            panic!("parsed as {cli:?}");
        };
        assert!(add.admin && add.password_stdin);
        assert_eq!(add.name, "Ana Putri");
    }

    #[test]
    fn a_company_starts_in_english_and_utc_unless_told_otherwise() {
        let cli = Cli::parse_from(["latch", "company", "add", "PT Maju"]);
        let Some(Command::Company(CompanyCommand::Add {
            language,
            time_zone,
            ..
        })) = cli.command
        else {
            panic!("parsed as {cli:?}");
        };
        assert_eq!((language.as_str(), time_zone.as_str()), ("en", "UTC"));

        let cli = Cli::parse_from([
            "latch",
            "company",
            "add",
            "PT Maju",
            "--language",
            "id",
            "--time-zone",
            "Asia/Jakarta",
        ]);
        let Some(Command::Company(CompanyCommand::Add { time_zone, .. })) = cli.command else {
            panic!("parsed as {cli:?}");
        };
        assert_eq!(time_zone, "Asia/Jakarta");
    }

    #[test]
    fn company_set_needs_something_to_change() {
        assert!(Cli::try_parse_from(["latch", "company", "set", "PT Maju"]).is_err());
        let cli = Cli::parse_from([
            "latch",
            "company",
            "set",
            "PT Maju",
            "--time-zone",
            "Asia/Makassar",
        ]);
        let Some(Command::Company(CompanyCommand::Set(set))) = cli.command else {
            panic!("parsed as {cli:?}");
        };
        assert_eq!(set.time_zone.as_deref(), Some("Asia/Makassar"));
        assert_eq!(set.language, None);
        assert_eq!(set.new_sign_in_alerts, None);
    }

    #[test]
    fn the_new_sign_in_alert_is_switched_with_on_or_off() {
        let parse = |value| {
            Cli::try_parse_from([
                "latch",
                "company",
                "set",
                "PT Maju",
                "--new-sign-in-alerts",
                value,
            ])
        };
        let Some(Command::Company(CompanyCommand::Set(set))) = parse("off").unwrap().command else {
            panic!("not a company set");
        };
        assert_eq!(set.new_sign_in_alerts, Some(false));
        assert!(parse("no").is_err());
    }

    #[test]
    fn who_must_use_two_step_verification_is_off_admins_or_everyone() {
        let parse = |value| {
            Cli::try_parse_from(["latch", "company", "set", "PT Maju", "--require-2fa", value])
        };
        let Some(Command::Company(CompanyCommand::Set(set))) = parse("admins").unwrap().command
        else {
            panic!("not a company set");
        };
        assert_eq!(set.require_2fa, Some(Requirement::Admins));
        let refused = parse("all").unwrap_err().to_string();
        assert!(refused.contains("use off, admins or everyone"), "{refused}");
    }

    #[test]
    fn remove_2fa_names_one_user() {
        let cli = Cli::parse_from(["latch", "user", "remove-2fa", "ana"]);
        let Some(Command::User(UserCommand::RemoveTwoStep { username })) = cli.command else {
            panic!("parsed as {cli:?}");
        };
        assert_eq!(username, "ana");
    }
}
