//! Set-partitioning rows inside the move space: the chosen sets always partition the
//! elements, and a move re-partitions the union of one or two chosen sets.
//!
//! On a CVRP set-partitioning model (one variable per candidate route) single flips must
//! uncover or double-cover customers between any two feasible states, which costs a penalty
//! per customer; exchanging two routes for two others over the same customers (a customer
//! moved or swapped between routes, two routes merged, one split) needs no penalty at all.

use std::collections::HashMap;

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::Move;

/// Unions of more elements than this are not enumerated by tabu's full neighbourhood
/// (2¹⁵ submasks); random moves still reach them.
const MAX_UNION: u32 = 16;

/// A set of elements as a bit mask: up to 128 elements, so CVRP pools of instances up to 128
/// customers (CVRPLIB's A, B, E, P sets and X-n129, generated 100-customer instances) keep
/// their exchange moves. Two-word masks cost no more here than one: moves touch the masks of
/// one or two chosen sets, not of every variable.
type Set = u128;
/// Elements a [`Set`] holds.
const MAX_ELEMENTS: usize = Set::BITS as usize;

/// The sets of a set-partitioning model, as element bit masks.
#[derive(Debug, Clone)]
pub(super) struct Cover {
    /// Per variable: the elements of its set (0 for variables outside the rows).
    pub(super) mask: Vec<Set>,
    /// A variable for each set (the first one when sets repeat).
    by_mask: HashMap<Set, usize>,
    /// Per element: the variables containing it.
    rows: Vec<Vec<usize>>,
    /// Per element: the variable whose set is that element alone.
    single: Vec<usize>,
}

impl Cover {
    /// Indexes `rows`, or `None` when the move space cannot use them: more than 128 elements,
    /// or an element without a set of its own (then a partial cover cannot always be
    /// completed, and feasible start states are not guaranteed).
    pub(super) fn new(rows: &[Vec<usize>], n: usize) -> Option<Cover> {
        if rows.is_empty() || rows.len() > MAX_ELEMENTS {
            return None;
        }
        let mut mask: Vec<Set> = vec![0; n];
        for (e, row) in rows.iter().enumerate() {
            for &v in row {
                mask[v] |= 1 << e;
            }
        }
        let mut by_mask = HashMap::new();
        for (v, &m) in mask.iter().enumerate() {
            if m != 0 {
                by_mask.entry(m).or_insert(v);
            }
        }
        let single = (0..rows.len())
            .map(|e| by_mask.get(&((1 as Set) << e)).copied())
            .collect::<Option<Vec<usize>>>()?;
        Some(Cover {
            mask,
            by_mask,
            rows: rows.to_vec(),
            single,
        })
    }

    /// Number of elements.
    pub(super) fn elements(&self) -> usize {
        self.rows.len()
    }

    /// Adds sets to `x` until every element not in `covered` is covered once: elements in
    /// random order, each by a random set of uncovered elements containing it (a few tries),
    /// else by its own singleton set.
    pub(super) fn complete(&self, x: &mut [u8], mut covered: Set, rng: &mut Xoshiro256PlusPlus) {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        super::shuffle(&mut order, rng);
        for e in order {
            if covered >> e & 1 == 1 {
                continue;
            }
            let row = &self.rows[e];
            let pick = (0..8)
                .map(|_| row[rng.random_range(0..row.len())])
                .find(|&v| self.mask[v] & covered == 0)
                .unwrap_or(self.single[e]);
            x[pick] = 1;
            covered |= self.mask[pick];
        }
    }

    /// Keeps the chosen sets of `x` that do not overlap earlier ones (in random order),
    /// drops the rest and completes the cover.
    pub(super) fn make_feasible(&self, x: &mut [u8], rng: &mut Xoshiro256PlusPlus) {
        let mut chosen: Vec<usize> = (0..x.len())
            .filter(|&v| self.mask[v] != 0 && x[v] == 1)
            .collect();
        super::shuffle(&mut chosen, rng);
        let mut covered: Set = 0;
        for v in chosen {
            if self.mask[v] & covered == 0 {
                covered |= self.mask[v];
            } else {
                x[v] = 0;
            }
        }
        self.complete(x, covered, rng);
    }

    /// Writes into `mv` the exchange replacing chosen `a` (and `b`) by the set `s` and the
    /// rest of their union; false when a set is not a variable or nothing would change.
    fn exchange(&self, a: usize, b: Option<usize>, s: Set, mv: &mut Move) -> bool {
        let union = self.mask[a] | b.map_or(0, |b| self.mask[b]);
        let rest = union & !s;
        let Some(&vs) = self.by_mask.get(&s) else {
            return false;
        };
        let vt = match rest {
            0 => None,
            m => match self.by_mask.get(&m) {
                Some(&v) => Some(v),
                None => return false,
            },
        };
        let old = |v: usize| v == a || Some(v) == b;
        if old(vs) || vt.is_some_and(old) {
            return false;
        }
        let flips = &mut mv.flips;
        flips.clear();
        flips.push((a, false));
        flips.extend(b.map(|b| (b, false)));
        flips.push((vs, true));
        flips.extend(vt.map(|t| (t, true)));
        true
    }

    /// A random exchange among the `chosen` sets: one set split in two, or two sets merged
    /// (a quarter of the pair moves) or re-partitioned at random.
    pub(super) fn random_move(
        &self,
        chosen: &[usize],
        rng: &mut Xoshiro256PlusPlus,
        mv: &mut Move,
    ) -> bool {
        let k = chosen.len();
        if k == 0 {
            return false;
        }
        let i = rng.random_range(0..k);
        let a = chosen[i];
        let b = (k >= 2 && rng.random_range(0..2u8) == 0).then(|| {
            let j = rng.random_range(0..k - 1);
            chosen[if j >= i { j + 1 } else { j }]
        });
        let union = self.mask[a] | b.map_or(0, |b| self.mask[b]);
        let s = if b.is_some() && rng.random_range(0..4u8) == 0 {
            union
        } else {
            rng.random::<Set>() & union
        };
        s != 0 && self.exchange(a, b, s, mv)
    }

    /// Every exchange of one chosen set (split) or two (re-partition of their union into one
    /// or two sets), each partition visited once.
    pub(super) fn for_each_move(
        &self,
        chosen: &[usize],
        mv: &mut Move,
        mut f: impl FnMut(&mut Move),
    ) {
        for (i, &a) in chosen.iter().enumerate() {
            // `None` first (split `a`), then every later chosen set (pair with `a`).
            let partners = std::iter::once(None).chain(chosen[i + 1..].iter().copied().map(Some));
            for b in partners {
                let union = self.mask[a] | b.map_or(0, |b| self.mask[b]);
                if union.count_ones() > MAX_UNION {
                    continue;
                }
                // The part holding the lowest element is `s`, so {s, rest} is seen once.
                let low = union & union.wrapping_neg();
                let others = union & !low;
                let mut sub = others;
                loop {
                    if self.exchange(a, b, low | sub, mv) {
                        f(mv);
                    }
                    if sub == 0 {
                        break;
                    }
                    sub = (sub - 1) & others;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Three elements, every non-empty subset a variable: var `v` is the subset `v + 1`.
    fn all_subsets() -> Cover {
        let rows: Vec<Vec<usize>> = (0..3)
            .map(|e| (0..7).filter(|&v| (v + 1) >> e & 1 == 1).collect())
            .collect();
        Cover::new(&rows, 7).unwrap()
    }

    #[test]
    fn the_neighbourhood_lists_each_repartition_once() {
        let c = all_subsets();
        // Chosen {0,1} (var 2) and {2} (var 3).
        let mut seen = Vec::new();
        c.for_each_move(&[2, 3], &mut Move::default(), |mv| {
            let mut f = mv.flips.clone();
            f.sort();
            seen.push(f);
        });
        seen.sort();
        // Split {0,1} into {0},{1}; {0,1,2} as {0}+{1,2}, {0,2}+{1}, or merged.
        let want = vec![
            vec![(0, true), (1, true), (2, false)],
            vec![(0, true), (2, false), (3, false), (5, true)],
            vec![(1, true), (2, false), (3, false), (4, true)],
            vec![(2, false), (3, false), (6, true)],
        ];
        assert_eq!(seen, want);
    }

    #[test]
    fn random_states_and_moves_keep_a_partition() {
        let c = all_subsets();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let covered = |x: &[u8]| {
            (0..3).all(|e| {
                (0..7)
                    .filter(|&v| x[v] == 1 && (v + 1) >> e & 1 == 1)
                    .count()
                    == 1
            })
        };
        for bits in 0u32..128 {
            let mut x: Vec<u8> = (0..7).map(|v| (bits >> v & 1) as u8).collect();
            c.make_feasible(&mut x, &mut rng);
            assert!(covered(&x), "{bits:b} → {x:?}");
            let chosen: Vec<usize> = (0..7).filter(|&v| x[v] == 1).collect();
            let mut mv = Move::default();
            for _ in 0..20 {
                if c.random_move(&chosen, &mut rng, &mut mv) {
                    let mut y = x.clone();
                    for &(v, on) in &mv.flips {
                        assert_eq!(y[v], u8::from(!on));
                        y[v] = u8::from(on);
                    }
                    assert!(covered(&y), "{x:?} + {:?}", mv.flips);
                }
            }
        }
        // An element without a set of its own: the rows are left to single flips.
        assert!(Cover::new(&[vec![0, 1], vec![0]], 2).is_none());
    }
}
