//! What the machine can hold, checked before every allocation whose size comes from input.
//!
//! A size read from a file header or a parameter (`n` variables, `num_states`, a statevector)
//! is checked here first, so a request that cannot fit is a clean [`Error::OutOfMemory`]
//! naming what was asked for, never an allocation failure that aborts the process.

use crate::error::{Error, Result};

/// Bytes this process may still allocate: the smaller of the kernel's `MemAvailable` and the
/// cgroup limit, or `QUBOFLOW_MEMORY_LIMIT` (bytes) when set. `None` when unknown (then no
/// check refuses anything).
pub fn available_memory() -> Option<u64> {
    if let Some(limit) = std::env::var("QUBOFLOW_MEMORY_LIMIT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(limit);
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
                .map(|kb| kb.saturating_mul(1024))
        });
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    match (meminfo, cgroup) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Refuses an allocation of `bytes` that does not fit in the memory available now.
///
/// `what` names the request in the error ("a model of 10⁹ variables", "10¹² lowest states").
///
/// ```
/// use quboflow::memory::check_allocation;
/// assert!(check_allocation(|| "a small buffer".into(), 1024).is_ok());
/// let err = check_allocation(|| "an absurd buffer".into(), u64::MAX).unwrap_err();
/// assert!(err.to_string().starts_with("an absurd buffer needs"));
/// ```
pub fn check_allocation(what: impl FnOnce() -> String, bytes: u64) -> Result<()> {
    // Nothing can hold more than the address space, whatever the OS reports.
    let limit = available_memory().unwrap_or(u64::MAX);
    let address_space = isize::MAX as u64;
    if bytes > limit.min(address_space) {
        return Err(Error::OutOfMemory {
            what: what(),
            required: bytes,
            available: limit.min(address_space),
        });
    }
    Ok(())
}

/// `a × b` in bytes, saturating (a saturated product never fits, so the check refuses it).
pub fn bytes(count: usize, size: usize) -> u64 {
    (count as u64).saturating_mul(size as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_requests_are_refused_with_their_size() {
        let e = check_allocation(|| "a test".into(), u64::MAX).unwrap_err();
        match e {
            Error::OutOfMemory { what, required, .. } => {
                assert_eq!(what, "a test");
                assert_eq!(required, u64::MAX);
            }
            other => panic!("{other}"),
        }
        assert_eq!(bytes(usize::MAX, 16), u64::MAX);
        assert!(check_allocation(|| unreachable!(), 8).is_ok());
    }
}
