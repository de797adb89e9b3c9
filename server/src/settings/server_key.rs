//! Where Latch's server key comes from (`latch_core::server_key`): `LATCH_SECRET_KEY`, or a
//! file that the embedded default creates on first start.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use latch_core::server_key::ServerKey;
use secrecy::{ExposeSecret, SecretString};

/// The key file of the embedded default, next to its SQLite file.
pub const DEFAULT_KEY_FILE: &str = "latch-secret.key";

#[derive(Debug, Clone)]
pub enum KeySource {
    /// `LATCH_SECRET_KEY`, with `LATCH_PREVIOUS_SECRET_KEYS`: what every instance of a
    /// deployment must share.
    Given(ServerKey),
    /// A file holding the key. `create`: made on first start if missing (only the default
    /// file of the embedded setup, which one instance uses; a file named by
    /// `LATCH_SECRET_KEY_FILE` must exist, or instances could each make their own).
    File {
        path: PathBuf,
        create: bool,
        previous: Vec<SecretString>,
    },
}

impl KeySource {
    /// Whether this is the embedded default (a key this machine made for itself).
    pub fn is_generated_default(&self) -> bool {
        matches!(self, KeySource::File { create: true, .. })
    }

    /// The key, read or (for the embedded default) created.
    pub fn load(&self) -> anyhow::Result<ServerKey> {
        let (path, create, previous) = match self {
            KeySource::Given(key) => return Ok(key.clone()),
            KeySource::File {
                path,
                create,
                previous,
            } => (path, *create, previous),
        };
        if !path.exists() {
            if !create {
                anyhow::bail!(
                    "LATCH_SECRET_KEY_FILE: {} does not exist (`latch key generate` makes a key)",
                    path.display()
                );
            }
            create_key_file(path)?;
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("LATCH_SECRET_KEY_FILE: reading {}", path.display()))?;
        let previous: Vec<&str> = previous.iter().map(|key| key.expose_secret()).collect();
        ServerKey::from_text(&text, &previous)
            .with_context(|| format!("LATCH_SECRET_KEY_FILE: {}", path.display()))
    }
}

/// Writes a fresh key readable by this user only. `create_new`: of two processes starting at
/// once, one writes and the other reads what it wrote.
fn create_key_file(path: &Path) -> anyhow::Result<()> {
    let key = ServerKey::generate().context("generating the server key")?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            writeln!(file, "{}", key.to_text())
                .with_context(|| format!("writing the server key to {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a server key (keep this file; back it up with the database)");
            Ok(())
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_created_once_and_then_read() {
        let dir = tempfile::tempdir().unwrap();
        let source = KeySource::File {
            path: dir.path().join(DEFAULT_KEY_FILE),
            create: true,
            previous: Vec::new(),
        };
        let first = source.load().unwrap();
        let again = source.load().unwrap();
        assert_eq!(first.to_text(), again.to_text());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(DEFAULT_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_named_file_must_exist_and_hold_a_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let source = KeySource::File {
            path: path.clone(),
            create: false,
            previous: Vec::new(),
        };
        let missing = source.load().unwrap_err().to_string();
        assert!(missing.contains("LATCH_SECRET_KEY_FILE"), "{missing}");
        std::fs::write(&path, "too short").unwrap();
        assert!(source.load().is_err());
    }
}
