use latch_domain::{AuditKind, AuditOutcome};

use crate::{LocalDateTime, Messages};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "29 November 2026, 18:05 WIB": day first, as in British usage, and a 24-hour clock, so a
/// reader on either side of the Atlantic reads the same date.
fn date_time(at: &LocalDateTime) -> String {
    format!(
        "{} {} {}, {:02}:{:02} {}",
        at.day(),
        at.month_name(&MONTHS),
        at.year(),
        at.hour(),
        at.minute(),
        at.zone()
    )
}

pub(crate) static MESSAGES: Messages = Messages {
    app_name: "Latch",
    tagline: "Sign-in and password management for your CRM",
    skip_to_content: "Skip to main content",
    home_title: "Welcome",
    home_heading: |name| format!("Welcome, {name}"),
    home_body: "Latch keeps your company's CRM accounts safe: sign in, reset a forgotten password, and manage your team's access.",
    not_found_title: "Page not found",
    not_found_body: "We could not find that page. Check the address, or go back to the start.",
    back_home: "Go to the start page",
    date_time,

    login_title: "Log in",
    login_heading: "Log in",
    identifier_label: "Username or email",
    password_label: "Password",
    log_in_button: "Log in",
    logging_in: "Logging in…",
    forgot_password: "Forgot Password",
    forgot_username_hint: "Forgot your username? Ask your company's Admin.",
    login_invalid: "The username, email or password is not right. Check them and try again.",
    login_throttled: |minutes| {
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!("Too many failed attempts. For your security, try again in {minutes} {unit}.")
    },
    server_busy: "The server is busy right now. Please try again in a few seconds.",
    request_timeout: "The request took too long to arrive, so Latch stopped waiting. Please try again.",
    not_signed_in: "Your session has ended. Please log in again.",
    unexpected_error: "Something went wrong on our side. Please try again; if it keeps happening, contact your company's Admin or support.",
    database_unavailable: "Latch cannot reach its database right now. Please try again in a moment; if it keeps happening, contact your company's Admin or support.",
    unavailable_title: "Temporarily unavailable",
    unavailable_retrying: "This page tries again by itself every few seconds.",
    try_again: "Try again now",
    cross_origin_refused: "This request came from another website and was refused. Please use the form on this site.",

    profile_settings: "Profile Settings",
    log_out: "Log out",
    name_label: "Name",
    username_label: "Username",
    email_label: "Email",
    company_label: "Company",
    role_label: "Role",
    role_admin: "Admin",
    role_member: "Member",

    forgot_title: "Forgot Password",
    forgot_intro: "Enter the email address of your account. We will send you a link to choose a new password.",
    email_field_label: "Email",
    send_reset_button: "Send me reset password instructions",
    sending: "Sending…",
    back_to_login: "Back to log in",
    email_invalid: "Enter an email address like name@example.com.",
    reset_throttled: |minutes| {
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!(
            "You have asked for several links in a short time. Check your inbox and spam folder, or ask again in {minutes} {unit}."
        )
    },
    sent_title: "Check your inbox",
    sent_body: |minutes| {
        format!(
            "If an account uses this address, we have sent it an email with a link to choose a new password. The link is valid for {minutes} minutes and works once."
        )
    },
    sent_nothing_arrived: "Nothing after a few minutes? Check your spam folder and that the address is the one your company registered, then try again. If it still does not arrive, contact your company's Admin or support.",
    sent_try_again: "Try again",
    reset_title: "Choose a new password",
    reset_intro: "Choose a new password for your account. You will log in with it afterwards.",
    reset_link_expires: |until| format!("This link works until {until}."),
    reset_for_account: |username, email| {
        format!("This link sets a new password for {username} ({email}).")
    },
    new_password_label: "New password",
    confirm_password_label: "Confirm new password",
    set_password_button: "Set new password",
    saving: "Saving…",
    passwords_differ: "The two passwords are not the same. Type the new password again in both fields.",
    link_used_heading: "This link has already been used",
    link_used_body: "Each reset link works once. If you did not finish, ask for a new link.",
    link_expired_heading: "This link has expired",
    link_expired_body: "Reset links are valid for a short time only. Ask for a new link; it arrives in a minute or two.",
    link_replaced_heading: "This link was replaced by a newer one",
    link_replaced_body: "A newer reset link was requested, or the password was changed since. Use the newest email, or ask for a new link.",
    link_invalid_heading: "This link is not valid",
    link_invalid_body: "The link may be incomplete: some mail programs cut long links. Ask for a new link, or copy the whole link from the email.",
    request_new_link: "Send me a new link",
    reset_done_title: "Your password was changed",
    reset_done_body: "You can now log in with your new password. For your security, you were signed out everywhere.",
    log_in_link: "Log in",

    password_hint: |min, recommended| {
        format!(
            "At least {min} characters, any characters you like. A passphrase of {recommended} or more, a few unrelated words, is stronger and easier to remember."
        )
    },
    password_too_short: |min| format!("The password is too short: use at least {min} characters."),
    password_too_long: |max| format!("The password is too long: use at most {max} characters."),
    password_common: "This is one of the most common passwords, the first ones attackers try. Choose another.",
    password_contains_username: "The password contains your username. Choose one that does not.",
    password_contains_email: "The password contains your email address. Choose one that does not.",
    password_contains_name: "The password contains your name. Choose one that does not.",
    password_contains_company: "The password contains your company's name. Choose one that does not.",
    password_too_guessable: "This password is too easy to guess. Add a few more unrelated words.",
    weakness_keyboard_pattern: "Keyboard patterns like qwerty are easy to guess. Add a few unrelated words.",
    weakness_repetition: "Repeats like aaa or abcabc are easy to guess. Add a few unrelated words.",
    weakness_sequence: "Sequences like abc or 6543 are easy to guess. Add a few unrelated words.",
    weakness_recent_year: "Recent years are easy to guess. Add a few unrelated words.",
    weakness_date: "Dates are easy to guess. Add a few unrelated words.",
    weakness_single_word: "A single word is easy to guess. Add a few more unrelated words.",
    weakness_names: "Names on their own are easy to guess. Add a few unrelated words.",
    weakness_similar_to_common: "This is too close to a common password. Add a few unrelated words.",
    strength_label: "Strength",
    strength_levels: ["Very weak", "Weak", "Fair", "Strong", "Very strong"],
    strength_acceptable: "This password meets the policy.",

    settings_sections: "Settings",
    profile_overview: "Profile",
    account_settings: "Account Settings",
    change_password_heading: "Change your password",
    language_heading: "Language",
    language_intro: "The language of Latch's pages and of the emails it sends you.",
    language_label: "Language",
    language_automatic: "Same as my browser",
    language_save: "Save language",
    language_saved: "Your language has been saved.",
    time_zone_heading: "Time zone",
    time_zone_intro: "The time zone of the dates and times on Latch's pages and in the emails it sends you.",
    time_zone_label: "Time zone",
    time_zone_company_default: |zone| format!("Company default ({zone})"),
    time_zone_save: "Save time zone",
    time_zone_saved: "Your time zone has been saved.",
    time_zone_unknown: |name| {
        format!("\"{name}\" is not a time zone Latch knows. Choose one from the list.")
    },
    change_password_intro: "Enter your existing password, then choose a new one. You stay signed in on this device.",
    existing_password_label: "Existing password",
    sign_out_other_devices: "Sign out of other devices",
    sign_out_other_devices_hint: "Recommended, especially if someone else may know your old password.",
    update_button: "Update",
    existing_password_wrong: "The existing password is not right. Check it and try again.",
    password_same_as_existing: "The new password is the same as the existing one. Choose a different password.",
    password_changed_signed_out_others: "Your password was changed. Your other devices were signed out; you stay signed in here.",
    devices_heading: "Your devices",
    devices_intro: "Where your account is signed in right now. If you do not recognise a device, sign it out and change your password.",
    column_device: "Device",
    column_signed_in: "Signed in",
    column_last_active: "Last active",
    device_words: |browser, os| format!("{browser} on {os}"),
    unknown_browser: "Unknown browser",
    unknown_system: "an unknown system",
    unknown_address: "unknown address",
    this_device: "This device",
    sign_out_button: "Sign out",
    sign_out_all_others_button: "Sign out of all other devices",
    sign_out_all_others_hint: "Every device but this one is signed out and must log in again.",
    device_signed_out_notice: "The device was signed out.",
    other_devices_signed_out_notice: "All other devices were signed out.",
    no_other_devices: "No other device is signed in.",
    device_unknown: "That device is no longer signed in to your account.",
    password_changed_kept_others: "Your password was changed. You stay signed in here and on your other devices.",

    users_heading: "Users",
    users_intro: |company| {
        format!(
            "Everyone who signs in for {company}. Admins never see or choose a user's password: \"Reset Password\" emails the user a link to choose one."
        )
    },
    users_search_label: "Search by name, username or email",
    users_search_button: "Search",
    users_count: |total| {
        let unit = if total == 1 { "user" } else { "users" };
        format!("{total} {unit}")
    },
    users_none: "No user matches this search.",
    column_last_login: "Last login",
    column_status: "Status",
    column_last_email: "Last email",
    column_actions: "Actions",
    status_active: "Active",
    status_deactivated: "Deactivated",
    status_invited: "Invited",
    never: "Never",
    sorted_ascending: "sorted ascending",
    sorted_descending: "sorted descending",
    page_of: |page, pages| format!("Page {page} of {pages}"),
    previous_page: "Previous page",
    next_page: "Next page",
    mail_kind: |template| match template {
        "password_reset" => "Forgot Password link",
        "admin_reset" => "Reset Password link",
        "invitation" => "Invitation",
        "password_changed" => "Password changed notice",
        "email_changed" => "Email changed notice",
        "email_change_confirm" => "Email change confirmation link",
        "email_change_requested" => "Email change requested notice",
        "new_sign_in" => "New sign-in alert",
        "sign_in_method_added" => "Sign-in method added",
        "sign_in_method_removed" => "Sign-in method removed",
        _ => "Email",
    },
    mail_status: |status| match status {
        "queued" | "sending" => "queued",
        "sent" => "delivered",
        "retrying" => "not delivered yet, retrying",
        "discarded" => "not sent: its link had stopped working",
        "failed" => "failed",
        _ => "unknown",
    },
    reset_password_button: "Reset Password",
    manage_user: |name| format!("Manage {name}"),
    reset_confirm_heading: "Send a password reset email?",
    reset_confirm_body: |name, email, hours| {
        format!(
            "{name} will get an email at {email} with a link to choose a new password, valid for {hours} hours. Their current password keeps working until they choose a new one. You will not see the link or the password."
        )
    },
    reset_confirm_button: "Send reset email",
    cancel: "Cancel",
    reset_queued: |name, email| {
        format!(
            "A password reset email to {name} ({email}) is on its way. Its delivery shows in the list."
        )
    },
    mail_failed_help: "The email could not be delivered. Check the address: correct it and send again, or ask the user for another address.",
    add_user: "Add user",
    add_user_intro: "The new user gets an email with a link to choose their own password. Admins never see or choose passwords.",
    role_field_label: "Role",
    invite_button: "Add user and send invitation",
    user_invited: "The user was added and an invitation is on its way. Its delivery shows in the list of users.",
    edit_email_heading: "Email address",
    save_email_button: "Save email address",
    email_changed_notice: |email| {
        format!(
            "The email address is now {email}. Earlier links no longer work; the old address was told. Send a new reset link if the user needs one."
        )
    },
    access_heading: "Access",
    deactivate_button: "Deactivate user",
    reactivate_button: "Reactivate user",
    deactivate_hint: "A deactivated user cannot log in, is signed out everywhere, and gets no reset emails.",
    user_deactivated_notice: "The user was deactivated and signed out everywhere.",
    user_reactivated_notice: "The user was reactivated and can log in again.",
    make_admin_button: "Make admin",
    make_member_button: "Make member",
    role_changed_notice: "The role was changed.",
    sign_out_everywhere_button: "Sign out everywhere",
    sign_out_everywhere_hint: "Ends the user's sessions on every device. They stay active and can log in again.",
    signed_out_everywhere_notice: "The user was signed out everywhere.",
    back_to_users: "Back to the users",
    activity: "Activity",
    activity_intro: "What happened in your company's accounts, newest first: who did what, to whom, when, and from which address.",
    activity_filter_label: "Show",
    activity_all_kinds: "All events",
    activity_filter_button: "Filter",
    activity_none: "Nothing to show.",
    column_when: "When",
    column_event: "Event",
    column_outcome: "Outcome",
    column_by: "By",
    column_for: "For",
    column_address: "Address",
    event_kind: |kind| match kind {
        AuditKind::Login => "Log in",
        AuditKind::Logout => "Log out",
        AuditKind::PasswordResetRequested => "Forgot Password request",
        AuditKind::PasswordResetCompleted => "Password set with a link",
        AuditKind::PasswordChanged => "Password change",
        AuditKind::AdminReset => "Reset Password by an admin",
        AuditKind::UserInvited => "User added",
        AuditKind::UserDeactivated => "User deactivated",
        AuditKind::UserReactivated => "User reactivated",
        AuditKind::RoleChanged => "Role change",
        AuditKind::EmailChanged => "Email address change",
        AuditKind::AdminRefused => "Admin action refused",
        AuditKind::AdminReauthenticated => "Password confirmation by an admin",
        AuditKind::EmailChangeRequested => "Email address change requested",
        AuditKind::AccountConflict => "Name or address of another company",
        AuditKind::DeviceSignedOut => "Sign out of a device",
        AuditKind::OtherDevicesSignedOut => "Sign out of all other devices",
        AuditKind::SignedOutEverywhere => "Sign out everywhere by an admin",
        AuditKind::PasswordConfirmed => "Password confirmation",
        AuditKind::SecondFactorAdded => "Sign-in method added",
        AuditKind::SecondFactorRemoved => "Sign-in method removed",
        AuditKind::SecondStep => "Two-step verification at log in",
        AuditKind::RecoveryCodesRenewed => "New recovery codes",
        AuditKind::SecurityPolicyChanged => "Security policy change",
    },
    event_outcome: |outcome| match outcome {
        AuditOutcome::Succeeded => "Succeeded",
        AuditOutcome::Failed => "Failed",
        AuditOutcome::Throttled => "Refused: too many in a short time",
        AuditOutcome::NoActiveAccount => "No active account",
        AuditOutcome::MailQueued => "Email queued",
        AuditOutcome::NotAdmin => "Refused: not an Admin",
        AuditOutcome::UnknownUser => "Refused: no such user in the company",
        AuditOutcome::ReauthRequired => "Refused: password not confirmed",
        AuditOutcome::TargetIsAdmin => "Refused: the user is an Admin",
        AuditOutcome::SecondStepRequired => "Password right, second step asked",
    },
    event_unknown: "Other",
    operator: "Operator (command line)",
    users_nav: "Users",
    not_admin: "Only your company's Admins can do this.",
    unknown_user: "This user does not exist in your company.",
    user_mail_throttled: |minutes| {
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!(
            "This user was sent several emails recently. To protect their inbox, try again in {minutes} {unit}."
        )
    },
    user_inactive: "This user is deactivated. Reactivate them first.",
    last_admin: "Your company needs at least one active Admin. Make someone else an Admin first.",
    email_taken: "Another user already has this email address.",
    username_taken: "This username is already taken. Choose another.",
    username_invalid: "A username has 3 to 32 characters: letters, digits, dots, dashes and underscores, starting with a letter or digit.",
    name_invalid: "Enter a name of at most 100 characters, without control characters.",
    reauth_heading: "Confirm your password",
    reauth_intro: |minutes| {
        format!(
            "Changing a user's email address or role needs your password again. It stays confirmed for {minutes} minutes."
        )
    },
    reauth_password_label: "Your password",
    reauth_button: "Confirm password",
    reauth_done_notice: |minutes| {
        format!(
            "Password confirmed. For the next {minutes} minutes you can change email addresses and roles."
        )
    },
    reauth_required: "Confirm your password first, under Confirm your password on this page: changing an email address or a role needs it.",
    target_is_admin: "Another Admin's email address can only be changed by the operator, at the command line.",
    new_addresses_throttled: |minutes| {
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        format!(
            "You sent many invitations or email changes recently. Try again in {minutes} {unit}."
        )
    },
    email_change_pending_notice: |email| {
        format!(
            "A confirmation link was sent to {email}. The address changes once it is confirmed from there; the current address was told."
        )
    },
    pending_email: |email| format!("Waiting for confirmation at {email}"),
    confirm_email_title: "Confirm your new email address",
    confirm_email_body: |username, email| {
        format!(
            "Confirm that {email} becomes the email address of the account {username}. You will then be signed out everywhere and log in again."
        )
    },
    confirm_email_button: "Confirm email address",
    email_confirmed_heading: "Email address confirmed",
    email_confirmed_body: |email| {
        format!(
            "The account's email address is now {email}. You were signed out everywhere: log in again."
        )
    },
    email_link_unusable: "This link cannot be used: it was used already, has expired or was replaced by a newer one. Ask your company's Admin to change the address again.",

    #[cfg(feature = "mail")]
    mail_greeting: |name| format!("Hello {name},"),
    #[cfg(feature = "mail")]
    mail_signature: "Latch, sign-in for your company's CRM",
    #[cfg(feature = "mail")]
    mail_automatic: "This email was sent automatically; replies are not read.",
    #[cfg(feature = "mail")]
    reset_mail_subject: "Reset your password",
    #[cfg(feature = "mail")]
    reset_mail_intro: |username| {
        format!(
            "We received a request to reset the password of your account. Your username is {username}."
        )
    },
    #[cfg(feature = "mail")]
    reset_mail_action: "Set a new password",
    #[cfg(feature = "mail")]
    reset_mail_validity: |minutes, until| {
        format!("The link works once and stays valid for {minutes} minutes, until {until}.")
    },
    #[cfg(feature = "mail")]
    reset_mail_not_you: "If you did not ask for this, ignore this email: your password stays as it is. If such emails keep coming, tell your company's Admin or support.",
    #[cfg(feature = "mail")]
    changed_mail_subject: "Your password was changed",
    #[cfg(feature = "mail")]
    changed_mail_intro: |username| {
        format!("The password of your account (username {username}) was just changed.")
    },
    #[cfg(feature = "mail")]
    changed_mail_not_you: "If you did not do this, contact your company's Admin or support right away: someone else may have access to your email.",
    #[cfg(feature = "mail")]
    admin_reset_mail_intro: |username| {
        format!(
            "Your company's Admin asked for a new password to be set for your account. Your username is {username}."
        )
    },
    #[cfg(feature = "mail")]
    admin_reset_mail_not_you: "Your current password keeps working until you set a new one. If you did not expect this, ask your company's Admin.",
    #[cfg(feature = "mail")]
    link_validity_hours: |hours, until| {
        let unit = if hours == 1 { "hour" } else { "hours" };
        format!("The link works once and stays valid for {hours} {unit}, until {until}.")
    },
    #[cfg(feature = "mail")]
    invitation_mail_subject: "You have been invited to sign in",
    #[cfg(feature = "mail")]
    invitation_mail_intro: |company, username| {
        format!(
            "An Admin of {company} created an account for you. Your username is {username}. Choose your password to start."
        )
    },
    #[cfg(feature = "mail")]
    invitation_mail_action: "Choose your password",
    #[cfg(feature = "mail")]
    invitation_mail_not_you: "If you did not expect this invitation, ignore this email or tell the company's Admin.",
    #[cfg(feature = "mail")]
    email_changed_mail_subject: "Your email address was changed",
    #[cfg(feature = "mail")]
    email_changed_mail_intro: |username, new_address| {
        format!(
            "Your company's Admin changed the email address of your account (username {username}) to {new_address}. Emails for this account now go there."
        )
    },
    #[cfg(feature = "mail")]
    email_change_confirm_mail_subject: "Confirm your new email address",
    #[cfg(feature = "mail")]
    email_change_confirm_mail_intro: |username, new_address| {
        format!(
            "Your company's Admin asked for {new_address} to become the email address of your account (username {username}). Nothing changes until you confirm it."
        )
    },
    #[cfg(feature = "mail")]
    email_change_confirm_mail_not_you: "If you did not expect this, ignore this email: the account keeps its address.",
    #[cfg(feature = "mail")]
    email_change_requested_mail_subject: "A change of your email address was requested",
    #[cfg(feature = "mail")]
    email_change_requested_mail_intro: |username, new_address| {
        format!(
            "Your company's Admin asked for the email address of your account (username {username}) to become {new_address}. It changes only once that address confirms it."
        )
    },
    #[cfg(feature = "mail")]
    email_change_requested_mail_not_you: "If you did not expect this, tell your company's Admin or support right away.",
    #[cfg(feature = "mail")]
    new_sign_in_mail_subject: "New sign-in to your account",
    #[cfg(feature = "mail")]
    new_sign_in_mail_intro: |username, when| {
        format!(
            "Your account (username {username}) was signed in to on {when} from a browser it had not been used on before."
        )
    },
    #[cfg(feature = "mail")]
    new_sign_in_mail_device: |device, address| {
        format!("Device: {device}, from the address {address}.")
    },
    #[cfg(feature = "mail")]
    new_sign_in_mail_not_you: "If this was you, there is nothing to do. If it was not, change your password in Account Settings right away, sign out of all other devices there (under Your devices), and tell your company's Admin.",
    #[cfg(feature = "mail")]
    sign_in_method_name: |method| match method {
        "totp" => "an authenticator app",
        "passkey" => "a passkey",
        "all" => "every two-step verification method",
        _ => "a sign-in method",
    },
    #[cfg(feature = "mail")]
    method_added_mail_subject: "A sign-in method was added to your account",
    #[cfg(feature = "mail")]
    method_added_mail_intro: |username, method| {
        format!(
            "Two-step verification with {method} was turned on for your account (username {username}). From now on, logging in asks for it after your password."
        )
    },
    #[cfg(feature = "mail")]
    method_removed_mail_subject: "A sign-in method was removed from your account",
    #[cfg(feature = "mail")]
    method_removed_mail_intro: |username, method, by_admin| {
        if by_admin {
            format!(
                "Your company's Admin removed {method} from your account (username {username})."
            )
        } else {
            format!(
                "Someone signed in to your account (username {username}) removed {method} in Account Settings."
            )
        }
    },
    #[cfg(feature = "mail")]
    method_mail_not_you: "If this wasn't you, change your password in Account Settings right away, check Two-step verification there, and tell your company's Admin.",
    two_step_heading: "Two-step verification",
    two_step_intro: "After your password, Latch asks for a second proof that it is you (a code from an app on your phone, or a passkey), so a password someone else learned is not enough to get in.",
    two_step_is_off: "Two-step verification is off.",
    two_step_is_on: "Two-step verification is on.",
    two_step_required: "Your company requires two-step verification.",
    authenticator_app: "Authenticator app",
    set_up_app_button: "Set up an authenticator app",
    current_password_label: "Current password",
    current_password_hint: "Adding or removing a sign-in method needs your password again (then not for 5 minutes).",
    setup_scan: "Scan this QR code with your authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…), or type the secret below into it. Then type the 6-digit code it shows.",
    qr_code_alt: "QR code for your authenticator app",
    setup_secret_label: "Secret",
    app_code_label: "6-digit code from the app",
    turn_on_button: "Turn on",
    factor_added_at: |when| format!("Added {when}"),
    factor_last_used: |when| format!("last used {when}"),
    remove_method_button: "Remove",
    remove_method_label: |name| format!("Remove {name}"),
    recovery_codes_heading: "Recovery codes",
    recovery_codes_left: |left| match left {
        0 => "You have no unused recovery codes left: make new ones.".to_owned(),
        1 => "You have 1 unused recovery code.".to_owned(),
        n => format!("You have {n} unused recovery codes."),
    },
    renew_codes_button: "Make new recovery codes",
    renew_codes_hint: "The old codes stop working.",
    new_codes_heading: "Your recovery codes",
    new_codes_intro: "Save these codes somewhere safe (a password manager, or printed on paper). If you lose your phone, each one lets you log in once in place of a code from the app. They are shown only this once.",
    codes_saved_button: "I have saved these codes",
    two_step_on_notice: "Two-step verification is on. Save your recovery codes below.",
    method_removed_notice: "The sign-in method was removed.",
    password_needed: "Type your current password to confirm it is you.",
    wrong_app_code: "That code is not right, or it was used already. Type the code the app shows now.",
    wrong_recovery_code: "That recovery code is not right, or it was used already.",
    setup_expired: "The setup expired. Start again with Set up an authenticator app.",
    required_by_company: "Your company requires two-step verification, so your only method cannot be removed. Ask your company's Admin if you lost it.",
    no_factor_yet: "Set up an authenticator app first.",
    unknown_method: "This sign-in method no longer exists. Reload the page.",
    step_expired: "This sign-in took longer than 5 minutes, or was finished in another tab. Log in again with your password.",
    second_step_title: "Two-step verification",
    enter_app_code: "Enter the 6-digit code from your authenticator app",
    verify_button: "Verify",
    verifying: "Verifying…",
    use_recovery_code: "Use a recovery code",
    use_app_code: "Use the code from your app",
    recovery_code_label: "Recovery code",
    recovery_code_hint: "One of the codes you saved when you turned on two-step verification. Each works once.",
    lost_everything_hint: "Lost your phone and your recovery codes? Ask your company's Admin to remove two-step verification from your account.",
    passkey_label: "Passkey",
    passkeys_heading: "Passkeys and security keys",
    passkeys_intro: "A passkey on this device (fingerprint, face or screen lock) or a security key (YubiKey, Titan…) in place of a code: nothing to type, and it only works on this site, so a fake login page gets nothing from it.",
    passkey_name_label: "Name of this passkey",
    passkey_name_hint: "For example Work laptop or YubiKey: it tells your passkeys apart.",
    add_passkey_button: "Add a passkey",
    passkey_added_notice: "Your passkey was added.",
    passkeys_need_javascript: "Passkeys need JavaScript. Turn it on in your browser to add or use one.",
    passkey_waiting: "Follow your browser's prompt to use your passkey or security key…",
    passkey_cancelled: "The passkey prompt was closed or timed out. Try again, or use another method.",
    passkey_unsupported: "This browser cannot use passkeys. Use another method, or another browser.",
    passkey_name_invalid: "Give the passkey a name of 1 to 64 characters.",
    passkey_refused: "That passkey could not be verified. Try again with a passkey added to this account, or use another method.",
    passkeys_unavailable: "Passkeys work only when Latch is reached by a domain name (not an IP address). Ask your administrator.",
    use_passkey_button: "Use your passkey",
    passkey_step_intro: "Use the passkey or security key you added to your account.",
    enrol_heading: "Set up two-step verification",
    enrol_intro: "Your company requires two-step verification. Set up an authenticator app to continue.",
    recovery_code_used_notice: |left| match left {
        0 => {
            "You logged in with your last recovery code. Make new ones under Two-step verification."
                .to_owned()
        }
        1 => "You logged in with a recovery code. You have 1 left.".to_owned(),
        n => format!("You logged in with a recovery code. You have {n} left."),
    },
    admin_two_step_on: "Two-step verification: on (authenticator app).",
    admin_two_step_off: "Two-step verification: off.",
    remove_two_step_button: "Remove two-step verification",
    remove_two_step_hint: "For a user who lost their phone and their recovery codes. They are emailed, and next log in with their password alone (or set up a new app, if your company requires one). You never see their codes.",
    two_step_removed_notice: "Two-step verification was removed. The user was emailed.",
    security_nav: "Security",
    security_title: "Security",
    require_two_step_legend: "Require two-step verification",
    require_two_step_off: "Not required",
    require_two_step_admins: "Require two-step verification for admins",
    require_two_step_everyone: "Require two-step verification for everyone",
    require_two_step_hint: "Someone covered who has no method yet is asked to set up an authenticator app right after their password, at their next log in.",
    save_policy_button: "Save",
    policy_saved_notice: "The security policy was saved.",
    sign_in_alerts_label: "Email users when someone signs in to their account from a new browser",
    sign_in_alerts_hint: "The mail says when, from which browser and address, and what to do if it wasn't them. On by default.",
};
