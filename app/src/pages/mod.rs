mod home;
mod not_found;
mod server_decides;

pub(crate) use home::Home;
pub(crate) use not_found::NotFound;
pub(crate) use server_decides::remember_loaded_address;
