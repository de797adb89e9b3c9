//! The Profile Settings frame: section navigation on the left, the open section on the right.
//! Shared by the user's own sections (settings/) and the admin's (admin/).

use leptos::prelude::*;

use crate::i18n::use_messages;
use crate::paths;

/// Which section of Profile Settings is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Profile,
    Account,
    /// An admin managing one user (reached from the list on the Profile section).
    Users,
    AddUser,
    Activity,
    /// The company's security policy (admins).
    Security,
}

/// The settings frame: section navigation on the left, the open section on the right.
#[component]
pub fn SettingsFrame(
    current: Section,
    /// Admins also get their company's sections.
    #[prop(optional)]
    is_admin: bool,
    children: Children,
) -> impl IntoView {
    let t = use_messages();
    let link = move |section: Section, href: &'static str, label: &'static str| {
        // Managing one user belongs to the list, which is on the Profile section.
        let open = current == section || (current == Section::Users && section == Section::Profile);
        let current = open.then_some("page");
        view! {
            <li>
                <a href=href aria-current=current>
                    {label}
                </a>
            </li>
        }
    };
    view! {
        <div class="settings">
            <nav class="settings-nav" aria-label=t.settings_sections>
                <p class="settings-nav-title">{t.profile_settings}</p>
                <ul>
                    {link(Section::Profile, paths::PROFILE_SETTINGS, t.profile_overview)}
                    {link(Section::Account, paths::ACCOUNT_SETTINGS, t.account_settings)}
                    {is_admin
                        .then(|| {
                            view! {
                                {link(Section::AddUser, paths::ADD_USER, t.add_user)}
                                {link(Section::Activity, paths::ACTIVITY, t.activity)}
                                {link(Section::Security, paths::SECURITY, t.security_nav)}
                            }
                        })}
                </ul>
            </nav>
            <div class="settings-content">{children()}</div>
        </div>
    }
}
