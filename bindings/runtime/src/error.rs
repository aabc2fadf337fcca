//! The one error type of `quboflow-runtime`.

use crate::kind::SolverKind;

/// A solver that cannot be built from the parameters given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter the solver does not take.
    #[error("{name} applies to {owners}, not {solver}")]
    DoesNotApply {
        /// The parameter.
        name: String,
        /// The solver it was given to.
        solver: SolverKind,
        /// The solvers that take it, in words (`"sa, tabu"`), or `"no solver"`.
        owners: String,
    },

    /// A parameter value of the wrong type or out of range.
    #[error("invalid {name}: {reason}")]
    Invalid {
        /// The parameter.
        name: String,
        /// What was wrong, with the value.
        reason: String,
    },

    /// The solver refused its parameters.
    #[error(transparent)]
    Core(#[from] quboflow::Error),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(name: &str, reason: impl Into<String>) -> Error {
    Error::Invalid {
        name: name.to_string(),
        reason: reason.into(),
    }
}
