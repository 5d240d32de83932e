//! How many uploads each user has under way on this server: at most
//! [`UPLOADS_PER_USER`], so one account cannot queue hundreds of large
//! uploads (each holding a connection and a spooled file). Counted per
//! replica: with several, a user may have that many on each.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

pub const UPLOADS_PER_USER: u32 = 2;

#[derive(Clone, Default)]
pub struct UploadsInFlight {
    counts: Arc<Mutex<HashMap<i32, u32>>>,
}

/// One upload under way; its end (drop) frees the slot.
pub struct UploadSlot {
    counts: Arc<Mutex<HashMap<i32, u32>>>,
    user_id: i32,
}

impl UploadsInFlight {
    /// A slot for one more upload of `user_id`, unless they have
    /// [`UPLOADS_PER_USER`] under way.
    pub fn try_begin(&self, user_id: i32) -> Option<UploadSlot> {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.entry(user_id).or_default();
        if *count >= UPLOADS_PER_USER {
            return None;
        }
        *count += 1;
        Some(UploadSlot {
            counts: self.counts.clone(),
            user_id,
        })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_at_a_time_per_user() {
        let uploads = UploadsInFlight::default();
        let a = uploads.try_begin(1).unwrap();
        let _b = uploads.try_begin(1).unwrap();
        assert!(uploads.try_begin(1).is_none());
        assert!(uploads.try_begin(2).is_some(), "another user");
        drop(a);
        assert!(uploads.try_begin(1).is_some());
        assert_eq!(
            uploads.counts.lock().unwrap().get(&2),
            None,
            "freed slots leave no entry"
        );
    }
}
