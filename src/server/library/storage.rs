//! Where image files live. One folder per image, named by its server-made
//! key; the files in it are named by the pipeline (`display.jpg`, …), never
//! by the uploader. Behind a trait so an S3-compatible store can be added.

use std::{
    path::{Path, PathBuf},
    time::SystemTime,
};

use async_trait::async_trait;

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

#[async_trait]
pub trait MediaStorage: Send + Sync + 'static {
    /// Stores one file, all or nothing: a reader never sees half of it.
    async fn put(&self, key: &str, name: &str, bytes: Vec<u8>) -> std::io::Result<()>;
    /// The file's bytes, or `None` when it does not exist.
    async fn get(&self, key: &str, name: &str) -> std::io::Result<Option<Vec<u8>>>;
    /// Removes every file of `key`. Removing what is not there succeeds.
    async fn delete(&self, key: &str) -> std::io::Result<()>;
    /// Every key present, with when it was last written.
    async fn keys(&self) -> std::io::Result<Vec<(String, SystemTime)>>;
}

pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn dir(&self, key: &str) -> std::io::Result<PathBuf> {
        if is_valid_key(key) {
            Ok(self.root.join(key))
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "bad media key",
            ))
        }
    }

    fn file(&self, key: &str, name: &str) -> std::io::Result<PathBuf> {
        if is_valid_file_name(name) {
            Ok(self.dir(key)?.join(name))
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "bad media file name",
            ))
        }
    }
}

#[async_trait]
impl MediaStorage for LocalStorage {
    async fn put(&self, key: &str, name: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let path = self.file(key, name)?;
        let dir = self.dir(key)?;
        tokio::fs::create_dir_all(&dir).await?;
        // Write beside the target, flush to disk, then rename over it.
        let tmp = dir.join(format!(".tmp-{}-{name}", uuid::Uuid::new_v4().simple()));
        let result = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            tokio::io::AsyncWriteExt::write_all(&mut file, &bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn get(&self, key: &str, name: &str) -> std::io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.file(key, name)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_dir_all(self.dir(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    async fn keys(&self) -> std::io::Result<Vec<(String, SystemTime)>> {
        let mut keys = Vec::new();
        let mut entries = match tokio::fs::read_dir(&self.root).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(keys),
            Err(e) => return Err(e),
        };
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().await?;
            if meta.is_dir() && is_valid_key(&name) {
                keys.push((name, meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            }
        }
        Ok(keys)
    }
}

impl LocalStorage {
    pub fn root(&self) -> &Path {
        &self.root
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
    async fn put_get_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(dir.path());
        let key = "0123456789abcdef0123456789abcdef";
        s.put(key, "display.jpg", b"abc".to_vec()).await.unwrap();
        assert_eq!(s.get(key, "display.jpg").await.unwrap().unwrap(), b"abc");
        assert_eq!(s.get(key, "thumb-400.jpg").await.unwrap(), None);
        assert_eq!(s.keys().await.unwrap().len(), 1);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join(key))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["display.jpg"]);
        s.delete(key).await.unwrap();
        s.delete(key).await.unwrap();
        assert!(s.keys().await.unwrap().is_empty());
        assert!(s.put("../../evil", "x.jpg", vec![]).await.is_err());
    }
}
