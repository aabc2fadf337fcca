//! 0/1 knapsack instances: Ortega's `n W` + `value weight` files and Pisinger's CSV blocks.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::read_text;
use super::tsplib::stem;
use crate::error::{Result, invalid};

/// A 0/1 knapsack instance: maximise `Σ vᵢxᵢ` subject to `Σ wᵢxᵢ ≤ capacity`.
///
/// ```
/// use quboflow_problems::Knapsack;
/// let k = Knapsack::new("tiny", vec![5.0, 4.0, 3.0], vec![4.0, 3.0, 2.0], 5.0)?;
/// assert_eq!(k.value(&[0, 1, 1]), 7.0);
/// assert!(k.is_feasible(&[0, 1, 1]));
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Knapsack {
    /// Instance name.
    pub name: String,
    /// Item values (profits).
    pub values: Vec<f64>,
    /// Item weights.
    pub weights: Vec<f64>,
    /// Capacity.
    pub capacity: f64,
    /// Optimum value, when the file or its companion file gives it.
    pub optimum: Option<f64>,
    /// An optimal selection, when the file gives one.
    pub optimal_selection: Option<Vec<u8>>,
}

impl Knapsack {
    /// An instance from its data (values and weights finite and non-negative).
    pub fn new(name: &str, values: Vec<f64>, weights: Vec<f64>, capacity: f64) -> Result<Self> {
        if values.len() != weights.len() || values.is_empty() {
            return Err(invalid(
                "knapsack",
                format!(
                    "{} values and {} weights; need the same non-zero count",
                    values.len(),
                    weights.len()
                ),
            ));
        }
        if values
            .iter()
            .chain(&weights)
            .chain([&capacity])
            .any(|v| !v.is_finite() || *v < 0.0)
        {
            return Err(invalid(
                "knapsack",
                "values, weights and capacity must be finite and ≥ 0",
            ));
        }
        Ok(Knapsack {
            name: name.to_string(),
            values,
            weights,
            capacity,
            optimum: None,
            optimal_selection: None,
        })
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when there are no items (never, for a constructed instance).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Total value of a selection (one 0/1 per item).
    pub fn value(&self, x: &[u8]) -> f64 {
        x.iter()
            .zip(&self.values)
            .filter(|(b, _)| **b == 1)
            .map(|(_, v)| v)
            .sum()
    }

    /// Total weight of a selection.
    pub fn weight(&self, x: &[u8]) -> f64 {
        x.iter()
            .zip(&self.weights)
            .filter(|(b, _)| **b == 1)
            .map(|(_, w)| w)
            .sum()
    }

    /// True when the selection fits.
    pub fn is_feasible(&self, x: &[u8]) -> bool {
        self.weight(x) <= self.capacity
    }

    /// True when every value, weight and the capacity is an integer (the log-slack penalty is
    /// provably safe only then).
    pub fn is_integral(&self) -> bool {
        self.values
            .iter()
            .chain(&self.weights)
            .chain([&self.capacity])
            .all(|v| v.fract() == 0.0)
    }

    /// Reads a knapsack file: every instance of a Pisinger CSV file, or the one instance of
    /// an Ortega file (its optimum from the sibling `<dir>-optimum/<name>` file when present).
    pub fn read_all(path: &Path) -> Result<Vec<Knapsack>> {
        let text = read_text(path)?;
        let mut all = parse_any(&text, path)?;
        if let [k] = all.as_mut_slice()
            && k.optimum.is_none()
        {
            k.optimum = ortega_optimum(path);
        }
        Ok(all)
    }

    /// Reads one instance: an Ortega file, or `file.csv#name` / the first block of a
    /// Pisinger file.
    pub fn read(path: &Path) -> Result<Knapsack> {
        let (file, name) = crate::open::split_fragment(path);
        let all = Self::read_all(&file)?;
        pick(all, &file, name.as_deref())
    }
}

/// The instance named `name` (or the first) of a file's instances.
pub(crate) fn pick(all: Vec<Knapsack>, file: &Path, name: Option<&str>) -> Result<Knapsack> {
    match name {
        None => all.into_iter().next().ok_or_else(|| {
            invalid(
                "knapsack file",
                format!("{} holds no instance", file.display()),
            )
        }),
        Some(name) => {
            let names: Vec<String> = all.iter().map(|k| k.name.clone()).collect();
            all.into_iter().find(|k| k.name == name).ok_or_else(|| {
                quboflow::Error::parse(
                    file,
                    0,
                    format!(
                        "expected an instance named `{name}`, found {} ({})",
                        names.len(),
                        names.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
                .into()
            })
        }
    }
}

/// Parses a knapsack text by its content: Pisinger blocks when it opens with a name,
/// otherwise an Ortega file.
pub(crate) fn parse_any(text: &str, path: &Path) -> Result<Vec<Knapsack>> {
    // Pisinger blocks open with a name line, then `n <count>`.
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (first, second) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    if first.parse::<f64>().is_err() && second.split_whitespace().next() == Some("n") {
        parse_pisinger(text, path)
    } else {
        Ok(vec![parse_ortega(text, path)?])
    }
}

/// The optimum of an Ortega file from its sibling `<dir>-optimum/<name>` file, if any.
pub(crate) fn ortega_optimum(path: &Path) -> Option<f64> {
    let (dir, file) = (path.parent()?, path.file_name()?);
    let opt = dir.with_file_name(format!(
        "{}-optimum",
        dir.file_name().unwrap_or_default().to_string_lossy()
    ));
    let t = std::fs::read_to_string(opt.join(file)).ok()?;
    t.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Whitespace tokens with their 1-based line numbers.
fn tokens(text: &str) -> Vec<(&str, usize)> {
    text.lines()
        .enumerate()
        .flat_map(|(k, l)| l.split_whitespace().map(move |t| (t, k + 1)))
        .collect()
}

fn num(path: &Path, tok: Option<&(&str, usize)>, what: &str, last: usize) -> Result<f64> {
    match tok {
        None => {
            Err(quboflow::Error::parse(path, last, format!("file ended; expected {what}")).into())
        }
        Some((t, line)) => match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(quboflow::Error::parse(
                path,
                *line,
                format!("expected {what} (a non-negative number), found `{t}`"),
            )
            .into()),
        },
    }
}

/// Parses an Ortega file: `n W`, then `n` pairs `value weight`, then optionally `n` 0/1
/// tokens giving an optimal selection (the `large_scale` files). Read by tokens: the copies
/// have CRLF line ends, a split first line and no final newline.
pub fn parse_ortega(text: &str, path: &Path) -> Result<Knapsack> {
    let toks = tokens(text);
    let last = text.lines().count();
    let n_f = num(path, toks.first(), "the item count", last)?;
    if n_f.fract() != 0.0 || !(1.0..=1e7).contains(&n_f) {
        return Err(quboflow::Error::parse(
            path,
            toks[0].1,
            format!(
                "item count must be an integer from 1 to 10000000, found `{}`",
                toks[0].0
            ),
        )
        .into());
    }
    let n = n_f as usize;
    let capacity = num(path, toks.get(1), "the capacity", last)?;
    // Room for what the file holds, not what its first line claims.
    let mut values = Vec::with_capacity(n.min(toks.len() / 2));
    let mut weights = Vec::with_capacity(n.min(toks.len() / 2));
    for i in 0..n {
        values.push(num(
            path,
            toks.get(2 + 2 * i),
            &format!("the value of item {}", i + 1),
            last,
        )?);
        weights.push(num(
            path,
            toks.get(3 + 2 * i),
            &format!("the weight of item {}", i + 1),
            last,
        )?);
    }
    let rest = &toks[(2 + 2 * n).min(toks.len())..];
    let optimal_selection = match rest.len() {
        0 => None,
        k if k == n => Some(
            rest.iter()
                .map(|(t, line)| match *t {
                    "0" => Ok(0u8),
                    "1" => Ok(1u8),
                    _ => Err(quboflow::Error::parse(
                        path,
                        *line,
                        format!("expected 0 or 1 in the solution vector, found `{t}`"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        k => {
            return Err(quboflow::Error::parse(
                path,
                rest[0].1,
                format!(
                    "{k} tokens after the {n} items; expected none or a solution vector of {n}"
                ),
            )
            .into());
        }
    };
    let mut k = Knapsack::new(&stem(path), values, weights, capacity)?;
    k.optimal_selection = optimal_selection;
    Ok(k)
}

/// Parses a Pisinger CSV file: blocks of `name`, `n N`, `c C`, `z Z`, `time T`, `N` lines
/// `id,profit,weight,x`, and `-----`.
pub fn parse_pisinger(text: &str, path: &Path) -> Result<Vec<Knapsack>> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let err =
        |line: usize, m: String| -> crate::Error { quboflow::Error::parse(path, line, m).into() };
    let mut out = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let (name_line, name) = lines[k];
        let field = |idx: usize, key: &str| -> Result<f64> {
            let (line, l) = *lines
                .get(idx)
                .ok_or_else(|| err(name_line, format!("block `{name}` ended before `{key}`")))?;
            let v = l
                .strip_prefix(key)
                .map(str::trim)
                .ok_or_else(|| err(line, format!("expected `{key} <value>`, found `{l}`")))?;
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(err(
                    line,
                    format!("expected a finite number after `{key}`, found `{v}`"),
                )),
            }
        };
        let n = field(k + 1, "n")?;
        if n.fract() != 0.0 || !(1.0..=1e7).contains(&n) {
            return Err(err(
                lines[k + 1].0,
                format!("item count must be an integer from 1 to 10000000, found {n}"),
            ));
        }
        let n = n as usize;
        let capacity = field(k + 2, "c")?;
        if capacity < 0.0 || !capacity.is_finite() {
            return Err(err(
                lines[k + 2].0,
                format!("expected a non-negative capacity, found {capacity}"),
            ));
        }
        let optimum = field(k + 3, "z")?;
        let room = n.min(lines.len());
        let mut values = Vec::with_capacity(room);
        let mut weights = Vec::with_capacity(room);
        let mut x = Vec::with_capacity(room);
        for i in 0..n {
            let (line, l) = *lines.get(k + 5 + i).ok_or_else(|| {
                err(
                    name_line,
                    format!("block `{name}` ended after {i} of {n} items"),
                )
            })?;
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            if f.len() != 4 {
                return Err(err(
                    line,
                    format!("expected `id,profit,weight,x`, found `{l}`"),
                ));
            }
            let p = |s: &str, what: &str| match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(err(
                    line,
                    format!("expected {what} (a non-negative number), found `{s}`"),
                )),
            };
            values.push(p(f[1], "a profit")?);
            weights.push(p(f[2], "a weight")?);
            x.push(match f[3] {
                "0" => 0,
                "1" => 1,
                o => return Err(err(line, format!("expected x = 0 or 1, found `{o}`"))),
            });
        }
        let end = k + 5 + n;
        match lines.get(end) {
            Some((_, l)) if l.starts_with("---") => {}
            Some((line, l)) => {
                return Err(err(
                    *line,
                    format!("expected `-----` after {n} items, found `{l}`"),
                ));
            }
            None => {
                return Err(err(
                    name_line,
                    format!("block `{name}` has no closing `-----`"),
                ));
            }
        }
        let mut kp = Knapsack::new(name, values, weights, capacity)?;
        kp.optimum = Some(optimum);
        kp.optimal_selection = Some(x);
        out.push(kp);
        k = end + 1;
    }
    if out.is_empty() {
        return Err(err(0, "no instance blocks".into()));
    }
    Ok(out)
}
