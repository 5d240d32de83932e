//! Where image files live: a folder (the default) or any S3-compatible
//! bucket, both through `object_store`, so every caller (uploads, serving,
//! ZIPs, the sweep, purge, import) has one code path. Objects are named
//! `[<prefix>/]<key>/<file>`: the key is server-made, one per image, and the
//! file names are the pipeline's (`display.jpg`, …), never the uploader's.

use std::{sync::Arc, time::Duration, time::SystemTime};

use bytes::Bytes;
use futures_util::{stream::BoxStream, StreamExt, TryStreamExt};
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, multipart::MultipartStore, path::Path, Attribute,
    Attributes, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions,
};

use crate::server::config::{MediaStoreConfig, S3Settings};

pub use object_store::Error as StoreError;
pub type StoreResult<T> = Result<T, StoreError>;

/// Objects larger than this go up as a multipart upload, in parts of this
/// size (S3 wants at least 5 MiB per part but the last), one at a time.
const MULTIPART_PART: usize = 8 * 1024 * 1024;

/// How long a presigned media URL works: long enough for nginx to use it at
/// once, too short to be worth leaking.
pub const PRESIGNED_TTL: Duration = Duration::from_secs(60);

/// A key is 32 lowercase hex digits (a UUID without dashes).
pub fn is_valid_key(key: &str) -> bool {
    key.len() == 32
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// File names are ours: `[a-z0-9-]+.[a-z]+`.
pub fn is_valid_file_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && !ext.is_empty()
                && stem
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && ext.bytes().all(|b| b.is_ascii_lowercase())
        }
        None => false,
    }
}

/// The media store: an object store, and for S3 the signer of the short-lived
/// URLs nginx fetches bytes with (the bucket itself stays private).
#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    signer: Option<Arc<dyn object_store::signer::Signer>>,
    /// S3 only: aborts multipart uploads a crash left open.
    multipart: Option<Arc<dyn MultipartStore>>,
    prefix: Option<Path>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({})", self.store)
    }
}

impl MediaStore {
    pub fn from_config(config: &MediaStoreConfig) -> StoreResult<Self> {
        match config {
            MediaStoreConfig::File { root } => Self::folder(root),
            MediaStoreConfig::S3(s3) => Self::s3(s3),
        }
    }

    /// Files under `root`, which must exist. Writes go to a temporary file
    /// renamed into place, so a reader never sees half a file.
    pub fn folder(root: &std::path::Path) -> StoreResult<Self> {
        let store = LocalFileSystem::new_with_prefix(root)?.with_automatic_cleanup(true);
        Ok(Self::new(Arc::new(store), None, None))
    }

    pub fn s3(settings: &S3Settings) -> StoreResult<Self> {
        // reqwest's rustls is built without a provider: use ring, as the
        // rest of the app does. An error means one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(settings.secret_access_key.expose())
            .with_virtual_hosted_style_request(settings.virtual_hosted);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let s3 = Arc::new(builder.build()?);
        let prefix = (!settings.prefix.is_empty()).then(|| Path::from(settings.prefix.as_str()));
        let mut store = Self::new(s3.clone(), Some(s3.clone()), prefix);
        store.multipart = Some(s3);
        Ok(store)
    }

    /// Any object store (tests wrap one to inject failures).
    pub fn new(
        store: Arc<dyn ObjectStore>,
        signer: Option<Arc<dyn object_store::signer::Signer>>,
        prefix: Option<Path>,
    ) -> Self {
        Self {
            store,
            signer,
            multipart: None,
            prefix,
        }
    }

    /// One cheap request, so a wrong endpoint, bucket or key fails at start
    /// rather than at the first upload.
    pub async fn check(&self) -> StoreResult<()> {
        self.store.list_with_delimiter(self.prefix.as_ref()).await?;
        Ok(())
    }

    /// The store for messages: its kind and place, never a credential.
    pub fn describe(&self) -> String {
        self.store.to_string()
    }

    /// Whether the bytes are in a bucket that nginx fetches through a
    /// presigned URL (rather than a folder it reads).
    pub fn is_remote(&self) -> bool {
        self.signer.is_some()
    }

    fn key_path(&self, key: &str) -> StoreResult<Path> {
        if !is_valid_key(key) {
            return Err(invalid("bad media key"));
        }
        Ok(match &self.prefix {
            Some(prefix) => prefix.clone().join(key),
            None => Path::from(key),
        })
    }

    fn path(&self, key: &str, name: &str) -> StoreResult<Path> {
        if !is_valid_file_name(name) {
            return Err(invalid("bad media file name"));
        }
        Ok(self.key_path(key)?.join(name))
    }

    /// Stores one file, all or nothing: a single PUT, or for a large file a
    /// multipart upload that is aborted if any part fails. (One a crash
    /// leaves open is no object, so no reader sees it; its parts take space
    /// until the bucket's AbortIncompleteMultipartUpload rule drops them.)
    pub async fn put(&self, key: &str, name: &str, bytes: Vec<u8>) -> StoreResult<()> {
        let path = self.path(key, name)?;
        // A bucket keeps the Content-Type; a folder has nowhere to (and
        // refuses attributes).
        let mut attributes = Attributes::new();
        if self.is_remote() {
            attributes.insert(Attribute::ContentType, content_type(name).into());
        }
        let bytes = Bytes::from(bytes);
        if bytes.len() <= MULTIPART_PART {
            let options = PutOptions {
                attributes,
                ..Default::default()
            };
            self.store.put_opts(&path, bytes.into(), options).await?;
            return Ok(());
        }
        let options = PutMultipartOptions {
            attributes,
            ..Default::default()
        };
        let mut upload = self.store.put_multipart_opts(&path, options).await?;
        let result = async {
            for start in (0..bytes.len()).step_by(MULTIPART_PART) {
                let end = (start + MULTIPART_PART).min(bytes.len());
                upload.put_part(bytes.slice(start..end).into()).await?;
            }
            upload.complete().await
        }
        .await;
        if let Err(err) = result {
            if let Err(abort) = upload.abort().await {
                tracing::error!(%abort, %path, "aborting a failed multipart upload failed");
            }
            return Err(err);
        }
        Ok(())
    }

    /// The file's bytes, or `None` when it does not exist.
    pub async fn get(&self, key: &str, name: &str) -> StoreResult<Option<Bytes>> {
        match self.store.get(&self.path(key, name)?).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The file's size and a stream of its bytes, or `None`.
    pub async fn open(
        &self,
        key: &str,
        name: &str,
    ) -> StoreResult<Option<(u64, BoxStream<'static, StoreResult<Bytes>>)>> {
        match self.store.get(&self.path(key, name)?).await {
            Ok(result) => Ok(Some((result.meta.size, result.into_stream()))),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A URL that GETs the file for [`PRESIGNED_TTL`], with the response
    /// headers given in `overrides` (`response-content-disposition`, …);
    /// `None` for a folder.
    pub async fn presigned_get(
        &self,
        key: &str,
        name: &str,
        overrides: &[(&str, &str)],
    ) -> StoreResult<Option<url::Url>> {
        let Some(signer) = &self.signer else {
            return Ok(None);
        };
        let options = object_store::signer::SignedUrlOptions::new()
            .with_query(overrides.iter().map(|(k, v)| (*k, *v)));
        let url = signer
            .signed_url_opts(
                http::Method::GET,
                &self.path(key, name)?,
                PRESIGNED_TTL,
                &options,
            )
            .await?;
        Ok(Some(url))
    }

    /// Aborts the multipart uploads under our prefix that were started more
    /// than `grace` ago and are still open (a crash mid-upload leaves them;
    /// no reader sees one, but S3 keeps its parts). Answers how many. At
    /// most 1 000 a call (one page of S3's list); a folder has none.
    pub async fn abort_stale_uploads(&self, grace: Duration) -> StoreResult<usize> {
        let (Some(signer), Some(multipart)) = (&self.signer, &self.multipart) else {
            return Ok(0);
        };
        let prefix = self
            .prefix
            .as_ref()
            .map_or(String::new(), |p| format!("{p}/"));
        // ListMultipartUploads is a GET on the bucket: presign it as
        // object_store would sign any request, and send it ourselves.
        let options = object_store::signer::SignedUrlOptions::new()
            .with_query([("uploads", ""), ("prefix", prefix.as_str())]);
        let url = signer
            .signed_url_opts(http::Method::GET, &Path::default(), PRESIGNED_TTL, &options)
            .await?;
        let generic = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Generic {
            store: "media",
            source,
        };
        let client = reqwest13::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| generic(Box::new(e)))?;
        let body = client
            .get(url)
            .send()
            .await
            .and_then(|res| res.error_for_status())
            .map_err(|e| generic(Box::new(e.without_url())))?
            .text()
            .await
            .map_err(|e| generic(Box::new(e.without_url())))?;
        let listing: UploadList =
            quick_xml::de::from_str(&body).map_err(|e| generic(Box::new(e)))?;
        let Some(started_before) = chrono::TimeDelta::from_std(grace)
            .ok()
            .and_then(|grace| chrono::Utc::now().checked_sub_signed(grace))
        else {
            return Ok(0);
        };
        let mut aborted = 0;
        for upload in listing.uploads {
            let started = chrono::DateTime::parse_from_rfc3339(&upload.initiated)
                .map_err(|e| generic(Box::new(e)))?;
            if started <= started_before {
                multipart
                    .abort_multipart(&Path::from(upload.key.as_str()), &upload.upload_id)
                    .await?;
                aborted += 1;
            }
        }
        Ok(aborted)
    }

    /// The bytes all files of `key` take (0 when there are none).
    pub async fn stored_size(&self, key: &str) -> StoreResult<u64> {
        let prefix = self.key_path(key)?;
        self.store
            .list(Some(&prefix))
            .try_fold(0u64, |sum, meta| async move { Ok(sum + meta.size) })
            .await
    }

    /// Removes every file of `key`. Removing what is not there succeeds.
    pub async fn delete(&self, key: &str) -> StoreResult<()> {
        let prefix = self.key_path(key)?;
        let paths = self
            .store
            .list(Some(&prefix))
            .map_ok(|meta| meta.location)
            .boxed();
        let mut deleted = self.store.delete_stream(paths);
        while let Some(result) = deleted.next().await {
            match result {
                Ok(_) | Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Every key present, with when it was last written.
    pub async fn keys(&self) -> StoreResult<Vec<(String, SystemTime)>> {
        let mut keys: std::collections::BTreeMap<String, SystemTime> = Default::default();
        for (key, _, modified) in self.files().await? {
            let latest = keys.entry(key).or_insert(SystemTime::UNIX_EPOCH);
            *latest = (*latest).max(modified);
        }
        Ok(keys.into_iter().collect())
    }

    /// Every stored file as (key, file name, last written), for the sweep
    /// and for checks that rows and objects agree.
    pub async fn files(&self) -> StoreResult<Vec<(String, String, SystemTime)>> {
        let depth = self.prefix.as_ref().map_or(0, |p| p.parts().count());
        let metas: Vec<_> = self.store.list(self.prefix.as_ref()).try_collect().await?;
        let mut files = Vec::new();
        for meta in metas {
            let parts: Vec<_> = meta.location.parts().skip(depth).collect();
            if let [key, name] = parts.as_slice() {
                if is_valid_key(key.as_ref()) {
                    files.push((
                        key.as_ref().to_owned(),
                        name.as_ref().to_owned(),
                        meta.last_modified.into(),
                    ));
                }
            }
        }
        Ok(files)
    }
}

/// S3's `ListMultipartUploadsResult`, the parts we read.
#[derive(serde::Deserialize)]
struct UploadList {
    #[serde(rename = "Upload", default)]
    uploads: Vec<OpenUpload>,
}

#[derive(serde::Deserialize)]
struct OpenUpload {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "UploadId")]
    upload_id: String,
    #[serde(rename = "Initiated")]
    initiated: String,
}

fn invalid(message: &'static str) -> StoreError {
    StoreError::Generic {
        store: "media",
        source: message.into(),
    }
}

/// The Content-Type of one of our file names.
pub fn content_type(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape() {
        assert!(is_valid_key("0123456789abcdef0123456789abcdef"));
        assert!(!is_valid_key("../../etc/passwd"));
        assert!(!is_valid_key("0123456789ABCDEF0123456789ABCDEF"));
        assert!(is_valid_file_name("thumb-400.jpg"));
        for bad in [
            "../x.jpg",
            "x",
            ".jpg",
            "a/b.jpg",
            "display.JPG",
            "a.b.c",
            "passwd",
        ] {
            assert!(!is_valid_file_name(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn put_get_delete_in_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let s = MediaStore::folder(dir.path()).unwrap();
        let key = "0123456789abcdef0123456789abcdef";
        s.put(key, "display.jpg", b"abc".to_vec()).await.unwrap();
        assert_eq!(
            &s.get(key, "display.jpg").await.unwrap().unwrap()[..],
            b"abc"
        );
        assert_eq!(s.get(key, "thumb-400.jpg").await.unwrap(), None);
        assert_eq!(s.keys().await.unwrap().len(), 1);
        // Same layout as before object_store: <root>/<key>/<file>, and no
        // temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join(key))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["display.jpg"]);
        // Larger than one part: goes up in parts, reads back whole.
        let big: Vec<u8> = (0..MULTIPART_PART * 2 + 5).map(|i| i as u8).collect();
        s.put(key, "original.png", big.clone()).await.unwrap();
        assert_eq!(s.get(key, "original.png").await.unwrap().unwrap(), big);
        s.delete(key).await.unwrap();
        s.delete(key).await.unwrap();
        assert!(s.keys().await.unwrap().is_empty());
        assert!(
            !dir.path().join(key).exists(),
            "the key's folder is removed"
        );
        assert!(s.put("../../evil", "x.jpg", vec![]).await.is_err());
        assert!(s.get(key, "../x.jpg").await.is_err());
    }
}
