//! Which variables a sub-problem frees: by energy impact, or by the model's structure.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use crate::constraints::{Capacity, Constraints, KHot, Permutation};
use crate::qubo::Qubo;

/// How [`super::Hybrid`] chooses the variables of its sub-problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Decomposer {
    /// Structure and energy impact in alternate rounds when the model carries constraints,
    /// energy impact alone otherwise. The default.
    #[default]
    Auto,
    /// Energy impact only (dwave-hybrid's `EnergyImpactDecomposer` with breadth-first growth).
    EnergyImpact,
    /// The model's structure only: windows of a permutation (a stretch of a tour), whole
    /// one-hot groups (customers with their vehicle choices), or items of a capacity row with
    /// its slack bits. An error on a model without constraints.
    Structure,
}

impl Decomposer {
    /// The name on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            Decomposer::Auto => "auto",
            Decomposer::EnergyImpact => "energy-impact",
            Decomposer::Structure => "structure",
        }
    }
}

impl std::str::FromStr for Decomposer {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "auto" => Ok(Decomposer::Auto),
            "energy-impact" | "energy_impact" | "impact" => Ok(Decomposer::EnergyImpact),
            "structure" => Ok(Decomposer::Structure),
            _ => Err(format!(
                "unknown decomposer `{s}` (expected auto, energy-impact or structure)"
            )),
        }
    }
}

/// Most sub-problems in one round: bounds a round's cost on large models (and with a slow
/// sub-solver such as QAOA) while the outer search still runs between rounds.
pub(crate) const MAX_PER_ROUND: usize = 64;

/// The variables of one sub-problem and the rules that hold inside it.
pub(crate) struct Sub {
    pub(crate) vars: Vec<usize>,
    pub(crate) constraints: Option<Constraints>,
}

/// The plan of one round; sub-problems are drawn from it one at a time against the current
/// state, so an improvement made earlier in the round is seen by the later ones.
pub(crate) enum Round {
    /// Variables by ascending flip cost at the round's start; each sub-problem grows from the
    /// next unused one through the coupling graph.
    Impact {
        order: Vec<usize>,
        delta: Vec<f64>,
        used: Vec<bool>,
        next: usize,
        count: usize,
    },
    /// Windows of `w` consecutive columns of permutation `p`, starting at `offset`.
    Windows {
        p: usize,
        w: usize,
        offset: usize,
        count: usize,
    },
    /// Unions of whole cardinality groups, grown from the groups in `order`.
    Groups {
        order: Vec<usize>,
        used: Vec<bool>,
        next: usize,
        count: usize,
    },
    /// Items of capacity row `row` (with all its slack bits).
    Capacity { row: usize, count: usize },
}

/// Chooses sub-problems of at most `k` variables.
pub(crate) struct Selector<'q> {
    qubo: &'q Qubo,
    k: usize,
    decomposer: Decomposer,
    structure: Option<&'q Constraints>,
    /// Cardinality group of each variable (`u32::MAX`: none).
    group_of: Vec<u32>,
    groups: Vec<(Vec<usize>, usize)>,
}

impl<'q> Selector<'q> {
    pub(crate) fn new(qubo: &'q Qubo, k: usize, decomposer: Decomposer) -> Self {
        let structure = qubo.constraints().filter(|c| {
            !c.permutations.is_empty() || c.groups().next().is_some() || !c.capacities.is_empty()
        });
        let n = qubo.num_vars();
        let mut group_of = vec![u32::MAX; n];
        let mut groups = Vec::new();
        if let Some(c) = structure {
            for (gi, (vars, k)) in c.groups().enumerate() {
                for &v in vars {
                    group_of[v] = gi as u32;
                }
                groups.push((vars.to_vec(), k));
            }
        }
        Selector {
            qubo,
            k,
            decomposer,
            structure,
            group_of,
            groups,
        }
    }

    /// True when the model has structure the structural rounds can use.
    pub(crate) fn has_structure(&self) -> bool {
        self.structure.is_some()
    }

    /// The plan of round `round` at state `x`.
    pub(crate) fn round(&self, x: &[u8], round: usize, rng: &mut Xoshiro256PlusPlus) -> Round {
        let structural = match self.decomposer {
            Decomposer::EnergyImpact => false,
            Decomposer::Structure => true,
            Decomposer::Auto => self.structure.is_some() && round % 2 == 0,
        };
        if structural && let Some(c) = self.structure {
            // Rotate between the kinds of structure the model has.
            let mut kinds = Vec::new();
            for p in 0..c.permutations.len() {
                let w = window(self.k, c.permutations[p].size);
                if w >= 2 {
                    kinds.push(Round::Windows {
                        p,
                        w,
                        offset: rng.random_range(0..c.permutations[p].size),
                        count: 0,
                    });
                }
            }
            if self.groups.iter().any(|(g, _)| g.len() <= self.k) {
                let mut order: Vec<usize> = (0..self.groups.len()).collect();
                shuffle(&mut order, rng);
                kinds.push(Round::Groups {
                    used: vec![false; self.groups.len()],
                    order,
                    next: 0,
                    count: 0,
                });
            }
            for (row, cap) in c.capacities.iter().enumerate() {
                if cap.slack.len() < self.k && !cap.vars.is_empty() {
                    kinds.push(Round::Capacity { row, count: 0 });
                }
            }
            if !kinds.is_empty() {
                let pick = (round / 2) % kinds.len();
                return kinds.swap_remove(pick);
            }
        }
        self.impact_round(x, rng)
    }

    fn impact_round(&self, x: &[u8], rng: &mut Xoshiro256PlusPlus) -> Round {
        let n = self.qubo.num_vars();
        let delta: Vec<f64> = (0..n).map(|i| self.qubo.delta(x, i)).collect();
        // Random keys break ties, so rounds on plateaus (unit-weight graphs) differ.
        let keys: Vec<u32> = (0..n).map(|_| rng.random()).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| delta[a].total_cmp(&delta[b]).then(keys[a].cmp(&keys[b])));
        Round::Impact {
            order,
            delta,
            used: vec![false; n],
            next: 0,
            count: 0,
        }
    }

    /// The next sub-problem of `round` at state `x`, or `None` when the round is over.
    pub(crate) fn next(&self, round: &mut Round, x: &[u8]) -> Option<Sub> {
        let n = self.qubo.num_vars();
        let per_round = n.div_ceil(self.k.max(1)).clamp(1, MAX_PER_ROUND);
        match round {
            Round::Impact {
                order,
                delta,
                used,
                next,
                count,
            } => {
                if *count >= per_round {
                    return None;
                }
                while *next < n && used[order[*next]] {
                    *next += 1;
                }
                if *next >= n {
                    return None;
                }
                *count += 1;
                let vars = self.grow(order[*next], order, delta, used);
                Some(Sub {
                    vars,
                    constraints: None,
                })
            }
            Round::Windows {
                p,
                w,
                offset,
                count,
            } => {
                let c = self.structure?;
                let perm = &c.permutations[*p];
                let m = perm.size;
                if *count >= m.div_ceil(*w).min(MAX_PER_ROUND) {
                    return None;
                }
                let cols: Vec<usize> = (0..*w).map(|d| (*offset + *count * *w + d) % m).collect();
                *count += 1;
                // The rows now in those columns; a window of a broken permutation is left to
                // the energy-impact rounds.
                let mut rows = Vec::with_capacity(*w);
                for &col in &cols {
                    let r: Vec<usize> = (0..m).filter(|&r| x[perm.var(r, col)] == 1).collect();
                    if r.len() != 1 || rows.contains(&r[0]) {
                        return Some(Sub {
                            vars: Vec::new(),
                            constraints: None,
                        });
                    }
                    rows.push(r[0]);
                }
                let mut vars = Vec::with_capacity(w.pow(2));
                for &r in &rows {
                    for &col in &cols {
                        vars.push(perm.var(r, col));
                    }
                }
                let local = Permutation {
                    size: *w,
                    vars: (0..w.pow(2)).collect(),
                };
                Some(Sub {
                    vars,
                    constraints: Some(Constraints {
                        permutations: vec![local],
                        ..Default::default()
                    }),
                })
            }
            Round::Groups {
                order,
                used,
                next,
                count,
            } => {
                if *count >= self.groups.len().min(MAX_PER_ROUND) {
                    return None;
                }
                while *next < order.len()
                    && (used[order[*next]] || self.groups[order[*next]].0.len() > self.k)
                {
                    *next += 1;
                }
                if *next >= order.len() {
                    return None;
                }
                *count += 1;
                Some(self.group_union(order[*next], used))
            }
            Round::Capacity { row, count } => {
                if *count >= 2 {
                    return None;
                }
                *count += 1;
                let c = self.structure?;
                Some(self.capacity_items(&c.capacities[*row], x, *count == 1))
            }
        }
    }

    /// Grows a connected set of up to `k` unused variables from `seed`, always taking the
    /// neighbour with the lowest flip cost; tops up from `order` when the component ends.
    fn grow(&self, seed: usize, order: &[usize], delta: &[f64], used: &mut [bool]) -> Vec<usize> {
        let mut vars = vec![seed];
        used[seed] = true;
        let mut frontier: Vec<usize> = Vec::new();
        let mut at = 0usize;
        while vars.len() < self.k {
            let last = vars[vars.len() - 1];
            let (cols, _) = self.qubo.adjacency().row(last);
            frontier.extend(cols.iter().map(|&j| j as usize).filter(|&j| !used[j]));
            frontier.retain(|&j| !used[j]);
            let pick = frontier
                .iter()
                .copied()
                .min_by(|&a, &b| delta[a].total_cmp(&delta[b]).then(a.cmp(&b)));
            let v = match pick {
                Some(v) => v,
                None => {
                    while at < order.len() && used[order[at]] {
                        at += 1;
                    }
                    match order.get(at) {
                        Some(&v) => v,
                        None => break,
                    }
                }
            };
            used[v] = true;
            vars.push(v);
        }
        vars.sort_unstable();
        vars
    }

    /// Whole groups, from `seed` through the groups most strongly coupled to those taken,
    /// while they fit in `k` variables.
    fn group_union(&self, seed: usize, used: &mut [bool]) -> Sub {
        let mut taken = vec![seed];
        used[seed] = true;
        let mut size = self.groups[seed].0.len();
        loop {
            // Coupling weight from the taken groups to each other unused group that fits.
            let mut weight: Vec<(usize, f64)> = Vec::new();
            for &g in &taken {
                for &v in &self.groups[g].0 {
                    let (cols, vals) = self.qubo.adjacency().row(v);
                    for (&j, &w) in cols.iter().zip(vals) {
                        let h = self.group_of[j as usize];
                        if h == u32::MAX || used[h as usize] {
                            continue;
                        }
                        let h = h as usize;
                        if size + self.groups[h].0.len() > self.k {
                            continue;
                        }
                        match weight.iter_mut().find(|(g, _)| *g == h) {
                            Some((_, s)) => *s += w.abs(),
                            None => weight.push((h, w.abs())),
                        }
                    }
                }
            }
            let Some(&(h, _)) = weight
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            else {
                break;
            };
            used[h] = true;
            size += self.groups[h].0.len();
            taken.push(h);
        }
        let mut vars = Vec::with_capacity(size);
        let mut one_hot = Vec::new();
        let mut k_hot = Vec::new();
        for &g in &taken {
            let (members, k) = &self.groups[g];
            let local: Vec<usize> = (vars.len()..vars.len() + members.len()).collect();
            vars.extend_from_slice(members);
            if *k == 1 {
                one_hot.push(local);
            } else {
                k_hot.push(KHot { vars: local, k: *k });
            }
        }
        Sub {
            vars,
            constraints: Some(Constraints {
                one_hot,
                k_hot,
                ..Default::default()
            }),
        }
    }

    /// The slack bits of a capacity row and as many of its items as fit: the chosen ones
    /// that cost least to drop and the others that cost least to add, half each, by weight
    /// density (`first`) or at random among the cheapest (the second pass).
    fn capacity_items(&self, cap: &Capacity, x: &[u8], first: bool) -> Sub {
        let room = self.k.saturating_sub(cap.slack.len());
        let mut inside: Vec<(f64, usize)> = Vec::new();
        let mut outside: Vec<(f64, usize)> = Vec::new();
        for &v in &cap.vars {
            let d = self.qubo.delta(x, v);
            if x[v] == 1 {
                inside.push((d, v));
            } else {
                outside.push((d, v));
            }
        }
        inside.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        outside.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        // The second pass of a round skips the cheapest few, to reach other exchanges.
        let skip = if first { 0 } else { room / 4 };
        let take_in = (room / 2).min(inside.len().saturating_sub(skip));
        let mut vars: Vec<usize> = inside
            .iter()
            .skip(skip)
            .take(take_in)
            .map(|p| p.1)
            .collect();
        let rest = room - take_in;
        vars.extend(outside.iter().skip(skip).take(rest).map(|p| p.1));
        if vars.len() < room {
            let more: Vec<usize> = inside
                .iter()
                .chain(&outside)
                .map(|p| p.1)
                .filter(|v| !vars.contains(v))
                .take(room - vars.len())
                .collect();
            vars.extend(more);
        }
        // Clamped items move into the capacity: the row stays a capacity row over the free
        // items with the room left, and keeps its slack bits.
        let clamped_load: f64 = cap
            .vars
            .iter()
            .zip(&cap.weights)
            .filter(|(v, _)| !vars.contains(v) && x[**v] == 1)
            .map(|(_, w)| w)
            .sum();
        let weights: Vec<f64> = vars
            .iter()
            .map(|v| {
                let i = cap.vars.iter().position(|u| u == v).unwrap_or(0);
                cap.weights[i]
            })
            .collect();
        let items = vars.len();
        vars.extend_from_slice(&cap.slack);
        let local = Capacity {
            vars: (0..items).collect(),
            weights,
            capacity: cap.capacity - clamped_load,
            slack: (items..vars.len()).collect(),
            slack_weights: cap.slack_weights.clone(),
        };
        Sub {
            vars,
            constraints: (local.capacity >= 0.0).then(|| Constraints {
                capacities: vec![local],
                ..Default::default()
            }),
        }
    }
}

/// Columns per permutation window: the largest `w` with `w² ≤ k`, at most the permutation's size.
fn window(k: usize, size: usize) -> usize {
    let mut w = 1;
    while (w + 1) * (w + 1) <= k {
        w += 1;
    }
    w.min(size)
}

fn shuffle(v: &mut [usize], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}
