//! An upload's file as it arrives: kept in memory up to
//! [`SPOOL_THRESHOLD`] (256 KiB), written to a temporary file (in
//! `TMPDIR`) past it.
//! Uploads waiting for an image worker then hold disk, not memory: only the
//! few being processed have their bytes loaded, so memory stays flat however
//! many large uploads arrive at once. The file is deleted when the upload is
//! done with it, or dropped half-way.

use std::{
    fs::File,
    io,
    io::Write,
    path::Path,
    time::{Duration, SystemTime},
};

use tempfile::TempPath;

/// Files up to this size stay in memory. Small on purpose: 200 uploads
/// starting at once each hold this much before they reach the disk (at
/// 4 MiB that was 1.9 GiB of RSS in `make bench`).
pub const SPOOL_THRESHOLD: usize = 256 * 1024;

/// How the temporary files are named (in `TMPDIR`).
const PREFIX: &str = "cloudtalents-upload-";

/// A whole uploaded file.
pub enum UploadedFile {
    Memory(Vec<u8>),
    /// In a temporary file, deleted when this is dropped.
    Spooled {
        path: TempPath,
        len: u64,
    },
}

impl UploadedFile {
    pub fn len(&self) -> u64 {
        match self {
            Self::Memory(bytes) => bytes.len() as u64,
            Self::Spooled { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes (read from the temporary file, which is then deleted).
    /// Blocking: call it on a blocking thread.
    pub fn into_bytes_blocking(self) -> io::Result<Vec<u8>> {
        match self {
            Self::Memory(bytes) => Ok(bytes),
            Self::Spooled { path, .. } => std::fs::read(&path),
        }
    }
}

/// Collects a file chunk by chunk. The writes are plain blocking writes of
/// one chunk (tens of KiB) into the page cache, made in place: through
/// `tokio::fs` each write was a blocking-pool task with its own copy of
/// the chunk, and 200 uploads at once kept hundreds of threads and buffers
/// alive (`make bench`).
#[derive(Default)]
pub struct Spool {
    memory: Vec<u8>,
    file: Option<(File, TempPath)>,
    len: u64,
}

impl Spool {
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.len += chunk.len() as u64;
        if let Some((file, _)) = &mut self.file {
            return file.write_all(chunk);
        }
        if self.memory.len() + chunk.len() <= SPOOL_THRESHOLD {
            // Room for the whole threshold at once: no doubling past it.
            if self.memory.capacity() == 0 {
                self.memory.reserve_exact(SPOOL_THRESHOLD);
            }
            self.memory.extend_from_slice(chunk);
            return Ok(());
        }
        let (mut file, path) = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempfile()?
            .into_parts();
        file.write_all(&std::mem::take(&mut self.memory))?;
        file.write_all(chunk)?;
        self.file = Some((file, path));
        Ok(())
    }

    pub fn finish(self) -> io::Result<UploadedFile> {
        match self.file {
            Some((mut file, path)) => {
                file.flush()?;
                Ok(UploadedFile::Spooled {
                    path,
                    len: self.len,
                })
            }
            None => Ok(UploadedFile::Memory(self.memory)),
        }
    }
}

/// Deletes the temporary upload files in `dir` (`TMPDIR` for the server)
/// not written for `grace`: what a killed server left (a live upload writes
/// its file as it arrives, and deletes it when done). Blocking; answers how
/// many went.
pub fn sweep_stale(dir: &Path, grace: Duration) -> io::Result<usize> {
    let cutoff = SystemTime::now() - grace;
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < cutoff);
        // Another replica on this host may have swept it first.
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_go_to_disk_and_come_back_whole() {
        let mut small = Spool::default();
        small.push(b"abc").unwrap();
        let small = small.finish().unwrap();
        assert!(matches!(small, UploadedFile::Memory(_)));
        assert_eq!(small.into_bytes_blocking().unwrap(), b"abc");

        let chunk = vec![7u8; 1024 * 1024];
        let mut large = Spool::default();
        for _ in 0..6 {
            large.push(&chunk).unwrap();
        }
        let large = large.finish().unwrap();
        let UploadedFile::Spooled { path, len } = &large else {
            panic!("not spooled");
        };
        assert_eq!(*len, 6 * 1024 * 1024);
        let kept = path.to_path_buf();
        assert!(kept.exists());
        let bytes = large.into_bytes_blocking().unwrap();
        assert_eq!(bytes.len(), 6 * 1024 * 1024);
        assert!(bytes.iter().all(|b| *b == 7));
        assert!(!kept.exists(), "deleted once read");
    }

    #[test]
    fn the_sweep_takes_only_old_upload_files() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join(format!("{PREFIX}abc"));
        let other = dir.path().join("someone-else-abc");
        std::fs::write(&left, b"half an upload").unwrap();
        std::fs::write(&other, b"not ours").unwrap();
        assert_eq!(
            sweep_stale(dir.path(), Duration::from_secs(3600)).unwrap(),
            0
        );
        assert!(left.exists(), "young: may be an upload under way");
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            sweep_stale(dir.path(), Duration::from_millis(10)).unwrap(),
            1
        );
        assert!(!left.exists(), "old: swept");
        assert!(other.exists(), "not ours: kept");
    }
}
