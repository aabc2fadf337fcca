//! Invariants of the model: energy/delta consistency and exact QUBO ↔ Ising conversion.

use proptest::prelude::*;
use quboflow::testing::{random_qubo, random_state};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn delta_is_the_energy_difference(n in 1usize..40, density in 0.0f64..=1.0, seed: u64) {
        let q = random_qubo(n, density, false, seed);
        let x = random_state(n, seed ^ 1);
        let e = q.energy(&x);
        for i in 0..n {
            let mut y = x.clone();
            y[i] ^= 1;
            prop_assert!((q.delta(&x, i) - (q.energy(&y) - e)).abs() < 1e-9);
        }
    }

    #[test]
    fn ising_conversion_preserves_every_energy(n in 1usize..30, density in 0.0f64..=1.0, integer: bool, seed: u64) {
        let q = random_qubo(n, density, integer, seed);
        let s = q.to_ising();
        let back = s.to_qubo().unwrap();
        for k in 0..8 {
            let x = random_state(n, seed.wrapping_add(k));
            let spins: Vec<i8> = x.iter().map(|&b| 2 * b as i8 - 1).collect();
            prop_assert!((q.energy(&x) - s.energy(&spins)).abs() < 1e-9);
            prop_assert!((q.energy(&x) - back.energy(&x)).abs() < 1e-9);
        }
        if integer {
            // Integer coefficients scale by powers of two without rounding: exact round trip.
            prop_assert_eq!(back, q);
        }
    }
}
