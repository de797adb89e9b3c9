use crate::Messages;

pub(crate) static MESSAGES: Messages = Messages {
    app_name: "Latch",
    tagline: "Sign-in and password management for your CRM",
    skip_to_content: "Skip to main content",
    home_title: "Welcome",
    home_heading: "Welcome to Latch",
    home_body: "Latch keeps your company's CRM accounts safe: sign in, reset a forgotten password, and manage your team's access.",
    not_found_title: "Page not found",
    not_found_body: "We could not find that page. Check the address, or go back to the start.",
    back_home: "Go to the start page",
};
