//! The one error type of the `quboflow` crate.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem was found: file, 1-based line and, when known, column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file (or `<memory>` for text that did not come from a file).
    pub path: PathBuf,
    /// 1-based line number; 0 when the problem concerns the whole file (e.g. it ended early).
    pub line: usize,
    /// 1-based column, when the reader knows it.
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

/// Everything that can go wrong in `quboflow`.
///
/// Variants carry the offending values so a message can say exactly what was wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be parsed; the message says what was expected.
    #[error("{location}: {message}")]
    Parse {
        /// File, line and column of the problem.
        location: Location,
        /// What was expected and what was found.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// The file format could not be determined from the extension or the content.
    #[error("{path}: cannot tell the file format ({reason}); pass it explicitly (--format)")]
    UnknownFormat {
        /// The file concerned.
        path: PathBuf,
        /// Why detection failed.
        reason: String,
    },

    /// A coefficient is NaN or infinite.
    #[error("coefficient of ({i}, {j}) is {value}; only finite values are allowed")]
    NonFinite {
        /// First variable index.
        i: usize,
        /// Second variable index (equal to `i` for a linear term).
        j: usize,
        /// The offending value.
        value: f64,
    },

    /// A variable index is outside the model.
    #[error("variable index {index} is out of range for a model with {num_vars} variables")]
    IndexOutOfRange {
        /// The index given.
        index: usize,
        /// The number of variables in the model.
        num_vars: usize,
    },

    /// The model has more variables than the storage format supports.
    #[error("{num_vars} variables is more than the supported maximum of {max}")]
    TooManyVariables {
        /// Requested number of variables.
        num_vars: usize,
        /// The supported maximum.
        max: usize,
    },

    /// The model cannot be used as given (e.g. its energies could overflow f64).
    #[error("invalid model: {0}")]
    InvalidModel(String),

    /// An error that concerns a whole file (no line to point at): the file, then the error.
    #[error("{path}: {source}")]
    File {
        /// The file concerned.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },

    /// A sample (bitstring) does not fit the model.
    #[error("invalid sample: {0}")]
    InvalidSample(String),

    /// A solver parameter is outside its valid range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name, as in the solver's `params()`.
        name: &'static str,
        /// Why the value was refused.
        reason: String,
    },

    /// The problem is too large for this solver.
    #[error("{solver} refuses {num_vars} variables: its limit is {limit} ({reason})")]
    TooLarge {
        /// The solver's name.
        solver: &'static str,
        /// Number of variables of the problem.
        num_vars: usize,
        /// The solver's limit.
        limit: usize,
        /// Why the limit exists.
        reason: &'static str,
    },

    /// A request needs more memory than the machine has available; refused before allocating.
    #[error("{what} needs {required} bytes ({required_gib:.2} GiB) but only {available} bytes ({available_gib:.2} GiB) are available", required_gib = *.required as f64 / 1073741824.0, available_gib = *.available as f64 / 1073741824.0)]
    OutOfMemory {
        /// What was to be allocated (e.g. "a 40-qubit complex128 statevector").
        what: String,
        /// Bytes it needs.
        required: u64,
        /// Bytes available to this process.
        available: u64,
    },

    /// A solver failed for a reason of its own (e.g. its optimiser reported an error).
    #[error("{solver}: {message}")]
    SolverFailed {
        /// The solver's name.
        solver: &'static str,
        /// What went wrong.
        message: String,
    },

    /// The run was cancelled before any result existed.
    #[error("cancelled before any sample was produced")]
    Cancelled,

    /// The time limit ran out before any result existed.
    #[error("time limit of {0:?} ran out before any sample was produced")]
    TimeLimit(std::time::Duration),

    /// A writer cannot represent the model in the requested format.
    #[error("cannot write {format}: {reason}")]
    Unsupported {
        /// The format.
        format: &'static str,
        /// What cannot be represented.
        reason: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A parse error at `path:line`.
    pub fn parse(path: &std::path::Path, line: usize, message: impl Into<String>) -> Self {
        Error::Parse {
            location: Location {
                path: path.to_path_buf(),
                line,
                column: None,
            },
            message: message.into(),
        }
    }

    /// The same error, naming `path` unless it already does (parse, I/O and format errors
    /// carry their own location).
    pub fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            e @ (Error::Parse { .. }
            | Error::Io { .. }
            | Error::UnknownFormat { .. }
            | Error::File { .. }) => e,
            e => Error::File {
                path: path.to_path_buf(),
                source: Box::new(e),
            },
        }
    }

    /// The error itself, seen through any [`Error::File`] wrapper (to match on its kind).
    pub fn root(&self) -> &Error {
        match self {
            Error::File { source, .. } => source.root(),
            e => e,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
