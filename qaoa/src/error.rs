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

    /// The remote service refused the API key (HTTP 401 or 403).
    #[error("IonQ refused the API key (HTTP {status}): {message}; check IONQ_API_KEY")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
        /// The service's message.
        message: String,
    },

    /// The remote service answered with an error that retrying cannot fix (400, 404, 500…).
    #[error("IonQ {method} {path}: HTTP {status}: {message}")]
    Http {
        /// Request method.
        method: &'static str,
        /// Request path (no key, no host).
        path: String,
        /// HTTP status.
        status: u16,
        /// The service's message.
        message: String,
    },

    /// The remote service stayed unavailable through the whole retry budget.
    #[error("IonQ unavailable: {what}: {attempts} attempt(s) failed; the last answer: {last}")]
    Unavailable {
        /// What was being done.
        what: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },

    /// A remote job ended `failed`.
    #[error("IonQ job {job} failed with {code}: {message}")]
    JobFailed {
        /// Job id.
        job: String,
        /// IonQ's failure code (`QuotaExhaustedError`, `PreflightError`, …).
        code: String,
        /// IonQ's message.
        message: String,
    },

    /// A remote job ended `canceled` by someone else.
    #[error("IonQ job {job} was canceled")]
    JobCanceled {
        /// Job id.
        job: String,
    },

    /// A response that is not what the protocol promises.
    #[error("IonQ {what}: malformed response: {message}")]
    Malformed {
        /// Which call.
        what: String,
        /// What was wrong.
        message: String,
    },

    /// The estimated cost exceeds the user's limit; nothing was submitted past it.
    #[error("estimated cost {estimate:.2} USD exceeds the limit of {limit:.2} USD ({detail})")]
    CostLimit {
        /// Estimated cost, USD.
        estimate: f64,
        /// The limit, USD.
        limit: f64,
        /// How the estimate was made.
        detail: String,
    },

    /// The job journal could not be read or written.
    #[error("job journal {path}: {message}")]
    Journal {
        /// Journal file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// True for failures that mean "the remote backend cannot serve this run" (key refused,
    /// retry budget spent, quota or billing exhausted), where a fallback backend may take
    /// over; false for errors in the request itself.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Unauthorized { .. } | Error::Unavailable { .. } => true,
            Error::JobFailed { code, .. } => matches!(
                code.as_str(),
                "QuotaExhaustedError" | "BillingError" | "ContractExpiredError"
            ),
            _ => false,
        }
    }
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
