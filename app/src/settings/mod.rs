//! Profile Settings (`/settings`): the signed-in user's own account, with a left-side
//! navigation between its sections.

mod account;
mod devices;
mod language;
mod profile;
mod server_fns;
mod time_zone;

pub use account::AccountSettingsPage;
pub use devices::{MyDevices, SignOutDevice, SignOutOtherDevices};
pub use profile::ProfileSettingsPage;
pub use server_fns::{
    ChangePassword, MyPasswordRules, SetLanguage, SetTimeZone, TimeZoneChoices, TimeZoneOptions,
};
