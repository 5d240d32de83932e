//! Configuration from the environment (and a `.env` file, loaded in `main`).
//!
//! Every value has a default that runs the app locally on SQLite. A bad value
//! is reported as one sentence naming the variable; see [`ConfigError`].

mod media;

pub use media::{MediaStoreConfig, S3Settings, Secret};

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/cloudtalents.db?mode=rwc";
pub const DEFAULT_MEDIA_ROOT: &str = "data/media";
pub const DEFAULT_SITE_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_SECRET_KEY_FILE: &str = "data/secret.key";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL is not a usable database URL ({reason}); expected sqlite://PATH or postgres://USER@HOST/DB")]
    DatabaseUrl { reason: String },
    #[error(
        "LEPTOS_SITE_ADDR must be an IP address and port such as 127.0.0.1:3000, got {value:?}"
    )]
    SiteAddr { value: String },
    #[error("MEDIA_ROOT {path:?} is not a writable directory: {reason}")]
    MediaRoot { path: PathBuf, reason: String },
    #[error("PUBLIC_URL must be the http(s) address people use to reach the app, such as https://gallery.example.com, got {value:?}")]
    PublicUrl { value: String },
    #[error("{name} must be a duration such as 14days or 12h, got {value:?}")]
    Duration { name: &'static str, value: String },
    #[error("{name} must be true or false, got {value:?}")]
    Bool { name: &'static str, value: String },
    #[error("TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges (10.0.0.0/8), got {value:?}")]
    TrustedProxies { value: String },
    #[error("{name} must be a whole number, got {value:?}")]
    Number { name: &'static str, value: String },
    #[error("MEDIA_ACCEL_REDIRECT must be a path that starts and ends with /, such as /protected-media/, got {value:?}")]
    AccelRedirect { value: String },
    #[error("SECRET_KEY must be at least 32 characters (e.g. `openssl rand -hex 32`)")]
    SecretKey,
    #[error("SECRET_KEY_FILE {path:?} cannot be used: {reason}")]
    SecretKeyFile { path: PathBuf, reason: String },
    #[error("SHARE_DEFAULT_DAYS must not be more than SHARE_MAX_DAYS ({default} > {max})")]
    ShareDays { default: u64, max: u64 },
    #[error("SHARE_URL must be the http(s) address share links are opened at, such as https://photos.example.com, got {value:?}")]
    ShareUrl { value: String },
    #[error("MEDIA_SWEEP_GRACE must be at least 1m (the sweep runs on every replica and must not take an upload under way), got {value:?}")]
    SweepGrace { value: String },
    #[error(
        "MEDIA_STORE must be file (a folder, MEDIA_ROOT) or s3 (a bucket, S3_*), got {value:?}"
    )]
    MediaStore { value: String },
    #[error("{name} must be set when MEDIA_STORE=s3")]
    S3Missing { name: &'static str },
    #[error("S3_ENDPOINT must be the http(s) address of the S3 server, such as http://127.0.0.1:8333, got {value:?}")]
    S3Endpoint { value: String },
    #[error("S3_PREFIX must be path segments of letters, digits, '-', '_' and '.', such as cloudtalents/media, got {value:?}")]
    S3Prefix { value: String },
    #[error("SIGNUP must be open, invite or closed, got {value:?}")]
    Signup { value: String },
    #[error("SIGNUP_LIMIT must be a whole number of sign-ups per address per hour, or unlimited, got {value:?}")]
    SignupLimit { value: String },
    #[error("DEFAULT_QUOTA must be a size such as 2GB or 500MiB, or unlimited, got {value:?}")]
    Quota { value: String },
    #[error("{name} is not valid UTF-8")]
    NotUnicode { name: &'static str },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// The database URL with the kind already checked. Its `Debug`/`Display`
/// hide any password so it can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    kind: DatabaseKind,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let parsed = url::Url::parse(raw).map_err(|e| ConfigError::DatabaseUrl {
            reason: e.to_string(),
        })?;
        let kind = match parsed.scheme() {
            "sqlite" => DatabaseKind::Sqlite,
            "postgres" | "postgresql" => DatabaseKind::Postgres,
            other => {
                return Err(ConfigError::DatabaseUrl {
                    reason: format!("unsupported scheme {other:?}"),
                })
            }
        };
        if kind == DatabaseKind::Postgres && parsed.host_str().unwrap_or("").is_empty() {
            return Err(ConfigError::DatabaseUrl {
                reason: "no host given".into(),
            });
        }
        Ok(Self {
            url: raw.to_owned(),
            kind,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    pub fn kind(&self) -> &DatabaseKind {
        &self.kind
    }

    /// The file of a `sqlite://` URL, if it names one (not `:memory:`).
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        if self.kind != DatabaseKind::Sqlite {
            return None;
        }
        let rest = self.url.strip_prefix("sqlite://")?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    /// The URL with the password replaced, for messages and logs.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                u.to_string()
            }
            _ => self.url.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: DatabaseUrl,
    /// Where image files are stored.
    pub media: MediaStoreConfig,
    pub site_addr: SocketAddr,
    /// Origin (`scheme://host[:port]`) browsers use to reach the app; state-
    /// changing requests from any other origin are refused.
    pub public_origin: String,
    /// Session cookie only over https. Defaults to PUBLIC_URL being https.
    pub cookie_secure: bool,
    pub session_idle_timeout: Duration,
    pub session_absolute_lifetime: Duration,
    /// How often expired sessions are deleted.
    pub session_cleanup_period: Duration,
    /// How old a stored file without a row must be before the sweep removes
    /// it (younger ones may be an upload under way elsewhere).
    pub media_sweep_grace: Duration,
    /// How long trashed images are kept before the purge deletes them
    /// (`TRASH_DAYS`, whole days).
    pub trash_retention: Duration,
    /// How long the activity log keeps an entry (`AUDIT_DAYS`, whole days).
    pub audit_retention: Duration,
    /// Every user must turn on two-factor login (`REQUIRE_2FA`): one
    /// without it is sent to the setup page until they do.
    pub require_two_factor: bool,
    /// Peers whose `X-Forwarded-For` is believed (the nginx in front, a
    /// TLS terminator before it): addresses (as /32 or /128) or ranges.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub uploads: UploadLimits,
    /// Keep each upload's original file beside the re-encoded copies.
    pub keep_originals: bool,
    /// When set (e.g. `/protected-media/`), media responses carry
    /// `X-Accel-Redirect: <prefix><key>/<file>` and no body: nginx sends the
    /// bytes from its `internal` location (for S3, from the presigned URL
    /// the app gives in `X-Media-Url`).
    pub media_accel_redirect: Option<String>,
    /// How many images may be decoded and resized at once.
    pub image_workers: usize,
    /// `SECRET_KEY`, else the key kept in `SECRET_KEY_FILE`.
    pub secret_key: SecretKeySource,
    pub shares: ShareSettings,
    /// Bytes each user may store unless given their own quota; `None`:
    /// no limit.
    pub default_quota: Option<u64>,
    /// Who may sign up; `None` (SIGNUP unset): anyone while there is no
    /// user yet, then by invitation.
    pub signup: Option<SignupMode>,
    /// Sign-ups (without an invitation) per address per hour; `None`: no
    /// limit.
    pub signup_limit: Option<u32>,
}

/// `SIGNUP`: who may make an account at `/register/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignupMode {
    Open,
    /// With a valid invitation link only.
    Invite,
    /// Nobody: admins use `create-user`.
    Closed,
}

/// Where the server's secret key comes from (see `server::secret`).
#[derive(Clone)]
pub enum SecretKeySource {
    Value(String),
    /// Made (random) at the first start when missing.
    File(PathBuf),
}

impl std::fmt::Debug for SecretKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Value(_) => f.write_str("SECRET_KEY=***"),
            Self::File(path) => write!(f, "SECRET_KEY_FILE={path:?}"),
        }
    }
}

/// Share links: the expiry offered first, the longest allowed (`None`:
/// links may never expire), and the origin links are made for.
#[derive(Clone, Debug)]
pub struct ShareSettings {
    pub default_days: Option<u64>,
    pub max_days: Option<u64>,
    pub origin: String,
}

#[derive(Clone, Copy, Debug)]
pub struct UploadLimits {
    pub max_bytes: u64,
    pub max_width: u32,
    pub max_height: u32,
    pub max_pixels: u64,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(std::env::var)
    }

    /// Reads the configuration through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<String, std::env::VarError>,
    ) -> Result<Self, ConfigError> {
        let get = |name: &'static str, default: &str| match lookup(name) {
            Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(default.to_owned()),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode { name }),
        };
        let database_url = DatabaseUrl::parse(&get("DATABASE_URL", DEFAULT_DATABASE_URL)?)?;
        let site_addr_raw = get("LEPTOS_SITE_ADDR", DEFAULT_SITE_ADDR)?;
        let site_addr = site_addr_raw.parse().map_err(|_| ConfigError::SiteAddr {
            value: site_addr_raw,
        })?;
        let public_url_raw = get("PUBLIC_URL", &format!("http://{site_addr}"))?;
        let public_origin = parse_origin(&public_url_raw).ok_or(ConfigError::PublicUrl {
            value: public_url_raw,
        })?;
        let boolean = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(name, "")?.as_str() {
                "" => Ok(default),
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" => Ok(false),
                other => Err(ConfigError::Bool {
                    name,
                    value: other.to_owned(),
                }),
            }
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            let value = get(name, &default.to_string())?;
            value
                .replace('_', "")
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError::Number { name, value })
        };
        let cookie_secure = boolean("COOKIE_SECURE", public_origin.starts_with("https://"))?;
        let uploads = UploadLimits {
            max_bytes: number("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)?,
            max_width: number("MAX_IMAGE_WIDTH", 20_000)?.min(u32::MAX as u64) as u32,
            max_height: number("MAX_IMAGE_HEIGHT", 20_000)?.min(u32::MAX as u64) as u32,
            max_pixels: number("MAX_IMAGE_PIXELS", 50_000_000)?,
        };
        let keep_originals = boolean("KEEP_ORIGINALS", false)?;
        let media = media::media_store(&get, &boolean)?;
        let media_accel_redirect = match get("MEDIA_ACCEL_REDIRECT", "")?.as_str() {
            "" => None,
            p if p.starts_with('/') && p.ends_with('/') && !p.contains("..") => Some(p.to_owned()),
            other => {
                return Err(ConfigError::AccelRedirect {
                    value: other.to_owned(),
                })
            }
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        let image_workers = number("IMAGE_WORKERS", cores)? as usize;
        let any_duration = |name: &'static str, default: &str| -> Result<Duration, ConfigError> {
            let value = get(name, default)?;
            humantime::parse_duration(&value).map_err(|_| ConfigError::Duration { name, value })
        };
        let duration = |name: &'static str, default: &str| -> Result<Duration, ConfigError> {
            let value = any_duration(name, default)?;
            if value.is_zero() {
                return Err(ConfigError::Duration {
                    name,
                    value: get(name, default)?,
                });
            }
            Ok(value)
        };
        let session_idle_timeout = duration("SESSION_IDLE_TIMEOUT", "14days")?;
        let session_absolute_lifetime = duration("SESSION_ABSOLUTE_LIFETIME", "30days")?;
        let session_cleanup_period = duration("SESSION_CLEANUP_PERIOD", "1h")?;
        let media_sweep_grace = any_duration("MEDIA_SWEEP_GRACE", "10m")?;
        if media_sweep_grace < Duration::from_secs(60) {
            return Err(ConfigError::SweepGrace {
                value: get("MEDIA_SWEEP_GRACE", "")?,
            });
        }
        let trash_retention = Duration::from_secs(number("TRASH_DAYS", 30)?.min(36_500) * 86_400);
        let audit_retention = Duration::from_secs(number("AUDIT_DAYS", 90)?.min(36_500) * 86_400);
        let require_two_factor = boolean("REQUIRE_2FA", false)?;
        let proxies_raw = get("TRUSTED_PROXIES", "")?;
        let trusted_proxies = proxies_raw
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(ipnet::IpNet::from))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ConfigError::TrustedProxies { value: proxies_raw })?;
        let secret_key = match get("SECRET_KEY", "")?.as_str() {
            "" => SecretKeySource::File(PathBuf::from(get(
                "SECRET_KEY_FILE",
                DEFAULT_SECRET_KEY_FILE,
            )?)),
            key if key.chars().count() >= 32 => SecretKeySource::Value(key.to_owned()),
            _ => return Err(ConfigError::SecretKey),
        };
        // 0 or "never": no limit / links never expire by default.
        let days = |name: &'static str, default: &str| -> Result<Option<u64>, ConfigError> {
            match get(name, default)?.as_str() {
                "never" | "0" => Ok(None),
                value => value
                    .parse::<u64>()
                    .map(|d| Some(d.min(36_500)))
                    .map_err(|_| ConfigError::Number {
                        name,
                        value: value.to_owned(),
                    }),
            }
        };
        let max_days = days("SHARE_MAX_DAYS", "never")?;
        let default_days = match get("SHARE_DEFAULT_DAYS", "")?.as_str() {
            // 30 days, or the maximum when that is shorter.
            "" => Some(max_days.map_or(30, |max| max.min(30))),
            _ => days("SHARE_DEFAULT_DAYS", "30")?.or(max_days),
        };
        if let (Some(default), Some(max)) = (default_days, max_days) {
            if default > max {
                return Err(ConfigError::ShareDays { default, max });
            }
        }
        let share_url_raw = get("SHARE_URL", &public_origin)?;
        let shares = ShareSettings {
            default_days,
            max_days,
            origin: parse_origin(&share_url_raw).ok_or(ConfigError::ShareUrl {
                value: share_url_raw,
            })?,
        };
        let default_quota =
            parse_quota(&get("DEFAULT_QUOTA", "unlimited")?).ok_or_else(|| ConfigError::Quota {
                value: get("DEFAULT_QUOTA", "").unwrap_or_default(),
            })?;
        let signup = match get("SIGNUP", "")?.to_ascii_lowercase().as_str() {
            "" => None,
            "open" => Some(SignupMode::Open),
            "invite" => Some(SignupMode::Invite),
            "closed" => Some(SignupMode::Closed),
            other => {
                return Err(ConfigError::Signup {
                    value: other.to_owned(),
                })
            }
        };
        let signup_limit = match get("SIGNUP_LIMIT", "10")?.to_ascii_lowercase().as_str() {
            "unlimited" | "0" => None,
            value => Some(value.parse::<u32>().map_err(|_| ConfigError::SignupLimit {
                value: value.to_owned(),
            })?),
        };
        Ok(Self {
            signup_limit,
            signup,
            default_quota,
            secret_key,
            shares,
            database_url,
            media,
            site_addr,
            public_origin,
            cookie_secure,
            session_idle_timeout,
            session_absolute_lifetime,
            session_cleanup_period,
            media_sweep_grace,
            trash_retention,
            audit_retention,
            require_two_factor,
            trusted_proxies,
            uploads,
            keep_originals,
            media_accel_redirect,
            image_workers,
        })
    }
}

/// A quota as people write it: `2GB`, `500 MiB`, `1073741824`; `unlimited`
/// (or `none`) is no limit. `None` when it is not a size.
pub fn parse_quota(raw: &str) -> Option<Option<u64>> {
    let raw = raw.trim();
    if ["unlimited", "none"]
        .iter()
        .any(|w| raw.eq_ignore_ascii_case(w))
    {
        return Some(None);
    }
    let raw = raw.replace('_', "");
    // "100 bytes" as well as "100 B".
    let raw = match raw.strip_suffix("bytes") {
        Some(number) => format!("{number}B"),
        None => raw,
    };
    raw.parse::<bytesize::ByteSize>()
        .ok()
        .map(|size| Some(size.as_u64()))
}

/// `scheme://host[:port]` of an http(s) URL, as browsers send it in `Origin`.
fn parse_origin(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// Creates the media directory if needed and proves it is writable by
/// writing and removing a probe file, so a bad mount fails at start rather
/// than on the first upload.
pub fn ensure_media_root(path: &Path) -> Result<(), ConfigError> {
    let fail = |reason: String| ConfigError::MediaRoot {
        path: path.to_owned(),
        reason,
    };
    std::fs::create_dir_all(path).map_err(|e| fail(e.to_string()))?;
    let probe = path.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| fail(e.to_string()))?;
    std::fs::remove_file(&probe).map_err(|e| fail(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<&str, String> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Config::from_lookup(|name| map.get(name).cloned().ok_or(std::env::VarError::NotPresent))
    }

    #[test]
    fn defaults_run_on_sqlite_under_data() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url.kind(), &DatabaseKind::Sqlite);
        assert_eq!(
            c.database_url.sqlite_file(),
            Some(PathBuf::from("data/cloudtalents.db"))
        );
        assert_eq!(c.media.root(), Some(Path::new("data/media")));
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_origin, "http://127.0.0.1:3000");
        assert!(!c.cookie_secure);
        assert_eq!(c.session_idle_timeout, Duration::from_secs(14 * 86_400));
        assert_eq!(c.session_cleanup_period, Duration::from_secs(3600));
        assert_eq!(c.media_sweep_grace, Duration::from_secs(600));
        assert_eq!(c.trash_retention, Duration::from_secs(30 * 86_400));
        assert_eq!(c.audit_retention, Duration::from_secs(90 * 86_400));
        assert!(!c.require_two_factor);
        assert!(c.trusted_proxies.is_empty());
        assert_eq!(c.uploads.max_bytes, 20 * 1024 * 1024);
        assert_eq!(c.uploads.max_pixels, 50_000_000);
        assert!(!c.keep_originals);
        assert_eq!(c.media_accel_redirect, None);
        assert_eq!(c.signup, None);
        assert_eq!(c.signup_limit, Some(10));
        assert_eq!(
            config(&[("SIGNUP_LIMIT", "unlimited")])
                .unwrap()
                .signup_limit,
            None
        );
        assert_eq!(
            config(&[("SIGNUP", "Invite")]).unwrap().signup,
            Some(SignupMode::Invite)
        );
        assert_eq!(c.shares.default_days, Some(30));
        assert_eq!(c.shares.max_days, None);
        assert_eq!(c.shares.origin, "http://127.0.0.1:3000");
        assert!(
            matches!(c.secret_key, SecretKeySource::File(ref p) if p == Path::new("data/secret.key"))
        );
    }

    #[test]
    fn share_days_and_the_secret_key() {
        let c = config(&[("SHARE_MAX_DAYS", "7"), ("SHARE_DEFAULT_DAYS", "never")]).unwrap();
        assert_eq!(
            (c.shares.default_days, c.shares.max_days),
            (Some(7), Some(7))
        );
        let e = config(&[("SHARE_MAX_DAYS", "7"), ("SHARE_DEFAULT_DAYS", "30")]).unwrap_err();
        assert!(e.to_string().starts_with("SHARE_DEFAULT_DAYS "), "{e}");
        let key = "k".repeat(40);
        let c = config(&[("SECRET_KEY", &key)]).unwrap();
        assert!(!format!("{c:?}").contains(&key), "the key is never printed");
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = config(&[("PUBLIC_URL", "https://gallery.example.com/")]).unwrap();
        assert_eq!(c.public_origin, "https://gallery.example.com");
        assert!(c.cookie_secure);
        let c = config(&[
            ("PUBLIC_URL", "https://x.example"),
            ("COOKIE_SECURE", "false"),
        ])
        .unwrap();
        assert!(!c.cookie_secure);
        let c = config(&[("TRUSTED_PROXIES", "127.0.0.1, ::1, 10.1.0.0/16")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 3);
        assert!(c.trusted_proxies[2].contains(&"10.1.200.3".parse::<IpAddr>().unwrap()));
    }

    #[test]
    fn quotas_are_sizes_or_unlimited() {
        assert_eq!(config(&[]).unwrap().default_quota, None);
        for (raw, bytes) in [
            ("2GB", Some(2_000_000_000)),
            ("500 MiB", Some(500 * 1024 * 1024)),
            ("1_000_000", Some(1_000_000)),
            ("1.5gb", Some(1_500_000_000)),
            ("100 bytes", Some(100)),
            ("unlimited", None),
            ("None", None),
        ] {
            let c = config(&[("DEFAULT_QUOTA", raw)]).unwrap();
            assert_eq!(c.default_quota, bytes, "{raw}");
        }
    }

    #[test]
    fn postgres_url_is_accepted_and_its_password_never_printed() {
        let c = config(&[("DATABASE_URL", "postgres://app:s3cret@db:5432/cloudtalents")]).unwrap();
        assert_eq!(c.database_url.kind(), &DatabaseKind::Postgres);
        let shown = format!("{:?} {}", c.database_url, c.database_url);
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }

    #[test]
    fn bad_values_name_their_variable() {
        let e = config(&[("DATABASE_URL", "not a url")]).unwrap_err();
        assert!(e.to_string().starts_with("DATABASE_URL "), "{e}");
        let e = config(&[("DATABASE_URL", "mysql://x/y")]).unwrap_err();
        assert!(
            e.to_string().contains("unsupported scheme \"mysql\""),
            "{e}"
        );
        let e = config(&[("LEPTOS_SITE_ADDR", "localhost")]).unwrap_err();
        assert!(e.to_string().starts_with("LEPTOS_SITE_ADDR "), "{e}");
        for (name, value) in [
            ("PUBLIC_URL", "ftp://x"),
            ("COOKIE_SECURE", "maybe"),
            ("SESSION_IDLE_TIMEOUT", "soon"),
            ("SESSION_CLEANUP_PERIOD", "0s"),
            ("MEDIA_SWEEP_GRACE", "later"),
            ("MEDIA_ACCEL_REDIRECT", "/no-trailing-slash"),
            ("MEDIA_ACCEL_REDIRECT", "/a/../b/"),
            ("MAX_IMAGE_WIDTH", "0"),
            ("TRUSTED_PROXIES", "nginx"),
            ("TRUSTED_PROXIES", "10.0.0.0/33"),
            ("MAX_UPLOAD_BYTES", "20MB"),
            ("DEFAULT_QUOTA", "2 gigs"),
            ("DEFAULT_QUOTA", "-1"),
            ("SIGNUP", "anyone"),
            ("SIGNUP_LIMIT", "lots"),
            ("KEEP_ORIGINALS", "sometimes"),
            ("TRASH_DAYS", "0"),
            ("AUDIT_DAYS", "a quarter"),
            ("REQUIRE_2FA", "please"),
            ("MEDIA_ACCEL_REDIRECT", "protected"),
            ("SECRET_KEY", "short"),
            ("SHARE_MAX_DAYS", "a week"),
            ("SHARE_URL", "photos.example.com"),
            ("MEDIA_STORE", "nfs"),
            ("MEDIA_SWEEP_GRACE", "0s"),
        ] {
            let e = config(&[(name, value)]).unwrap_err();
            assert!(e.to_string().starts_with(name), "{e}");
        }
    }

    #[test]
    fn s3_settings_are_checked_and_the_secret_never_printed() {
        let s3 = |extra: &[(&'static str, &str)]| {
            let mut vars = vec![
                ("MEDIA_STORE", "s3"),
                ("S3_ENDPOINT", "http://127.0.0.1:8333/"),
                ("S3_BUCKET", "media"),
                ("S3_ACCESS_KEY_ID", "id"),
                ("S3_SECRET_ACCESS_KEY", "very-secret"),
            ];
            vars.extend_from_slice(extra);
            config(&vars)
        };
        let c = s3(&[("S3_PREFIX", "a/b-c")]).unwrap();
        let MediaStoreConfig::S3(settings) = &c.media else {
            panic!("not s3: {:?}", c.media)
        };
        assert_eq!(settings.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
        assert_eq!(settings.region, "us-east-1");
        assert_eq!(settings.prefix, "a/b-c");
        assert!(!format!("{c:?}").contains("very-secret"));
        for (name, value) in [
            ("S3_BUCKET", ""),
            ("S3_ACCESS_KEY_ID", ""),
            ("S3_SECRET_ACCESS_KEY", ""),
            ("S3_ENDPOINT", "127.0.0.1:8333"),
            ("S3_PREFIX", "../x"),
            ("S3_PREFIX", "a//b"),
            ("S3_VIRTUAL_HOSTED", "perhaps"),
        ] {
            let e = s3(&[(name, value)]).unwrap_err();
            assert!(e.to_string().starts_with(name), "{name}: {e}");
        }
    }

    #[test]
    fn media_root_must_be_writable() {
        let dir = tempfile::tempdir().unwrap();
        ensure_media_root(&dir.path().join("a/b")).unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let e = ensure_media_root(&file.join("media")).unwrap_err();
        assert!(e.to_string().starts_with("MEDIA_ROOT "), "{e}");
    }
}
