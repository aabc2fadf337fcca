//! The native module `quboflow._quboflow` of the Python package: thin wrappers over the
//! library pipeline (models, the solver registry, encodings, comparisons). Everything a user
//! touches — labels, vartypes, dimod-style samplers and sample sets — is in the Python
//! package beside it (`python/quboflow`).

mod compare;
mod errors;
mod model;
mod pool;
mod problem;
mod run;
mod suite;

use pyo3::prelude::*;

/// Solver names, parameters and the solvers that take them: `[(name, [solvers], help)]`.
#[pyfunction]
fn parameters() -> Vec<(&'static str, Vec<&'static str>, &'static str)> {
    quboflow_runtime::PARAMETERS
        .iter()
        .map(|p| (p.name, p.solvers.iter().map(|k| k.name()).collect(), p.help))
        .collect()
}

/// Encoding names with one line each, as `--encoding` lists them.
#[pyfunction]
fn encodings() -> Vec<(&'static str, &'static str)> {
    quboflow_problems::Encoding::ALL
        .iter()
        .map(|e| (e.name(), e.describe()))
        .collect()
}

/// Sets the number of threads the solvers use (`None`: one per core).
#[pyfunction]
#[pyo3(signature = (num_threads=None))]
fn set_num_threads(num_threads: Option<usize>) -> PyResult<()> {
    pool::set_threads(num_threads)
}

/// The number of threads the solvers use.
#[pyfunction]
fn get_num_threads() -> PyResult<usize> {
    pool::current_threads()
}

#[pymodule]
#[pyo3(name = "_quboflow")]
fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", quboflow::VERSION)?;
    m.add_class::<model::NativeModel>()?;
    m.add_class::<problem::NativeInstance>()?;
    m.add_class::<problem::NativeEncoded>()?;
    m.add_function(wrap_pyfunction!(run::sample, m)?)?;
    m.add_function(wrap_pyfunction!(compare::compare, m)?)?;
    m.add_function(wrap_pyfunction!(compare::render_report, m)?)?;
    m.add_function(wrap_pyfunction!(compare::write_report, m)?)?;
    m.add_function(wrap_pyfunction!(problem::encode_maxcut, m)?)?;
    m.add_function(wrap_pyfunction!(problem::encode_coloring, m)?)?;
    m.add_function(wrap_pyfunction!(problem::encode_binpacking, m)?)?;
    m.add_function(wrap_pyfunction!(problem::encode_facility, m)?)?;
    m.add_function(wrap_pyfunction!(problem::encode_jobshop, m)?)?;
    m.add_function(wrap_pyfunction!(suite::suite_expand, m)?)?;
    m.add_function(wrap_pyfunction!(suite::suite_run, m)?)?;
    m.add_function(wrap_pyfunction!(suite::suite_append, m)?)?;
    m.add_function(wrap_pyfunction!(suite::suite_read, m)?)?;
    m.add_function(wrap_pyfunction!(suite::suite_rows, m)?)?;
    m.add_function(wrap_pyfunction!(suite::suite_report, m)?)?;
    m.add_function(wrap_pyfunction!(parameters, m)?)?;
    m.add_function(wrap_pyfunction!(encodings, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    Ok(())
}
