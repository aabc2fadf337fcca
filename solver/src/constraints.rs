//! Structure an encoder knows about its QUBO: one-hot and k-hot groups, slack blocks.
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// groups, then each permutation's rows and columns.
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
    }

    /// True when there is a group or permutation a solver could move inside.
    pub fn has_structure(&self) -> bool {
        self.groups().next().is_some() || !self.permutations.is_empty()
    }

    /// Every rule as `(variables, k)`: the cardinality groups of [`Constraints::groups`], then
    /// each permutation's rows, then its columns (all with k = 1). Indices of
    /// [`Violation::group`] count in this order.
    pub fn all_rules(&self) -> Vec<(Vec<usize>, usize)> {
        let mut out: Vec<(Vec<usize>, usize)> =
            self.groups().map(|(v, k)| (v.to_vec(), k)).collect();
        for p in &self.permutations {
            let m = p.size;
            out.extend((0..m).map(|r| ((0..m).map(|c| p.var(r, c)).collect(), 1)));
            out.extend((0..m).map(|c| ((0..m).map(|r| p.var(r, c)).collect(), 1)));
        }
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

    /// True when every group holds exactly its required number of ones.
    pub fn is_satisfied(&self, x: &[u8]) -> bool {
        self.groups()
            .all(|(vars, k)| vars.iter().filter(|&&v| x.get(v) == Some(&1)).count() == k)
            && self.permutations.iter().all(|p| p.decode(x).is_some())
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
