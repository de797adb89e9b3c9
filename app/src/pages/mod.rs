mod home;
mod not_found;
mod profile_settings;

pub(crate) use home::Home;
pub(crate) use not_found::NotFound;
pub(crate) use profile_settings::ProfileSettings;
