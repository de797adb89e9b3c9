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
};
