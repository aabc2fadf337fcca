//! Structure an encoder knows about its QUBO: one-hot and k-hot groups, permutations,
//! set-partitioning rows, capacity rows and slack blocks.
//!
//! Solvers may exploit it (QAOA builds XY mixers and feasible start states from the groups;
//! classical solvers may move inside a group). A plain QUBO has none.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A group of variables of which exactly `k` must be 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KHot {
    /// The variables of the group (distinct indices).
    pub vars: Vec<usize>,
    /// How many of them must be 1.
    pub k: usize,
}

/// Constraints that an encoding imposes through penalties, recorded so solvers can respect them.
///
/// ```
/// use quboflow::Constraints;
/// let c = Constraints { one_hot: vec![vec![0, 1, 2]], ..Default::default() };
/// c.validate(3)?;
/// assert!(c.is_satisfied(&[0, 1, 0]));
/// assert_eq!(c.violations(&[1, 1, 0]).len(), 1);
/// # Ok::<(), quboflow::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Constraints {
    /// Groups of which exactly one variable is 1 (e.g. one city per tour position).
    pub one_hot: Vec<Vec<usize>>,
    /// Groups of which exactly `k` variables are 1.
    pub k_hot: Vec<KHot>,
    /// Slack variables (e.g. the log-encoded slack of a knapsack), free of any group rule.
    pub slack: Vec<Vec<usize>>,
    /// Permutation matrices (TSP, assignment): every row and every column one-hot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permutations: Vec<Permutation>,
    /// Set-partitioning rows (e.g. CVRP over candidate routes): for each element, the
    /// variables whose set contains it; exactly one of each row must be 1. Unlike `one_hot`,
    /// rows overlap — a variable sits in the row of every element of its set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_partition: Vec<Vec<usize>>,
    /// Capacity rows `Σ wᵢ xᵢ ≤ capacity` (knapsack, bin and vehicle loads), with the slack
    /// bits the penalty uses to turn them into equalities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacities: Vec<Capacity>,
}

/// A capacity row `Σ weights[i]·x[vars[i]] ≤ capacity`. When `slack` is not empty, the
/// penalty is `A(Σ wᵢxᵢ + Σ cₖsₖ − capacity)²` with `cₖ = slack_weights[k]`, so a feasible
/// state has zero penalty exactly when the slack bits hold `capacity − Σ wᵢxᵢ`.
///
/// Weights are integers (any sign, stored as `f64`); slack weights positive integers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capacity {
    /// The variables of the row.
    pub vars: Vec<usize>,
    /// Their weights, one per variable.
    pub weights: Vec<f64>,
    /// Right-hand side.
    pub capacity: f64,
    /// Slack variables (empty for an unbalanced-penalty or plain inequality).
    #[serde(default)]
    pub slack: Vec<usize>,
    /// Slack weights, one per slack variable.
    #[serde(default)]
    pub slack_weights: Vec<f64>,
}

impl Capacity {
    /// `Σ wᵢ xᵢ` over the row's variables.
    pub fn load(&self, x: &[u8]) -> f64 {
        self.vars
            .iter()
            .zip(&self.weights)
            .filter(|(v, _)| x.get(**v) == Some(&1))
            .map(|(_, w)| w)
            .sum()
    }
}

/// A `size × size` block of variables that must form a permutation matrix: exactly one 1 in
/// every row and every column (row = item, e.g. a city; column = slot, e.g. a tour position).
///
/// Rows and columns overlap, so they cannot be listed as disjoint one-hot groups; solvers that
/// know permutations move inside them (swap two rows' columns, reverse a run of columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permutation {
    /// Side of the matrix.
    pub size: usize,
    /// Row-major variable indices: `vars[r * size + c]` is 1 when row `r` sits in column `c`.
    pub vars: Vec<usize>,
}

impl Permutation {
    /// The variable of row `r`, column `c`.
    pub fn var(&self, r: usize, c: usize) -> usize {
        self.vars[r * self.size + c]
    }

    /// The column of every row when `x` holds a permutation, else `None`.
    #[allow(clippy::needless_range_loop)] // r and c index the matrix, not one array
    pub fn decode(&self, x: &[u8]) -> Option<Vec<usize>> {
        let m = self.size;
        let mut col_of = vec![usize::MAX; m];
        let mut used = vec![false; m];
        for r in 0..m {
            for c in 0..m {
                if x.get(self.var(r, c)) == Some(&1) {
                    if col_of[r] != usize::MAX || used[c] {
                        return None;
                    }
                    col_of[r] = c;
                    used[c] = true;
                }
            }
        }
        col_of.iter().all(|&c| c != usize::MAX).then_some(col_of)
    }
}

/// One violated group of a [`Constraints`], as reported for a sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Index of the rule, in the order of [`Constraints::all_rules`]: one-hot groups, k-hot
    /// groups, each permutation's rows and columns, then the set-partitioning rows.
    pub group: usize,
    /// Number of its variables required to be 1.
    pub required: usize,
    /// Number of its variables that are 1 in the sample.
    pub found: usize,
}

impl Constraints {
    /// True when there are no groups at all.
    pub fn is_empty(&self) -> bool {
        self.one_hot.is_empty()
            && self.k_hot.is_empty()
            && self.slack.is_empty()
            && self.permutations.is_empty()
            && self.set_partition.is_empty()
            && self.capacities.is_empty()
    }

    /// True when there is a group, permutation, set-partitioning or capacity row a solver
    /// could move inside (slack blocks alone are not structure).
    pub fn has_structure(&self) -> bool {
        self.groups().next().is_some()
            || !self.permutations.is_empty()
            || !self.set_partition.is_empty()
            || !self.capacities.is_empty()
    }

    /// Every rule as `(variables, k)`: the cardinality groups of [`Constraints::groups`], then
    /// each permutation's rows, then its columns, then the set-partitioning rows (all with
    /// k = 1). Indices of [`Violation::group`] count in this order. Capacity rows are not
    /// counting rules; see [`Constraints::is_satisfied`].
    pub fn all_rules(&self) -> Vec<(Vec<usize>, usize)> {
        let mut out: Vec<(Vec<usize>, usize)> =
            self.groups().map(|(v, k)| (v.to_vec(), k)).collect();
        for p in &self.permutations {
            let m = p.size;
            out.extend((0..m).map(|r| ((0..m).map(|c| p.var(r, c)).collect(), 1)));
            out.extend((0..m).map(|c| ((0..m).map(|r| p.var(r, c)).collect(), 1)));
        }
        out.extend(self.set_partition.iter().map(|row| (row.clone(), 1)));
        out
    }

    /// Disjoint groups for a Hamming-weight-preserving (XY) mixer: the cardinality groups,
    /// then the columns of each permutation (XY on one family; the rows stay penalised).
    pub fn mixer_groups(&self) -> Vec<(Vec<usize>, usize)> {
        let mut out: Vec<(Vec<usize>, usize)> =
            self.groups().map(|(v, k)| (v.to_vec(), k)).collect();
        for p in &self.permutations {
            let m = p.size;
            out.extend((0..m).map(|c| ((0..m).map(|r| p.var(r, c)).collect(), 1)));
        }
        out
    }

    /// All cardinality groups as `(variables, k)`: the one-hot groups (k = 1), then the k-hot ones.
    pub fn groups(&self) -> impl Iterator<Item = (&[usize], usize)> + '_ {
        self.one_hot
            .iter()
            .map(|g| (g.as_slice(), 1))
            .chain(self.k_hot.iter().map(|g| (g.vars.as_slice(), g.k)))
    }

    /// Checks indices against `num_vars`, that no group is empty, that `k` fits its group and
    /// that no variable is in two cardinality groups.
    pub fn validate(&self, num_vars: usize) -> Result<()> {
        let mut owner = vec![usize::MAX; num_vars];
        for (gi, (vars, k)) in self.groups().enumerate() {
            if vars.is_empty() {
                return Err(invalid(format!("group {gi} is empty")));
            }
            if k > vars.len() {
                return Err(invalid(format!(
                    "group {gi} requires {k} of its {} variables to be 1",
                    vars.len()
                )));
            }
            for &v in vars {
                if v >= num_vars {
                    return Err(Error::IndexOutOfRange { index: v, num_vars });
                }
                if owner[v] != usize::MAX {
                    return Err(invalid(format!(
                        "variable {v} is in groups {} and {gi}; groups must be disjoint",
                        owner[v]
                    )));
                }
                owner[v] = gi;
            }
        }
        for (pi, p) in self.permutations.iter().enumerate() {
            if p.size == 0 || p.vars.len() != p.size * p.size {
                return Err(invalid(format!(
                    "permutation {pi} has {} variables, not size² = {}",
                    p.vars.len(),
                    p.size * p.size
                )));
            }
            for &v in &p.vars {
                if v >= num_vars {
                    return Err(Error::IndexOutOfRange { index: v, num_vars });
                }
                if owner[v] != usize::MAX {
                    return Err(invalid(format!(
                        "variable {v} is in a group and in permutation {pi}; they must be disjoint"
                    )));
                }
                owner[v] = usize::MAX - 1;
            }
        }
        for block in &self.slack {
            if let Some(&v) = block.iter().find(|&&v| v >= num_vars) {
                return Err(Error::IndexOutOfRange { index: v, num_vars });
            }
        }
        for (ri, row) in self.set_partition.iter().enumerate() {
            if row.is_empty() {
                return Err(invalid(format!("set-partitioning row {ri} is empty")));
            }
            for &v in row {
                if v >= num_vars {
                    return Err(Error::IndexOutOfRange { index: v, num_vars });
                }
                if owner[v] != usize::MAX {
                    return Err(invalid(format!(
                        "variable {v} is in set-partitioning row {ri} and in a group or \
                         permutation; they must be disjoint"
                    )));
                }
            }
        }
        for (ci, c) in self.capacities.iter().enumerate() {
            if c.vars.len() != c.weights.len() || c.slack.len() != c.slack_weights.len() {
                return Err(invalid(format!(
                    "capacity row {ci}: {} variables but {} weights, {} slack bits but {} slack weights",
                    c.vars.len(),
                    c.weights.len(),
                    c.slack.len(),
                    c.slack_weights.len()
                )));
            }
            if let Some(&v) = c.vars.iter().chain(&c.slack).find(|&&v| v >= num_vars) {
                return Err(Error::IndexOutOfRange { index: v, num_vars });
            }
            let integer = |w: &f64| w.is_finite() && w.fract() == 0.0;
            if !c.weights.iter().all(integer)
                || !integer(&c.capacity)
                || !c.slack_weights.iter().all(|w| integer(w) && *w > 0.0)
            {
                return Err(invalid(format!(
                    "capacity row {ci}: weights and capacity must be integers, slack weights \
                     positive integers"
                )));
            }
        }
        Ok(())
    }

    /// The groups whose count of ones differs from the requirement.
    pub fn violations(&self, x: &[u8]) -> Vec<Violation> {
        self.all_rules()
            .into_iter()
            .enumerate()
            .filter_map(|(group, (vars, k))| {
                let found = vars.iter().filter(|&&v| x.get(v) == Some(&1)).count();
                (found != k).then_some(Violation {
                    group,
                    required: k,
                    found,
                })
            })
            .collect()
    }

    /// True when every group and set-partitioning row holds exactly its required number of
    /// ones, every permutation is one, and every capacity row's load is within its capacity.
    pub fn is_satisfied(&self, x: &[u8]) -> bool {
        let count = |vars: &[usize]| vars.iter().filter(|&&v| x.get(v) == Some(&1)).count();
        self.groups().all(|(vars, k)| count(vars) == k)
            && self.permutations.iter().all(|p| p.decode(x).is_some())
            && self.set_partition.iter().all(|row| count(row) == 1)
            && self.capacities.iter().all(|c| c.load(x) <= c.capacity)
    }
}

fn invalid(reason: String) -> Error {
    Error::InvalidParameter {
        name: "constraints",
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_rejects_overlap_range_and_bad_k() {
        let overlap = Constraints {
            one_hot: vec![vec![0, 1], vec![1, 2]],
            ..Default::default()
        };
        assert!(
            overlap
                .validate(3)
                .unwrap_err()
                .to_string()
                .contains("groups 0 and 1")
        );
        let range = Constraints {
            one_hot: vec![vec![0, 5]],
            ..Default::default()
        };
        assert!(matches!(
            range.validate(3),
            Err(Error::IndexOutOfRange { index: 5, .. })
        ));
        let k = Constraints {
            k_hot: vec![KHot {
                vars: vec![0, 1],
                k: 3,
            }],
            ..Default::default()
        };
        assert!(k.validate(3).is_err());
    }

    #[test]
    fn violations_count_ones_per_group() {
        let c = Constraints {
            one_hot: vec![vec![0, 1, 2]],
            k_hot: vec![KHot {
                vars: vec![3, 4, 5],
                k: 2,
            }],
            ..Default::default()
        };
        assert!(c.is_satisfied(&[0, 0, 1, 1, 1, 0]));
        let v = c.violations(&[1, 1, 0, 1, 0, 0]);
        assert_eq!(
            v,
            vec![
                Violation {
                    group: 0,
                    required: 1,
                    found: 2
                },
                Violation {
                    group: 1,
                    required: 2,
                    found: 1
                }
            ]
        );
    }
}

#[cfg(test)]
mod permutation_tests {
    use super::*;

    #[test]
    fn permutation_rows_and_columns_are_checked() {
        let c = Constraints {
            permutations: vec![Permutation {
                size: 2,
                vars: vec![0, 1, 2, 3],
            }],
            ..Default::default()
        };
        c.validate(4).unwrap();
        assert!(c.is_satisfied(&[0, 1, 1, 0]));
        assert_eq!(c.permutations[0].decode(&[0, 1, 1, 0]), Some(vec![1, 0]));
        // Both rows in column 0: column 0 has two, column 1 none.
        let v = c.violations(&[1, 0, 1, 0]);
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|v| v.group >= 2));
        assert_eq!(c.mixer_groups().len(), 2);
        let clash = Constraints {
            one_hot: vec![vec![0, 4]],
            ..c.clone()
        };
        assert!(clash.validate(5).is_err());
    }
}

#[cfg(test)]
mod partition_and_capacity_tests {
    use super::*;

    fn model() -> Constraints {
        // Sets {0} (var 0), {1} (var 1), {0,1} (var 2); items 3, 4 with weights 2, 3 ≤ 4,
        // slack bits 5, 6 of weights 1, 3.
        Constraints {
            set_partition: vec![vec![0, 2], vec![1, 2]],
            capacities: vec![Capacity {
                vars: vec![3, 4],
                weights: vec![2.0, 3.0],
                capacity: 4.0,
                slack: vec![5, 6],
                slack_weights: vec![1.0, 3.0],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn rows_overlap_and_loads_are_bounded() {
        let c = model();
        c.validate(7).unwrap();
        assert!(c.has_structure() && c.mixer_groups().is_empty());
        assert!(c.is_satisfied(&[0, 0, 1, 1, 0, 0, 0]));
        assert!(c.is_satisfied(&[1, 1, 0, 0, 1, 0, 0]));
        // {0} and {0,1}: element 0 twice (the second rule of all_rules is element 1: fine).
        let v = c.violations(&[1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].group, v[0].found), (0, 2));
        // Both items: load 5 > 4.
        assert!(!c.is_satisfied(&[0, 0, 1, 1, 1, 0, 0]));
        assert_eq!(c.capacities[0].load(&[0, 0, 1, 1, 1, 0, 0]), 5.0);
    }

    #[test]
    fn validate_rejects_bad_rows() {
        let mut c = model();
        c.one_hot = vec![vec![2, 3]];
        assert!(
            c.validate(7)
                .unwrap_err()
                .to_string()
                .contains("set-partitioning")
        );
        let mut c = model();
        c.capacities[0].weights.pop();
        assert!(c.validate(7).unwrap_err().to_string().contains("weights"));
        let mut c = model();
        c.capacities[0].slack_weights[0] = 0.5;
        assert!(c.validate(7).unwrap_err().to_string().contains("integers"));
        let mut c = model();
        c.capacities[0].slack[1] = 9;
        assert!(matches!(
            c.validate(7),
            Err(Error::IndexOutOfRange { index: 9, .. })
        ));
        let mut c = model();
        c.set_partition.push(vec![]);
        assert!(c.validate(7).is_err());
    }
}
