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

    /// The instance is too large for the chosen encoding.
    #[error("{encoding} cannot encode this instance: {reason}")]
    TooLarge {
        /// The encoding.
        encoding: &'static str,
        /// The size that is too large and the limit.
        reason: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Error {
    Error::Invalid {
        what,
        reason: reason.into(),
    }
}
