//! The server's secret key: `SECRET_KEY`, or a random key kept in
//! `SECRET_KEY_FILE` (made at the first start, readable by its owner only).
//! Keyed hashes (HMAC-SHA-256) made with it turn a value stored in the
//! database into something only the server can make: a share link's token
//! from its random nonce, the cookie that says a share's password was given.
//! A copy of the database alone therefore opens nothing. Every replica must
//! use the same key (set `SECRET_KEY`).

use std::{io::Write, path::Path};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::config::{ConfigError, SecretKeySource};

/// HMAC-SHA-256 keyed once at start; each use works on a copy.
#[derive(Clone)]
pub struct SecretKey(Hmac<Sha256>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl SecretKey {
    pub fn load(source: &SecretKeySource) -> Result<Self, ConfigError> {
        match source {
            SecretKeySource::Value(key) => Self::new(key.as_bytes()),
            SecretKeySource::File(path) => Self::from_file(path),
        }
    }

    fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let fail = |reason: String| ConfigError::SecretKeyFile {
            path: path.to_owned(),
            reason,
        };
        match std::fs::read_to_string(path) {
            Ok(text) if text.trim().len() >= 32 => return Self::new(text.trim().as_bytes()),
            Ok(_) => return Err(fail("it holds fewer than 32 characters".into())),
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(fail(err.to_string()))
            }
            Err(_) => {}
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        }
        // Written whole to a file of our own, then linked into place: a
        // replica starting at the same moment sees no file or a whole one.
        let key = URL_SAFE_NO_PAD.encode(random_bytes::<32>());
        let temp = path.with_extension(format!("tmp-{}", hex_id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temp).and_then(|mut file| {
            file.write_all(key.as_bytes())?;
            file.sync_all()
        });
        let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
        let _ = std::fs::remove_file(&temp);
        match linked {
            Ok(()) => Self::new(key.as_bytes()),
            // Another process made it first: use theirs.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Self::from_file(path),
            Err(err) => Err(fail(err.to_string())),
        }
    }

    fn new(key: &[u8]) -> Result<Self, ConfigError> {
        <Hmac<Sha256> as Mac>::new_from_slice(key)
            .map(Self)
            .map_err(|_| ConfigError::SecretKey)
    }

    /// HMAC-SHA-256 of `parts` under this key, for the purpose `label`
    /// (so one use's value is never valid for another).
    pub fn sign(&self, label: &str, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(label.as_bytes());
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

fn hex_id() -> String {
    random_bytes::<8>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Bytes from the operating system's random number generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/secret.key");
        let first = SecretKey::load(&SecretKeySource::File(path.clone())).unwrap();
        let again = SecretKey::load(&SecretKeySource::File(path.clone())).unwrap();
        assert_eq!(first.sign("t", &[b"x"]), again.sign("t", &[b"x"]));
        assert_ne!(first.sign("t", &[b"x"]), first.sign("u", &[b"x"]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "short").unwrap();
        let err = SecretKey::load(&SecretKeySource::File(path)).unwrap_err();
        assert!(err.to_string().starts_with("SECRET_KEY_FILE "), "{err}");
    }
}
