//! Leptos site options (output name, site root, address, ...) for the running binary.
//!
//! They come from `Leptos.toml`: the file in the working directory if there is one, otherwise
//! the copy built into the binary, so `latch` runs from any directory. `LEPTOS_*` environment
//! variables override either (e.g. `LEPTOS_SITE_ROOT`, `LEPTOS_SITE_ADDR`).

use std::path::Path;

use leptos::config::{LeptosOptions, get_config_from_str};

const BUILT_IN: &str = include_str!("../../Leptos.toml");
const FILE_NAME: &str = "Leptos.toml";

pub fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let text = if Path::new(FILE_NAME).is_file() {
        std::fs::read_to_string(FILE_NAME)?
    } else {
        BUILT_IN.to_owned()
    };
    get_config_from_str(&text).map_err(|err| anyhow::anyhow!("reading Leptos site options: {err}"))
}
