//! Library enums as command-line choices: `--help` lists each value with the library's own
//! one-line description, and parsing goes through the library's `FromStr`, so the CLI and
//! Python accept the same names.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use quboflow_problems::{Encoding, FileFormat};
use quboflow_runtime::SolverKind;

/// A parser accepting `values` (`(name, help)`) and the hidden `aliases`, producing `T`
/// through its `FromStr`.
fn parser<T>(
    values: impl IntoIterator<Item = (&'static str, &'static str)>,
    aliases: &'static [&'static str],
) -> impl TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = String> + Clone + Send + Sync + 'static,
{
    let shown = values
        .into_iter()
        .map(|(name, help)| PossibleValue::new(name).help(help));
    let hidden = aliases.iter().map(|a| PossibleValue::new(*a).hide(true));
    PossibleValuesParser::new(shown.chain(hidden)).try_map(|s: String| s.parse::<T>())
}

/// `--format`.
pub(crate) fn formats() -> impl TypedValueParser<Value = FileFormat> {
    parser(
        FileFormat::ALL.map(|f| (f.name(), f.describe())),
        &["tsp", "vrp", "cvrp"],
    )
}

/// `--encoding`.
pub(crate) fn encodings() -> impl TypedValueParser<Value = Encoding> {
    parser(
        Encoding::ALL.map(|e| (e.name(), e.describe())),
        &["tsp", "cvrp", "knapsack"],
    )
}

/// `--solver` and each of `--solvers`.
pub(crate) fn solvers() -> impl TypedValueParser<Value = SolverKind> {
    parser(SolverKind::ALL.map(|k| (k.name(), k.describe())), &[])
}

/// One entry of `compare --solvers`: a solver, and for qaoa optionally `@BACKEND`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SolverChoice {
    pub(crate) kind: SolverKind,
    /// The backend after `@` (qaoa only).
    pub(crate) backend: Option<String>,
    /// The name in reports: the entry as written.
    pub(crate) label: String,
}

/// Parses `sa`, `qaoa` or `qaoa@BACKEND` (the library's rule, as suite files use it).
pub(crate) fn solver_choice(s: &str) -> Result<SolverChoice, String> {
    let (kind, backend) = quboflow_runtime::parse_choice(s)?;
    Ok(SolverChoice {
        kind,
        backend,
        label: s.trim().to_string(),
    })
}
