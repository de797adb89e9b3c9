//! The second factor in the UI: Account Settings' "Two-step verification" card and the
//! second login step's page (`/login/verify`).

mod login_step_page;
mod server_fns;
mod settings_card;
mod setup_display;

pub use login_step_page::LoginStepPage;
pub use server_fns::{
    AppSetup, ChangeTwoStep, CurrentLoginStep, LoginStep, MyTwoStep, TwoStepStatus, VerifyLoginStep,
};
pub use settings_card::TwoStepSection;
