//! Where media are stored: `MEDIA_STORE=file` (a folder, `MEDIA_ROOT`) or
//! `MEDIA_STORE=s3` (a bucket on any S3-compatible server, `S3_*`).

use std::path::{Path, PathBuf};

use super::{ConfigError, DEFAULT_MEDIA_ROOT};

#[derive(Clone, Debug)]
pub enum MediaStoreConfig {
    File { root: PathBuf },
    S3(S3Settings),
}

impl MediaStoreConfig {
    /// The folder, when media are kept in one.
    pub fn root(&self) -> Option<&Path> {
        match self {
            Self::File { root } => Some(root),
            Self::S3(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct S3Settings {
    /// `None`: AWS itself, at the region's endpoint.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
    /// Objects are named `<prefix>/<key>/<file>` (empty: no prefix).
    pub prefix: String,
    /// `bucket.host` URLs instead of `host/bucket` (path style, which every
    /// S3-compatible server takes, is the default).
    pub virtual_hosted: bool,
}

/// A value never printed.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Reads `MEDIA_STORE` and what it needs through `get(name, default)`.
pub(super) fn media_store(
    get: &impl Fn(&'static str, &str) -> Result<String, ConfigError>,
    boolean: &impl Fn(&'static str, bool) -> Result<bool, ConfigError>,
) -> Result<MediaStoreConfig, ConfigError> {
    match get("MEDIA_STORE", "file")?.as_str() {
        "file" => Ok(MediaStoreConfig::File {
            root: PathBuf::from(get("MEDIA_ROOT", DEFAULT_MEDIA_ROOT)?),
        }),
        "s3" => {
            let required = |name: &'static str| match get(name, "")? {
                value if value.is_empty() => Err(ConfigError::S3Missing { name }),
                value => Ok(value),
            };
            let endpoint = match get("S3_ENDPOINT", "")?.as_str() {
                "" => None,
                value => Some(
                    url::Url::parse(value)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
                        .map(|_| value.trim_end_matches('/').to_owned())
                        .ok_or_else(|| ConfigError::S3Endpoint {
                            value: value.to_owned(),
                        })?,
                ),
            };
            let prefix = get("S3_PREFIX", "")?;
            let prefix_ok = prefix.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
            if !prefix.is_empty() && !prefix_ok {
                return Err(ConfigError::S3Prefix { value: prefix });
            }
            Ok(MediaStoreConfig::S3(S3Settings {
                endpoint,
                bucket: required("S3_BUCKET")?,
                region: get("S3_REGION", "us-east-1")?,
                access_key_id: required("S3_ACCESS_KEY_ID")?,
                secret_access_key: Secret(required("S3_SECRET_ACCESS_KEY")?),
                prefix,
                virtual_hosted: boolean("S3_VIRTUAL_HOSTED", false)?,
            }))
        }
        other => Err(ConfigError::MediaStore {
            value: other.to_owned(),
        }),
    }
}
