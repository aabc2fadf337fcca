//! Memory accounting: what a simulation needs, what the machine has, refusal before allocating.

use quboflow::memory::check_allocation;

use crate::error::{Error, Result};
use crate::real::Precision;

/// The most qubits any statevector request may name (indices and sizes stay far from overflow).
pub const MAX_QUBITS: usize = 40;

/// Bytes needed to evaluate ⟨C⟩ for `n` qubits: one statevector plus the cost index (at most
/// 2 bytes per amplitude) and the per-block cost factors.
///
/// ```
/// use quboflow_qaoa::{Precision, memory_required};
/// // 30 qubits in complex64: 8 GiB of amplitudes + 2 GiB of cost index (+ small tables).
/// assert!(memory_required(30, Precision::Complex64) < 11 << 30);
/// ```
pub fn memory_required(n: usize, precision: Precision) -> u64 {
    memory_for(n, precision, 1)
}

/// Bytes needed with `states` statevectors alive at once (the adjoint gradient keeps two, or
/// `p + 2` with checkpoints, `2p + 2` from 25 qubits on).
pub fn memory_for(n: usize, precision: Precision, states: u64) -> u64 {
    let n = n.min(63) as u32;
    let amps = 1u64 << n;
    let state = amps.saturating_mul(precision.bytes_per_amplitude());
    let index = amps.saturating_mul(2);
    // Per-block factors: one f64 constant and up to 14 f64 linear terms per 2^14 amplitudes,
    // plus the 2^14-entry low-bits table; tiny next to the state.
    let factors = (amps >> 14).saturating_mul(15 * 8) + (1 << 14) * 8;
    state
        .saturating_mul(states)
        .saturating_add(index)
        .saturating_add(factors)
}

/// Refuses `n` qubits with `states` statevectors when they do not fit in memory.
pub fn check_memory(n: usize, precision: Precision, states: u64) -> Result<()> {
    if n > MAX_QUBITS {
        return Err(Error::TooManyQubits {
            num_qubits: n,
            max: MAX_QUBITS,
        });
    }
    let what = || {
        format!(
            "a {n}-qubit {} simulation ({states} statevector{})",
            precision.name(),
            if states == 1 { "" } else { "s" }
        )
    };
    check_allocation(what, memory_for(n, precision, states)).map_err(|e| match e {
        quboflow::Error::OutOfMemory {
            what,
            required,
            available,
        } => Error::OutOfMemory {
            what,
            required,
            available,
        },
        e => e.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_formula() {
        assert_eq!(
            memory_for(20, Precision::Complex128, 1),
            (1 << 20) * 16 + (1 << 20) * 2 + (1 << 6) * 120 + (1 << 14) * 8
        );
        assert!(memory_for(30, Precision::Complex64, 1) < memory_for(30, Precision::Complex128, 1));
        assert!(
            memory_for(24, Precision::Complex128, 2) > memory_for(24, Precision::Complex128, 1)
        );
    }

    #[test]
    fn forty_qubits_is_refused_before_allocating() {
        let err = check_memory(40, Precision::Complex128, 1).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("40-qubit complex128"), "{msg}");
        assert!(matches!(
            check_memory(41, Precision::Complex64, 1),
            Err(Error::TooManyQubits { .. })
        ));
    }
}
