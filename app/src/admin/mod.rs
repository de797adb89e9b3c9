//! Company admins, in Profile Settings: the list of their company's users with "Reset
//! Password", managing one user, "Add user", and the company's activity.

mod activity;
mod invite;
mod pagination;
mod reset_confirm;
mod security;
mod server_fns;
pub mod types;
mod user_list;
mod user_page;

pub use activity::ActivityPage;
pub use invite::InviteUserPage;
pub use reset_confirm::ResetConfirmPage;
pub use security::SecurityPage;
pub use server_fns::{
    AdminReset, ChangeEmail, GetSecurityPolicy, GetUser, InviteUser, ListActivity, ListUsers,
    Reauthenticate, RemoveUserTwoStep, SetActive, SetRole, SetSecurityPolicy,
};
pub use user_list::CompanyUsers;
pub use user_page::ManageUserPage;
