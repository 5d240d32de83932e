//! Link tokens (share links, invitations). A token is the base64url HMAC,
//! under the server's secret key and for one purpose, of a 256-bit nonce
//! from the OS's random number generator. The database keeps the nonce and
//! the token's SHA-256, never the token: a visitor's token is found by its
//! hash, and the owner's page makes the link again from the nonce (which
//! needs the key).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};

use crate::server::secret::{random_bytes, SecretKey};

/// base64url of 32 bytes, without padding.
const TOKEN_CHARS: usize = 43;

pub struct Minted {
    pub token: String,
    pub nonce: String,
    pub hash: String,
}

/// What a token is for: a share link's token never opens an invitation.
#[derive(Clone, Copy)]
pub enum Purpose {
    Share,
    Invitation,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::Share => "share-token",
            Purpose::Invitation => "invitation-token",
        }
    }
}

pub fn mint(key: &SecretKey, purpose: Purpose) -> Minted {
    let nonce = hex(&random_bytes::<32>());
    let token = derive(key, purpose, &nonce);
    let hash = hash(&token);
    Minted { token, nonce, hash }
}

/// The token of `nonce` under `key`, for `purpose`.
pub fn derive(key: &SecretKey, purpose: Purpose, nonce: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.sign(purpose.label(), &[nonce.as_bytes()]))
}

pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `token` has a token's shape (checked before any query).
pub fn is_well_formed(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::SecretKeySource;

    #[test]
    fn tokens_are_made_again_only_with_the_key() {
        let key = SecretKey::load(&SecretKeySource::Value("k".repeat(32))).unwrap();
        let other = SecretKey::load(&SecretKeySource::Value("o".repeat(32))).unwrap();
        let minted = mint(&key, Purpose::Share);
        assert!(is_well_formed(&minted.token), "{}", minted.token);
        assert_eq!(derive(&key, Purpose::Share, &minted.nonce), minted.token);
        assert_ne!(derive(&other, Purpose::Share, &minted.nonce), minted.token);
        assert_ne!(
            derive(&key, Purpose::Invitation, &minted.nonce),
            minted.token
        );
        assert_eq!(hash(&minted.token), minted.hash);
        assert_ne!(mint(&key, Purpose::Share).token, minted.token);
        assert!(!is_well_formed("short"));
        assert!(!is_well_formed(&format!("{}/", &minted.token[..42])));
    }
}
