//! Constraint-preserving moves: search only the states that satisfy a [`Constraints`].
//!
//! A move flips several variables at once so every cardinality group keeps its count of ones
//! (swap a 1 and a 0 inside the group) and every permutation stays a permutation (exchange the
//! columns of two rows, or reverse a run of columns — a 2-opt move when columns are tour
//! positions), the chosen sets of a set-partitioning model keep partitioning its elements
//! ([`cover`]), and every capacity row's slack bits are reset to the room left ([`capacity`]).
//! Other variables (bin-used flags, free items) move by single flips.
//! Simulated annealing and tabu search use this space when given constraints with structure;
//! it is what lets them solve encoded logistics problems, where single flips must climb over
//! a penalty wall for every step between two feasible states.

mod capacity;
mod cover;

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use crate::constraints::{Constraints, Permutation};
use crate::error::Result;
use crate::qubo::Qubo;

/// Above this many variables the couplings are looked up in the sparse rows instead of a
/// dense `n × n` copy (2048² f64 = 32 MiB).
const DENSE_MAX_VARS: usize = 2048;

/// Tabu scans the in/out pairs of a capacity row only up to this many (see `for_each_move`).
const MAX_ROW_PAIRS: usize = 1 << 16;

/// Which kind of move a variable takes part in.
#[derive(Debug, Clone, Copy)]
enum Site {
    Free(usize),
    Group(usize),
    Perm(usize),
    /// A set of the set-partitioning rows.
    Cover,
    /// Slack bit `k` of capacity row `row`: set by the moves, never moved on its own.
    Slack {
        row: u32,
        k: u8,
    },
}

/// One compound move: variables to flip, each `(var, turns_on)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Move {
    pub(crate) flips: Vec<(usize, bool)>,
    /// Per capacity row: the load change of the move (scratch of `Walker::complete`).
    pending: Vec<(u32, i64)>,
}

/// The move structure of a model: groups, permutations, set-partitioning sets, capacity rows
/// (with their slack bits) and free variables.
pub(crate) struct MoveSpace<'q> {
    qubo: &'q Qubo,
    n: usize,
    site_of: Vec<Site>,
    free: Vec<usize>,
    groups: Vec<(Vec<usize>, usize)>,
    perms: Vec<Permutation>,
    /// `(row, column)` of every permutation variable (unused entries 0), so a move's
    /// bookkeeping needs no search.
    perm_cell: Vec<(u32, u32)>,
    dense: Option<Vec<f64>>,
    cover: Option<cover::Cover>,
    rows: Vec<capacity::Row>,
    /// Per variable: the capacity rows it loads, with its weight in each.
    touch: Vec<Vec<(u32, i64)>>,
    /// Variables a random move may start at (all but slack bits).
    movable: Vec<usize>,
    /// Per capacity row: its free variables (items), which also move in pairs — one in,
    /// one out — so a full knapsack can exchange items without first dropping one.
    row_free: Vec<Vec<usize>>,
}

impl<'q> MoveSpace<'q> {
    /// Checks `constraints` against the model and indexes its structure.
    pub(crate) fn new(qubo: &'q Qubo, constraints: &Constraints) -> Result<Self> {
        let n = qubo.num_vars();
        constraints.validate(n)?;
        let mut site_of: Vec<Option<Site>> = vec![None; n];
        let groups: Vec<(Vec<usize>, usize)> =
            constraints.groups().map(|(v, k)| (v.to_vec(), k)).collect();
        for (g, (vars, _)) in groups.iter().enumerate() {
            for &v in vars {
                site_of[v] = Some(Site::Group(g));
            }
        }
        for (p, perm) in constraints.permutations.iter().enumerate() {
            for &v in &perm.vars {
                site_of[v] = Some(Site::Perm(p));
            }
        }
        let mut perm_cell = vec![(0u32, 0u32); n];
        for perm in &constraints.permutations {
            for (k, &v) in perm.vars.iter().enumerate() {
                perm_cell[v] = ((k / perm.size) as u32, (k % perm.size) as u32);
            }
        }
        let cover = cover::Cover::new(&constraints.set_partition, n);
        if let Some(c) = &cover {
            for (v, site) in site_of.iter_mut().enumerate() {
                if c.mask[v] != 0 {
                    *site = Some(Site::Cover);
                }
            }
        }
        let (rows, touch) = capacity::rows(constraints, &mut site_of);
        let free: Vec<usize> = (0..n).filter(|&i| site_of[i].is_none()).collect();
        let site_of: Vec<Site> = site_of
            .into_iter()
            .enumerate()
            .map(|(i, s)| s.unwrap_or(Site::Free(i)))
            .collect();
        let movable = (0..n)
            .filter(|&i| !matches!(site_of[i], Site::Slack { .. }))
            .collect();
        let mut row_free = vec![Vec::new(); rows.len()];
        for &v in &free {
            for &(r, _) in &touch[v] {
                row_free[r as usize].push(v);
            }
        }
        let dense = (n <= DENSE_MAX_VARS).then(|| {
            let mut m = vec![0.0; n * n];
            for (i, j, w) in qubo.interactions() {
                m[i * n + j] = w;
                m[j * n + i] = w;
            }
            m
        });
        Ok(MoveSpace {
            qubo,
            n,
            site_of,
            free,
            groups,
            perms: constraints.permutations.clone(),
            perm_cell,
            dense,
            cover,
            rows,
            touch,
            movable,
            row_free,
        })
    }

    /// True for the slack bits of the capacity rows the moves keep (tabu search does not
    /// make them tabu: they follow the other variables).
    pub(crate) fn is_slack(&self, i: usize) -> bool {
        matches!(self.site_of[i], Site::Slack { .. })
    }

    /// True for variables that move alone (single flips), in no group, permutation, set
    /// partition or slack block.
    pub(crate) fn is_free(&self, i: usize) -> bool {
        matches!(self.site_of[i], Site::Free(_))
    }

    #[inline]
    fn coupling(&self, i: usize, j: usize) -> f64 {
        match &self.dense {
            Some(m) => m[i * self.n + j],
            None => self.qubo.quadratic(i, j),
        }
    }

    /// Number of places a move can start: free variables, groups, permutation rows,
    /// set-partitioning elements.
    pub(crate) fn num_sites(&self) -> usize {
        self.free.len()
            + self.groups.len()
            + self.perms.iter().map(|p| p.size).sum::<usize>()
            + self.cover.as_ref().map_or(0, |c| c.elements())
    }

    /// A uniformly random feasible state (random `k` of each group, random permutations,
    /// random free bits).
    pub(crate) fn random_state(&self, rng: &mut Xoshiro256PlusPlus) -> Vec<u8> {
        let mut x = vec![0u8; self.n];
        for &i in &self.free {
            x[i] = rng.random_range(0..2u8);
        }
        for (vars, k) in &self.groups {
            let mut order = vars.clone();
            shuffle(&mut order, rng);
            for &v in &order[..*k] {
                x[v] = 1;
            }
        }
        for p in &self.perms {
            let mut cols: Vec<usize> = (0..p.size).collect();
            shuffle(&mut cols, rng);
            for (r, &c) in cols.iter().enumerate() {
                x[p.var(r, c)] = 1;
            }
        }
        if let Some(c) = &self.cover {
            c.complete(&mut x, 0, rng);
        }
        self.fit_capacities(&mut x, rng);
        x
    }

    /// The nearest feasible state to `x` that this space can reach: each group keeps the ones
    /// it has (random ones dropped or added to reach `k`), each permutation keeps every row
    /// whose column is unique and places the other rows in the free columns.
    pub(crate) fn make_feasible(&self, x: &[u8], rng: &mut Xoshiro256PlusPlus) -> Vec<u8> {
        let mut y = x.to_vec();
        for (vars, k) in &self.groups {
            let mut on: Vec<usize> = vars.iter().copied().filter(|&v| y[v] == 1).collect();
            let mut off: Vec<usize> = vars.iter().copied().filter(|&v| y[v] == 0).collect();
            shuffle(&mut on, rng);
            shuffle(&mut off, rng);
            while on.len() > *k {
                let v = on.pop().unwrap_or_default();
                y[v] = 0;
            }
            while on.len() < *k {
                let v = off.pop().unwrap_or_default();
                y[v] = 1;
                on.push(v);
            }
        }
        for p in &self.perms {
            let m = p.size;
            let mut col_of = vec![usize::MAX; m];
            let mut used = vec![false; m];
            for r in 0..m {
                for c in 0..m {
                    if y[p.var(r, c)] == 1 && col_of[r] == usize::MAX && !used[c] {
                        col_of[r] = c;
                        used[c] = true;
                    }
                    y[p.var(r, c)] = 0;
                }
            }
            let mut spare: Vec<usize> = (0..m).filter(|&c| !used[c]).collect();
            shuffle(&mut spare, rng);
            for r in 0..m {
                if col_of[r] == usize::MAX {
                    col_of[r] = spare.pop().unwrap_or_default();
                }
                y[p.var(r, col_of[r])] = 1;
            }
        }
        if let Some(c) = &self.cover {
            c.make_feasible(&mut y, rng);
        }
        self.fit_capacities(&mut y, rng);
        y
    }
}

/// Fisher–Yates shuffle with the read's generator.
fn shuffle<T>(v: &mut [T], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// A feasible state with its local fields `f_i = h_i + Σ_j Q_ij x_j` and the bookkeeping
/// that makes random moves O(1) to pick.
pub(crate) struct Walker<'s, 'q> {
    space: &'s MoveSpace<'q>,
    pub(crate) x: Vec<u8>,
    field: Vec<f64>,
    pub(crate) energy: f64,
    /// Per group: its ones and its zeros (positions tracked in `slot`).
    on: Vec<Vec<usize>>,
    off: Vec<Vec<usize>>,
    slot: Vec<usize>,
    /// Per permutation: the column of each row and the row in each column.
    col_of: Vec<Vec<usize>>,
    row_at: Vec<Vec<usize>>,
    /// The chosen sets of the set-partitioning rows (positions tracked in `slot`).
    chosen: Vec<usize>,
    /// Per capacity row: its load and its slack bits as a pattern.
    loads: Vec<i64>,
    slack_bits: Vec<u64>,
}

impl<'s, 'q> Walker<'s, 'q> {
    /// Starts from a feasible `x` (see [`MoveSpace::make_feasible`]).
    pub(crate) fn new(space: &'s MoveSpace<'q>, x: Vec<u8>) -> Self {
        let q = space.qubo;
        let field = (0..space.n).map(|i| q.local_field(&x, i)).collect();
        let energy = q.energy(&x);
        let mut slot = vec![0; space.n];
        let mut on = Vec::with_capacity(space.groups.len());
        let mut off = Vec::with_capacity(space.groups.len());
        for (vars, _) in &space.groups {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for &v in vars {
                let list = if x[v] == 1 { &mut a } else { &mut b };
                slot[v] = list.len();
                list.push(v);
            }
            on.push(a);
            off.push(b);
        }
        let mut col_of = Vec::new();
        let mut row_at = Vec::new();
        for p in &space.perms {
            let cols = p.decode(&x).unwrap_or_else(|| (0..p.size).collect());
            let mut rows = vec![0; p.size];
            for (r, &c) in cols.iter().enumerate() {
                rows[c] = r;
            }
            col_of.push(cols);
            row_at.push(rows);
        }
        let mut chosen = Vec::new();
        for v in 0..space.n {
            if matches!(space.site_of[v], Site::Cover) && x[v] == 1 {
                slot[v] = chosen.len();
                chosen.push(v);
            }
        }
        let loads = (0..space.rows.len()).map(|r| space.load(&x, r)).collect();
        let slack_bits = space
            .rows
            .iter()
            .map(|row| {
                (row.slack.iter().enumerate())
                    .filter(|(_, v)| x[**v] == 1)
                    .fold(0u64, |p, (k, _)| p | 1 << k)
            })
            .collect();
        Walker {
            space,
            x,
            field,
            energy,
            on,
            off,
            slot,
            col_of,
            row_at,
            chosen,
            loads,
            slack_bits,
        }
    }

    /// Appends to `flips` the slack bits that keep every capacity row it loads at its
    /// room left; false (the move is not allowed) when a row would be overloaded further or
    /// its slack cannot hold the new room.
    fn complete(&self, mv: &mut Move) -> bool {
        if self.space.rows.is_empty() {
            return true;
        }
        let Move { flips, pending } = mv;
        pending.clear();
        for &(v, on) in flips.iter() {
            for &(r, w) in &self.space.touch[v] {
                let dw = if on { w } else { -w };
                match pending.iter_mut().find(|(rr, _)| *rr == r) {
                    Some((_, d)) => *d += dw,
                    None => pending.push((r, dw)),
                }
            }
        }
        for &(r, d) in pending.iter() {
            let (row, old) = (&self.space.rows[r as usize], self.loads[r as usize]);
            if d == 0 {
                continue;
            }
            if !row.allows(old, old + d) {
                return false;
            }
            let Some(pat) = row.pattern(row.target(old + d)) else {
                return false;
            };
            let mut diff = pat ^ self.slack_bits[r as usize];
            while diff != 0 {
                let k = diff.trailing_zeros() as usize;
                diff &= diff - 1;
                flips.push((row.slack[k], pat >> k & 1 == 1));
            }
        }
        true
    }

    /// Energy change of `mv` without applying it:
    /// `Σ_k s_k f_k + Σ_{k<l} s_k s_l Q_kl` with `s = +1` for a variable turned on, −1 off.
    pub(crate) fn delta(&self, mv: &Move) -> f64 {
        let f = &mv.flips;
        let mut d = 0.0;
        for (a, &(i, on_i)) in f.iter().enumerate() {
            let si = if on_i { 1.0 } else { -1.0 };
            d += si * self.field[i];
            for &(j, on_j) in &f[a + 1..] {
                let w = self.space.coupling(i, j);
                if w != 0.0 {
                    d += if on_i == on_j { w } else { -w };
                }
            }
        }
        d
    }

    fn flip(&mut self, i: usize) {
        let turn_on = self.x[i] == 0;
        let s = if turn_on { 1.0 } else { -1.0 };
        self.energy += s * self.field[i];
        self.x[i] = u8::from(turn_on);
        let (cols, vals) = self.space.qubo.adjacency().row(i);
        for (j, w) in cols.iter().zip(vals) {
            self.field[*j as usize] += s * w;
        }
    }

    /// Applies `mv` (produced by this walker for its current state).
    pub(crate) fn apply(&mut self, mv: &Move) {
        for &(i, on) in &mv.flips {
            self.flip(i);
            for &(r, w) in &self.space.touch[i] {
                self.loads[r as usize] += if on { w } else { -w };
            }
            match self.space.site_of[i] {
                Site::Slack { row, k } => self.slack_bits[row as usize] ^= 1 << k,
                Site::Cover if on => {
                    self.slot[i] = self.chosen.len();
                    self.chosen.push(i);
                }
                Site::Cover => {
                    let at = self.slot[i];
                    self.chosen.swap_remove(at);
                    if let Some(&moved) = self.chosen.get(at) {
                        self.slot[moved] = at;
                    }
                }
                _ => {}
            }
        }
        // Keep the group and permutation bookkeeping in step.
        if let Some(&(first, _)) = mv.flips.first() {
            match self.space.site_of[first] {
                Site::Free(_) | Site::Cover | Site::Slack { .. } => {}
                Site::Group(g) => {
                    let (a, b) = (mv.flips[0].0, mv.flips[1].0);
                    let (sa, sb) = (self.slot[a], self.slot[b]);
                    self.on[g][sa] = b;
                    self.off[g][sb] = a;
                    self.slot[a] = sb;
                    self.slot[b] = sa;
                }
                Site::Perm(p) => {
                    for &(v, turned_on) in &mv.flips {
                        if turned_on && matches!(self.space.site_of[v], Site::Perm(_)) {
                            let (r, c) = self.space.perm_cell[v];
                            let (r, c) = (r as usize, c as usize);
                            self.col_of[p][r] = c;
                            self.row_at[p][c] = r;
                        }
                    }
                }
            }
        }
    }

    /// Refreshes fields and energy from scratch (bounds rounding drift on long runs).
    pub(crate) fn resync(&mut self) {
        let q = self.space.qubo;
        for i in 0..self.space.n {
            self.field[i] = q.local_field(&self.x, i);
        }
        self.energy = q.energy(&self.x);
    }

    /// A random move: a variable (not a slack bit) is drawn uniformly and moves with its
    /// group, permutation (half swaps, half reversals), the set partition (an exchange of
    /// chosen sets) or alone; capacity slack follows. False when the drawn place cannot move
    /// or the move would overload a capacity row.
    pub(crate) fn random_move(&self, rng: &mut Xoshiro256PlusPlus, mv: &mut Move) -> bool {
        mv.flips.clear();
        let movable = &self.space.movable;
        let v = if movable.len() == self.space.n {
            rng.random_range(0..self.space.n)
        } else if movable.is_empty() {
            return false;
        } else {
            movable[rng.random_range(0..movable.len())]
        };
        match self.space.site_of[v] {
            Site::Slack { .. } => return false,
            Site::Cover => {
                let cover = self.space.cover.as_ref();
                if !cover.is_some_and(|c| c.random_move(&self.chosen, rng, mv)) {
                    return false;
                }
            }
            Site::Free(i) => {
                mv.flips.push((i, self.x[i] == 0));
                // Half the moves of a loaded item are exchanges with an item of the other
                // state in its row (a few draws to find one).
                if let Some(&(r, _)) = self.space.touch[i].first()
                    && rng.random_range(0..2u8) == 0
                {
                    let row = &self.space.row_free[r as usize];
                    if let Some(j) = (0..4)
                        .map(|_| row[rng.random_range(0..row.len())])
                        .find(|&j| self.x[j] != self.x[i])
                    {
                        mv.flips.push((j, self.x[j] == 0));
                    }
                }
            }
            Site::Group(g) => {
                let (on, off) = (&self.on[g], &self.off[g]);
                if on.is_empty() || off.is_empty() {
                    return false;
                }
                let a = on[rng.random_range(0..on.len())];
                let b = off[rng.random_range(0..off.len())];
                mv.flips.push((a, false));
                mv.flips.push((b, true));
            }
            Site::Perm(p) => {
                let m = self.space.perms[p].size;
                if m < 2 {
                    return false;
                }
                let a = rng.random_range(0..m);
                let mut b = rng.random_range(0..m - 1);
                if b >= a {
                    b += 1;
                }
                if rng.random_range(0..2u8) == 0 {
                    self.swap_rows(p, a, b, mv);
                } else {
                    self.reverse_columns(p, a.min(b), a.max(b), mv);
                }
            }
        }
        self.complete(mv)
    }

    /// Rows `r1` and `r2` exchange columns.
    fn swap_rows(&self, p: usize, r1: usize, r2: usize, mv: &mut Move) {
        let perm = &self.space.perms[p];
        let (c1, c2) = (self.col_of[p][r1], self.col_of[p][r2]);
        mv.flips.push((perm.var(r1, c1), false));
        mv.flips.push((perm.var(r2, c2), false));
        mv.flips.push((perm.var(r1, c2), true));
        mv.flips.push((perm.var(r2, c1), true));
    }

    /// The rows in columns `a..=b` are put in reverse order.
    fn reverse_columns(&self, p: usize, a: usize, b: usize, mv: &mut Move) {
        let perm = &self.space.perms[p];
        for c in a..=b {
            let old = self.row_at[p][c];
            let new = self.row_at[p][a + b - c];
            if old != new {
                mv.flips.push((perm.var(old, c), false));
                mv.flips.push((perm.var(new, c), true));
            }
        }
    }

    /// Every move of the neighbourhood tabu search scans: free flips, group swaps, row swaps
    /// and column-run reversals of each permutation.
    pub(crate) fn for_each_move(&self, mv: &mut Move, mut f: impl FnMut(&Move)) {
        // Every move passes through here: capacity slack follows, overloading moves drop out.
        let mut emit = |mv: &mut Move| {
            if self.complete(mv) {
                f(mv);
            }
        };
        for &i in &self.space.free {
            mv.flips.clear();
            mv.flips.push((i, self.x[i] == 0));
            emit(mv);
        }
        for g in 0..self.space.groups.len() {
            for &a in &self.on[g] {
                for &b in &self.off[g] {
                    mv.flips.clear();
                    mv.flips.push((a, false));
                    mv.flips.push((b, true));
                    emit(mv);
                }
            }
        }
        for (p, perm) in self.space.perms.iter().enumerate() {
            let m = perm.size;
            for a in 0..m {
                for b in a + 1..m {
                    mv.flips.clear();
                    self.swap_rows(p, a, b, mv);
                    emit(mv);
                    if b > a + 1 {
                        mv.flips.clear();
                        self.reverse_columns(p, a, b, mv);
                        emit(mv);
                    }
                }
            }
        }
        for row in &self.space.row_free {
            // Every in/out pair of a long row would make one iteration quadratic (10 000
            // items: 25 M pairs); past `MAX_ROW_PAIRS` the row moves by single flips only.
            let on = row.iter().filter(|&&a| self.x[a] == 1).count();
            if on * (row.len() - on) > MAX_ROW_PAIRS {
                continue;
            }
            for &a in row.iter().filter(|&&a| self.x[a] == 1) {
                for &b in row.iter().filter(|&&b| self.x[b] == 0) {
                    mv.flips.clear();
                    mv.flips.push((a, false));
                    mv.flips.push((b, true));
                    emit(mv);
                }
            }
        }
        if let Some(cover) = &self.space.cover {
            cover.for_each_move(&self.chosen, mv, emit);
        }
    }
}

#[cfg(test)]
mod tests;
