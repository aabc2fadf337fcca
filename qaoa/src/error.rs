//! The one error type of `quboflow-qaoa`.

/// Everything that can go wrong in `quboflow-qaoa`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error of the core crate (invalid model, parameter, cancelled run …).
    #[error(transparent)]
    Core(#[from] quboflow::Error),

    /// More qubits than any statevector request may name.
    #[error("{num_qubits} qubits is more than the statevector limit of {max}")]
    TooManyQubits {
        /// Qubits requested.
        num_qubits: usize,
        /// The limit ([`crate::MAX_QUBITS`]).
        max: usize,
    },

    /// The simulation does not fit in the memory available; refused before allocating.
    #[error("{what} needs {required} bytes ({:.2} GiB) but only {available} bytes ({:.2} GiB) are available", *.required as f64 / 1073741824.0, *.available as f64 / 1073741824.0)]
    OutOfMemory {
        /// What was to be allocated.
        what: String,
        /// Bytes it needs.
        required: u64,
        /// Bytes available to this process.
        available: u64,
    },

    /// Angles that do not fit the circuit (wrong count, NaN or infinite).
    #[error("invalid angles: {0}")]
    InvalidAngles(String),

    /// A parameter outside its valid range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// Why the value was refused.
        reason: String,
    },

    /// The optimiser failed.
    #[error("optimiser {optimizer}: {message}")]
    Optimizer {
        /// Which optimiser.
        optimizer: &'static str,
        /// Its message.
        message: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for quboflow::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Core(e) => e,
            Error::TooManyQubits { num_qubits, max } => quboflow::Error::TooLarge {
                solver: "qaoa",
                num_vars: num_qubits,
                limit: max,
                reason: "a statevector holds 2^n amplitudes",
            },
            Error::OutOfMemory {
                what,
                required,
                available,
            } => quboflow::Error::OutOfMemory {
                what,
                required,
                available,
            },
            Error::InvalidParameter { name, reason } => {
                quboflow::Error::InvalidParameter { name, reason }
            }
            Error::InvalidAngles(reason) => quboflow::Error::InvalidParameter {
                name: "angles",
                reason,
            },
            other => quboflow::Error::SolverFailed {
                solver: "qaoa",
                message: other.to_string(),
            },
        }
    }
}
