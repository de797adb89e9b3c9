use crate::Messages;

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
    not_signed_in: "Your session has ended. Please log in again.",
    unexpected_error: "Something went wrong on our side. Please try again; if it keeps happening, contact your company's Admin or support.",
    database_unavailable: "Latch cannot reach its database right now. Please try again in a moment; if it keeps happening, contact your company's Admin or support.",
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
    change_password_intro: "Enter your existing password, then choose a new one. You stay signed in on this device.",
    existing_password_label: "Existing password",
    sign_out_other_devices: "Sign out of other devices",
    sign_out_other_devices_hint: "Recommended, especially if someone else may know your old password.",
    update_button: "Update",
    existing_password_wrong: "The existing password is not right. Check it and try again.",
    password_same_as_existing: "The new password is the same as the existing one. Choose a different password.",
    password_changed_signed_out_others: "Your password was changed. Your other devices were signed out; you stay signed in here.",
    password_changed_kept_others: "Your password was changed. You stay signed in here and on your other devices.",

    mail_greeting: |name| format!("Hello {name},"),
    mail_signature: "Latch, sign-in for your company's CRM",
    mail_automatic: "This email was sent automatically; replies are not read.",
    reset_mail_subject: "Reset your password",
    reset_mail_intro: |username| {
        format!(
            "We received a request to reset the password of your account. Your username is {username}."
        )
    },
    reset_mail_action: "Set a new password",
    reset_mail_validity: |minutes| {
        format!("The link works once and stays valid for {minutes} minutes.")
    },
    reset_mail_not_you: "If you did not ask for this, ignore this email: your password stays as it is. If such emails keep coming, tell your company's Admin or support.",
    changed_mail_subject: "Your password was changed",
    changed_mail_intro: |username| {
        format!("The password of your account (username {username}) was just changed.")
    },
    changed_mail_not_you: "If you did not do this, contact your company's Admin or support right away: someone else may have access to your email.",
};
