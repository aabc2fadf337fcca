//! Errors of suites: a bad suite file (named by line), an unreadable results file.

use std::path::{Path, PathBuf};

/// What went wrong with a suite file or a results file; names the file and, where there is
/// one, the line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct SuiteError {
    /// The suite or results file.
    pub path: PathBuf,
    /// The 1-based line, where one is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl SuiteError {
    pub(crate) fn at(path: &Path, line: Option<usize>, message: String) -> Self {
        SuiteError {
            path: path.to_path_buf(),
            line,
            message,
        }
    }
}
