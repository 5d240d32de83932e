//! Password hashing (Argon2id) and the password rules.

use std::{
    collections::HashSet,
    io::Read,
    sync::{Arc, OnceLock},
    time::Duration,
};

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

use tokio::sync::Semaphore;

use crate::error::{AppError, FieldErrors};

/// A stored password hash (a PHC string). Deliberately neither `Debug` nor
/// `Serialize`: it cannot end up in a log line or a response by accident.
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    pub fn as_stored(&self) -> &str {
        &self.0
    }

    pub fn into_stored(self) -> String {
        self.0
    }
}

/// What a successful verification found out.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// The hash is current: keep it.
    Current,
    /// The password was right but the hash is of an older kind or weaker
    /// parameters: store a new hash of the same password.
    NeedsRehash,
}

/// OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Runs the password hashes of one server: each Argon2 call takes 19 MiB
/// and a core for ~50 ms, so at most `slots` run at once (on blocking
/// threads, never stalling the async workers). A call that finds them all
/// busy waits up to [`SLOT_WAIT`], then is refused with 503 and
/// `Retry-After`: a flood of logins or sign-ups cannot take the server's
/// memory and every core.
#[derive(Clone, Debug)]
pub struct Hashing {
    slots: Arc<Semaphore>,
}

/// How long a password check may wait for a free slot.
pub const SLOT_WAIT: Duration = Duration::from_secs(2);

impl Hashing {
    pub fn new(slots: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// Two per core.
    pub fn for_this_machine() -> Self {
        Self::new(2 * std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// The slots themselves (a test fills them to see the refusal).
    pub fn slots(&self) -> &Arc<Semaphore> {
        &self.slots
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(SLOT_WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| {
                tracing::warn!("every password hashing slot is busy: refused with 503");
                AppError::Busy {
                    retry_after_secs: SLOT_WAIT.as_secs() as u32,
                }
            })?
            .map_err(|e| AppError::internal("password hashing slots", e))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| AppError::internal("password hashing task failed", e))
    }

    pub async fn hash(&self, password: String) -> Result<PasswordHash, AppError> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Checks `password` against `stored` (see [`verify_blocking`]). `None`
    /// means wrong password (or an unusable hash).
    pub async fn verify(
        &self,
        password: String,
        stored: PasswordHash,
    ) -> Result<Option<Verified>, AppError> {
        self.run(move || verify_blocking(&password, &stored)).await
    }

    /// Checks a typed password against an account's stored hash. An empty or
    /// over-long password, or no account (`None`), is wrong after the same
    /// time as a real check, so timing tells none of them apart.
    pub async fn check(
        &self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<Option<Verified>, AppError> {
        match stored {
            Some(hash) if !password.is_empty() && password.chars().count() <= MAX_LENGTH => {
                let stored = PasswordHash::from_stored(hash.to_owned());
                self.verify(password.to_owned(), stored).await
            }
            _ => {
                self.verify_dummy(password.to_owned()).await?;
                Ok(None)
            }
        }
    }

    /// Spends the same time as checking a real password, so that "no such
    /// user" cannot be told from "wrong password" by timing.
    pub async fn verify_dummy(&self, password: String) -> Result<(), AppError> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        self.run(move || {
            let dummy = DUMMY.get_or_init(|| {
                hash_blocking("a password nobody has")
                    .map(PasswordHash::into_stored)
                    .unwrap_or_default()
            });
            verify_blocking(&password, &PasswordHash(dummy.clone()));
        })
        .await
    }
}

pub fn hash_blocking(password: &str) -> Result<PasswordHash, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| AppError::internal("password hashing failed", e))
}

/// Checks `password` against `stored`. Hash kinds are told apart by their
/// prefix: our Argon2id, and Django's `pbkdf2_sha256$…` from an imported
/// database (always `NeedsRehash`, so the first login replaces it).
pub fn verify_blocking(password: &str, stored: &PasswordHash) -> Option<Verified> {
    let stored = stored.as_stored();
    if stored.starts_with("$argon2") {
        let parsed = argon2::password_hash::PasswordHash::new(stored).ok()?;
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .ok()?;
        let wanted = argon2();
        let wanted = wanted.params();
        let current = parsed.algorithm == Algorithm::Argon2id.ident()
            && Params::try_from(&parsed).is_ok_and(|p| {
                (p.m_cost(), p.t_cost(), p.p_cost())
                    == (wanted.m_cost(), wanted.t_cost(), wanted.p_cost())
            });
        Some(if current {
            Verified::Current
        } else {
            Verified::NeedsRehash
        })
    } else if let Some(django) = stored.strip_prefix("pbkdf2_sha256$") {
        verify_django_pbkdf2(password, django).then_some(Verified::NeedsRehash)
    } else {
        // Django's unusable passwords ("!…") and anything unknown.
        None
    }
}

/// Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>` (the part
/// after the algorithm): PBKDF2-HMAC-SHA256 of the password with that salt
/// and iteration count, compared in constant time.
fn verify_django_pbkdf2(password: &str, encoded: &str) -> bool {
    use base64::Engine;
    use subtle::ConstantTimeEq;
    let mut parts = encoded.splitn(3, '$');
    let (Some(iterations), Some(salt), Some(expected)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Ok(iterations) = iterations.parse::<u32>() else {
        return false;
    };
    // Django never used fewer than 10 000; a huge count would be a cheap
    // way to make the server spin.
    if !(1_000..=10_000_000).contains(&iterations) {
        return false;
    }
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(expected) else {
        return false;
    };
    if expected.is_empty() || expected.len() > 64 {
        return false;
    }
    let mut derived = vec![0u8; expected.len()];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
        password.as_bytes(),
        salt.as_bytes(),
        iterations,
        &mut derived,
    );
    derived.ct_eq(&expected).into()
}

pub const MIN_LENGTH: usize = 8;
/// Longer input is refused before hashing: nobody needs it, and it would
/// only cost CPU.
pub const MAX_LENGTH: usize = 1024;

/// The password rules. Messages follow Django's, which the old app's users
/// know.
pub fn validate(password: &str, username: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let len = password.chars().count();
    if len == 0 {
        errors.add("password", "Please enter a password.");
        return errors;
    }
    if len > MAX_LENGTH {
        errors.add(
            "password",
            format!("This password is too long (at most {MAX_LENGTH} characters)."),
        );
        return errors;
    }
    if len < MIN_LENGTH {
        errors.add(
            "password",
            format!(
                "This password is too short. It must contain at least {MIN_LENGTH} characters."
            ),
        );
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        errors.add("password", "This password is entirely numeric.");
    }
    if too_similar(password, username) {
        errors.add("password", "The password is too similar to the username.");
    }
    if is_common(password) {
        errors.add("password", "This password is too common.");
    }
    errors
}

/// Like Django's UserAttributeSimilarityValidator: the password is too
/// similar when it contains the username (or a part of it) or the other way
/// round, or when the two are nearly the same string.
fn too_similar(password: &str, username: &str) -> bool {
    let password = password.to_lowercase();
    let username = username.to_lowercase();
    if username.is_empty() {
        return false;
    }
    let parts = std::iter::once(username.as_str())
        .chain(username.split(|c: char| !c.is_alphanumeric()))
        .filter(|p| p.chars().count() >= 3);
    for part in parts {
        if password.contains(part) || (password.chars().count() >= 3 && part.contains(&password)) {
            return true;
        }
        if strsim::normalized_levenshtein(&password, part) >= 0.7 {
            return true;
        }
    }
    false
}

/// The 20 000 most common passwords (Django's list), lowercased.
fn common_passwords() -> &'static HashSet<String> {
    static LIST: OnceLock<HashSet<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        let gz: &[u8] = include_bytes!("../../../assets/common-passwords.txt.gz");
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .expect("the bundled common password list is valid gzip");
        text.lines().map(|l| l.trim().to_lowercase()).collect()
    })
}

pub fn is_common(password: &str) -> bool {
    common_passwords().contains(&password.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(password: &str, username: &str) -> Vec<String> {
        validate(password, username)
            .fields
            .into_iter()
            .map(|(_, m)| m)
            .collect()
    }

    #[test]
    fn the_list_has_twenty_thousand_entries() {
        // 20 000 lines; 19 729 distinct once case is ignored.
        assert_eq!(common_passwords().len(), 19_729);
        assert!(is_common("password"));
        assert!(is_common("Qwerty"));
        assert!(!is_common("violet-otter-tangent-42"));
    }

    #[test]
    fn rules() {
        assert!(messages("violet-otter-tangent-42", "ada").is_empty());
        assert_eq!(messages("", "ada"), ["Please enter a password."]);
        assert!(messages("short1!", "ada")[0].contains("too short"));
        assert!(messages("84736251947", "ada")
            .contains(&"This password is entirely numeric.".to_owned()));
        assert!(messages("password", "ada").contains(&"This password is too common.".to_owned()));
        assert!(messages("lovelace-1815", "ada.lovelace")
            .contains(&"The password is too similar to the username.".to_owned()));
        assert!(messages("Ada_Lovelace1", "ada_lovelace")
            .contains(&"The password is too similar to the username.".to_owned()));
        assert!(messages(&"x".repeat(10_000), "ada")[0].contains("too long"));
    }

    #[test]
    fn hash_then_verify() {
        let hash = hash_blocking("violet-otter-tangent-42").unwrap();
        assert!(hash
            .as_stored()
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify_blocking("violet-otter-tangent-42", &hash),
            Some(Verified::Current)
        );
        assert_eq!(verify_blocking("violet-otter-tangent-43", &hash), None);
        // Weaker parameters verify, and ask for a rehash.
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw-12345678", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert_eq!(
            verify_blocking("pw-12345678", &PasswordHash::from_stored(weak)),
            Some(Verified::NeedsRehash)
        );
        // Unusable (Django's "!…") and unknown formats never verify.
        assert_eq!(
            verify_blocking("", &PasswordHash::from_stored("!x".into())),
            None
        );
    }

    #[test]
    fn django_pbkdf2_hashes_verify_and_ask_for_a_rehash() {
        // Made with Django's algorithm: PBKDF2-HMAC-SHA256, base64 of 32 bytes.
        use base64::Engine;
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"s3cret-passw0rd", b"NaClNaCl", 1000, &mut out);
        let stored = format!(
            "pbkdf2_sha256$1000$NaClNaCl${}",
            base64::engine::general_purpose::STANDARD.encode(out)
        );
        let hash = PasswordHash::from_stored(stored);
        assert_eq!(
            verify_blocking("s3cret-passw0rd", &hash),
            Some(Verified::NeedsRehash)
        );
        assert_eq!(verify_blocking("s3cret-passw0rd!", &hash), None);
        for broken in [
            "pbkdf2_sha256$abc$NaClNaCl$AAAA",
            "pbkdf2_sha256$1000$NaClNaCl",
            "pbkdf2_sha256$1000$NaClNaCl$not base64!",
            "pbkdf2_sha256$99999999999$NaClNaCl$AAAA",
            "pbkdf2_sha1$1000$NaClNaCl$AAAA",
        ] {
            let hash = PasswordHash::from_stored(broken.into());
            assert_eq!(verify_blocking("s3cret-passw0rd", &hash), None, "{broken}");
        }
    }
}
