//! The one error type of `quboflow-problems`.

/// Everything that can go wrong reading, encoding or decoding a logistics problem.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A core error: a parse error naming file and line, an I/O error, an invalid model.
    #[error(transparent)]
    Core(#[from] quboflow::Error),

    /// The instance or a parameter cannot be used as given.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was wrong (an instance field, a parameter).
        what: &'static str,
        /// Why, with the offending values.
        reason: String,
    },

    /// An error about a whole file (no line to point at): the file, then the error.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },

    /// The instance is too large for the chosen encoding.
    #[error("{encoding} cannot encode this instance: {reason}")]
    TooLarge {
        /// The encoding.
        encoding: String,
        /// The size that is too large and the limit.
        reason: String,
    },
}

impl Error {
    /// The same error, naming `path` unless it already does (errors from a file's own
    /// parser carry their position).
    pub fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Error::Core(e) => Error::Core(e.in_file(path)),
            e @ Error::File { .. } => e,
            e => Error::File {
                path: path.to_path_buf(),
                source: Box::new(e),
            },
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Error {
    Error::Invalid {
        what,
        reason: reason.into(),
    }
}
