//! Move space and walker: moves stay feasible, deltas are exact, any state is repaired.

use super::*;
use crate::QuboBuilder;
use crate::constraints::KHot;
use rand::SeedableRng;

/// Small integer couplings on about a third of the pairs.
fn random_model(n: usize, seed: u64) -> Qubo {
    let mut b = QuboBuilder::new(n);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    for i in 0..n {
        b.add_linear(i, rng.random_range(-5..5) as f64);
        for j in i + 1..n {
            if rng.random_range(0..3) == 0 {
                b.add_quadratic(i, j, rng.random_range(-4..4) as f64);
            }
        }
    }
    b.build().unwrap()
}

fn model() -> (Qubo, Constraints) {
    // 3×3 permutation (vars 0..9), a one-hot group (9..12), a 2-hot group (12..16), a free var.
    let q = random_model(17, 3);
    let c = Constraints {
        one_hot: vec![vec![9, 10, 11]],
        k_hot: vec![KHot {
            vars: vec![12, 13, 14, 15],
            k: 2,
        }],
        permutations: vec![Permutation {
            size: 3,
            vars: (0..9).collect(),
        }],
        ..Default::default()
    };
    (q, c)
}

#[test]
fn moves_stay_feasible_and_deltas_are_exact() {
    let (q, c) = model();
    let space = MoveSpace::new(&q, &c).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
    let x = space.random_state(&mut rng);
    assert!(c.is_satisfied(&x));
    let mut w = Walker::new(&space, x);
    let mut mv = Move::default();
    for _ in 0..2000 {
        if !w.random_move(&mut rng, &mut mv) {
            continue;
        }
        let d = w.delta(&mv);
        let before = w.energy;
        w.apply(&mv);
        assert!(c.is_satisfied(&w.x));
        assert!((q.energy(&w.x) - (before + d)).abs() < 1e-9);
        assert!((w.energy - q.energy(&w.x)).abs() < 1e-9);
    }
    let mut count = 0;
    let base = w.energy;
    w.for_each_move(&mut mv.clone(), |m| {
        count += 1;
        let mut y = w.x.clone();
        for &(i, on) in &m.flips {
            assert_eq!(y[i], u8::from(!on));
            y[i] = u8::from(on);
        }
        assert!(c.is_satisfied(&y));
        assert!((q.energy(&y) - base - w.delta(m)).abs() < 1e-9);
    });
    // 1 free + 2 group swaps (one-hot of 3) + 4 (2-hot of 4) + 3 row swaps + 1 reversal.
    assert_eq!(count, 1 + 2 + 4 + 3 + 1);
}

#[test]
fn make_feasible_repairs_any_state() {
    let (q, c) = model();
    let space = MoveSpace::new(&q, &c).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    for bits in [0u32, 0x1ffff, 0x0aaaa, 0x15555] {
        let x: Vec<u8> = (0..17).map(|i| ((bits >> i) & 1) as u8).collect();
        let y = space.make_feasible(&x, &mut rng);
        assert!(c.is_satisfied(&y), "{x:?} → {y:?}");
    }
}

#[test]
fn capacity_and_partition_moves_keep_loads_slack_and_exact_deltas() {
    use crate::constraints::Capacity;
    // Items 0..6 each one-hot over two bins (item i: vars 2i, 2i+1), bin b loads the
    // variables 2i+b with weight w_i ≤ 9 (slack 1, 2, 4, 2 at 12..16 and 16..20); sets over
    // 3 elements (vars 20..27: var 20+k is the subset k+1); a free item 27 in bin 0's row.
    let n = 28;
    let w = [3.0, 2.0, 4.0, 1.0, 2.0, 3.0];
    let q = random_model(n, 8);
    let row = |bin: usize, slack: usize| {
        let mut vars: Vec<usize> = (0..6).map(|i| 2 * i + bin).collect();
        let mut weights = w.to_vec();
        if bin == 0 {
            vars.push(27);
            weights.push(2.0);
        }
        Capacity {
            vars,
            weights,
            capacity: 9.0,
            slack: (slack..slack + 4).collect(),
            slack_weights: vec![1.0, 2.0, 4.0, 2.0],
        }
    };
    let c = Constraints {
        one_hot: (0..6).map(|i| vec![2 * i, 2 * i + 1]).collect(),
        set_partition: (0..3)
            .map(|e| {
                (0..7)
                    .filter(|k| (k + 1) >> e & 1 == 1)
                    .map(|k| 20 + k)
                    .collect()
            })
            .collect(),
        capacities: vec![row(0, 12), row(1, 16)],
        ..Default::default()
    };
    let space = MoveSpace::new(&q, &c).unwrap();
    let slack_exact = |x: &[u8]| {
        c.capacities.iter().all(|r| {
            let held: f64 = (r.slack.iter().zip(&r.slack_weights))
                .filter(|(v, _)| x[**v] == 1)
                .map(|(_, w)| w)
                .sum();
            held == (r.capacity - r.load(x)).max(0.0)
        })
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
    let mut feasible_starts = 0;
    for _ in 0..20 {
        let x = space.random_state(&mut rng);
        assert!(slack_exact(&x));
        let was_feasible = c.is_satisfied(&x);
        feasible_starts += usize::from(was_feasible);
        let mut walker = Walker::new(&space, x);
        let mut mv = Move::default();
        for _ in 0..500 {
            let over: f64 = c
                .capacities
                .iter()
                .map(|r| (r.load(&walker.x) - 9.0).max(0.0))
                .sum();
            if !walker.random_move(&mut rng, &mut mv) {
                continue;
            }
            let d = walker.delta(&mv);
            let before = walker.energy;
            walker.apply(&mv);
            assert!((q.energy(&walker.x) - (before + d)).abs() < 1e-9);
            assert!(slack_exact(&walker.x), "{:?}", mv.flips);
            let now: f64 = c
                .capacities
                .iter()
                .map(|r| (r.load(&walker.x) - 9.0).max(0.0))
                .sum();
            // No row is overloaded further; a feasible walk stays feasible.
            assert!(now <= over || c.capacities.iter().all(|r| r.load(&walker.x) <= 9.0));
            if was_feasible {
                assert!(c.is_satisfied(&walker.x), "{:?}", mv.flips);
            }
        }
        let base = walker.energy;
        walker.for_each_move(&mut Move::default(), |m| {
            let mut y = walker.x.clone();
            for &(i, on) in &m.flips {
                assert_eq!(y[i], u8::from(!on));
                y[i] = u8::from(on);
            }
            assert!(slack_exact(&y));
            assert!((q.energy(&y) - base - walker.delta(m)).abs() < 1e-9);
        });
    }
    assert!(feasible_starts > 0);
}

#[test]
fn long_capacity_rows_are_not_scanned_pair_by_pair() {
    use crate::constraints::Capacity;
    // `m` unit-weight items, half of them in, capacity m (every flip allowed), no slack.
    let count = |m: usize| {
        let q = random_model(m, 1);
        let c = Constraints {
            capacities: vec![Capacity {
                vars: (0..m).collect(),
                weights: vec![1.0; m],
                capacity: m as f64,
                slack: vec![],
                slack_weights: vec![],
            }],
            ..Default::default()
        };
        let space = MoveSpace::new(&q, &c).unwrap();
        let x: Vec<u8> = (0..m).map(|i| (i % 2) as u8).collect();
        let w = Walker::new(&space, x);
        let mut moves = 0;
        w.for_each_move(&mut Move::default(), |_| moves += 1);
        moves
    };
    // 100 items: 100 flips + 50 × 50 pairs; 600 items: 300 × 300 pairs > 2¹⁶, flips only.
    assert_eq!(count(100), 100 + 2500);
    assert_eq!(count(600), 600);
}
