//! `cloudtalents check-media`: do the rows and the stored files agree?
//! Every image row must have each of its files, and every stored file must
//! belong to a row (files younger than the sweep's grace may be an upload
//! under way, so they are counted apart, not as orphans).

use std::{
    collections::{HashMap, HashSet},
    time::{Duration, SystemTime},
};

use sea_orm::{DatabaseConnection, EntityTrait};

use super::{stored_file_names, Library};
use crate::{entities::image, error::AppError};

#[derive(Debug, Default)]
pub struct MediaAudit {
    pub images: usize,
    pub files: usize,
    /// `key/file` a row names that the store lacks.
    pub missing: Vec<String>,
    /// `key/file` stored with no row, older than the grace.
    pub orphans: Vec<String>,
    /// Files with no row yet, younger than the grace.
    pub recent: usize,
}

impl MediaAudit {
    pub fn is_consistent(&self) -> bool {
        self.missing.is_empty() && self.orphans.is_empty()
    }
}

impl std::fmt::Display for MediaAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} images, {} stored files, {} missing, {} without a row, {} too recent to judge",
            self.images,
            self.files,
            self.missing.len(),
            self.orphans.len(),
            self.recent
        )?;
        for file in &self.missing {
            writeln!(f, "missing: {file}")?;
        }
        for file in &self.orphans {
            writeln!(f, "without a row: {file}")?;
        }
        Ok(())
    }
}

/// Compares twice and reports only what both passes find: an upload whose
/// row commits, or a purge that runs, between the listing and the query
/// makes one pass see a difference that is not there.
pub async fn audit(
    db: &DatabaseConnection,
    library: &Library,
    grace: Duration,
) -> Result<MediaAudit, AppError> {
    let first = compare(db, library, grace).await?;
    if first.is_consistent() {
        return Ok(first);
    }
    let mut second = compare(db, library, grace).await?;
    second.missing.retain(|file| first.missing.contains(file));
    second.orphans.retain(|file| first.orphans.contains(file));
    Ok(second)
}

async fn compare(
    db: &DatabaseConnection,
    library: &Library,
    grace: Duration,
) -> Result<MediaAudit, AppError> {
    let stored = library
        .storage
        .files()
        .await
        .map_err(|e| AppError::internal("listing stored media", e))?;
    let rows = image::Entity::find().all(db).await?;
    let mut expected: HashMap<String, HashSet<String>> = HashMap::new();
    for row in &rows {
        expected.insert(
            row.file_key.clone(),
            stored_file_names(row).into_iter().collect(),
        );
    }
    let mut report = MediaAudit {
        images: rows.len(),
        files: stored.len(),
        ..Default::default()
    };
    let now = SystemTime::now();
    let mut present: HashSet<(String, String)> = HashSet::new();
    for (key, name, modified) in stored {
        if expected
            .get(&key)
            .is_some_and(|names| names.contains(&name))
        {
            present.insert((key, name));
        } else if now.duration_since(modified).unwrap_or_default() < grace {
            report.recent += 1;
        } else {
            report.orphans.push(format!("{key}/{name}"));
        }
    }
    for (key, names) in expected {
        for name in names {
            if !present.contains(&(key.clone(), name.clone())) {
                report.missing.push(format!("{key}/{name}"));
            }
        }
    }
    report.missing.sort();
    report.orphans.sort();
    Ok(report)
}
