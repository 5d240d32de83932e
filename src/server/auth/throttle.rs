//! Login throttling: after 5 failed attempts for one username, or from one
//! client address, within 15 minutes, further attempts are refused until the
//! oldest failure is 15 minutes old.
//!
//! Kept in memory: each app replica counts on its own, and a restart forgets.
//! That bounds guessing to 5 tries per 15 minutes per replica.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    User(String),
    Ip(IpAddr),
}

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// `Err(wait)` when this username or address is locked out for `wait`.
    pub fn check(&self, username_key: &str, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for key in [Key::User(username_key.to_owned()), Key::Ip(ip)] {
            if let Some(times) = map.get_mut(&key) {
                prune(times, now);
                if times.len() >= MAX_FAILURES {
                    let oldest = times[times.len() - MAX_FAILURES];
                    wait = wait.max(WINDOW.saturating_sub(now - oldest));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait)
        }
    }

    /// Checks and counts an attempt under one lock, so that parallel
    /// attempts cannot all pass the check before any is counted. `Err(wait)`
    /// (and nothing counted) when locked out; a right answer then takes
    /// its count back with [`Self::forgive_attempt`].
    pub fn try_attempt(&self, key: &str, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let mut wait = Duration::ZERO;
        for key in [Key::User(key.to_owned()), Key::Ip(ip)] {
            let times = map.entry(key).or_default();
            prune(times, now);
            if times.len() >= MAX_FAILURES {
                let oldest = times[times.len() - MAX_FAILURES];
                wait = wait.max(WINDOW.saturating_sub(now - oldest));
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for key in [Key::User(key.to_owned()), Key::Ip(ip)] {
            map.entry(key).or_default().push_back(now);
        }
        Ok(())
    }

    /// Takes back the count of an attempt that turned out right: the key's
    /// record goes, and the address's latest attempt.
    pub fn forgive_attempt(&self, key: &str, ip: IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Key::User(key.to_owned()));
        if let Some(times) = map.get_mut(&Key::Ip(ip)) {
            times.pop_back();
        }
    }

    pub fn record_failure(&self, username_key: &str, ip: IpAddr, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in [Key::User(username_key.to_owned()), Key::Ip(ip)] {
            let times = map.entry(key).or_default();
            prune(times, now);
            times.push_back(now);
        }
        // Keep the map from growing without bound under a spray of names.
        if map.len() > 100_000 {
            map.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
        }
    }

    /// A successful login clears that username's failures (not the address's).
    pub fn record_success(&self, username_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Key::User(username_key.to_owned()));
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_username_for_the_window() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let ip = IpAddr::from([192, 0, 2, 1]);
        for i in 0..MAX_FAILURES {
            assert!(t.check("ada", ip, now).is_ok(), "attempt {i}");
            t.record_failure("ada", IpAddr::from([192, 0, 2, i as u8 + 10]), now);
        }
        let wait = t.check("ada", ip, now).unwrap_err();
        assert_eq!(wait, WINDOW);
        assert!(
            t.check("grace", ip, now).is_ok(),
            "other users are not affected"
        );
        assert!(t.check("ada", ip, now + WINDOW).is_ok(), "the lock ends");
    }

    #[test]
    fn five_failures_from_one_address_lock_that_address() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let ip = IpAddr::from([192, 0, 2, 1]);
        for i in 0..MAX_FAILURES {
            t.record_failure(&format!("user{i}"), ip, now + Duration::from_secs(i as u64));
        }
        assert!(t
            .check("someone-else", ip, now + Duration::from_secs(10))
            .is_err());
        assert!(t
            .check("someone-else", IpAddr::from([192, 0, 2, 2]), now)
            .is_ok());
    }

    #[test]
    fn attempts_are_counted_as_they_are_let_through() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let ip = IpAddr::from([192, 0, 2, 1]);
        // As parallel requests would: no check passes before the one
        // before it has been counted.
        let passed = (0..50)
            .filter(|_| t.try_attempt("share:1", ip, now).is_ok())
            .count();
        assert_eq!(passed, MAX_FAILURES);
        let other = IpAddr::from([192, 0, 2, 9]);
        assert!(
            t.try_attempt("share:1", other, now).is_err(),
            "the link is locked"
        );
        assert!(
            t.try_attempt("share:2", other, now).is_ok(),
            "other links are not"
        );
        t.forgive_attempt("share:2", other);
        assert!(t.check("share:2", other, now).is_ok());
    }

    #[test]
    fn success_clears_the_username() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let ip = IpAddr::from([192, 0, 2, 1]);
        for _ in 0..4 {
            t.record_failure("ada", ip, now);
        }
        t.record_success("ada");
        t.record_failure("ada", IpAddr::from([192, 0, 2, 3]), now);
        assert!(t.check("ada", IpAddr::from([192, 0, 2, 3]), now).is_ok());
    }
}
