//! One mapping from every crate's error to the Python exception hierarchy of
//! `quboflow.exceptions` (python-api.md §4); the classes live in Python so each can subclass
//! both `QuboflowError` and the matching built-in.

use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyType;

/// The exception classes a Rust error can become.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Parse,
    Model,
    Memory,
    Timeout,
    Base,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Kind::Parse => "ParseError",
            Kind::Model => "ModelError",
            Kind::Memory => "MemoryLimitError",
            Kind::Timeout => "QuboflowTimeoutError",
            Kind::Base => "QuboflowError",
        }
    }
}

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// A Python exception of class `kind` carrying `message`.
pub(crate) fn raise(kind: Kind, message: String) -> PyErr {
    Python::attach(|py| {
        let class = MODULE
            .get_or_try_init(py, || py.import("quboflow.exceptions").map(|m| m.unbind()))
            .and_then(|m| m.bind(py).getattr(kind.class_name()))
            .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from));
        match class {
            Ok(class) => PyErr::from_type(class, message),
            // The package is broken (module missing): still say what went wrong.
            Err(_) => PyRuntimeError::new_err(message),
        }
    })
}

/// `ModelError(message)`.
pub(crate) fn model_error(message: impl Into<String>) -> PyErr {
    raise(Kind::Model, message.into())
}

/// The exception for a core error, by its innermost cause; the message keeps the whole chain.
pub(crate) fn core(e: &quboflow::Error) -> PyErr {
    use quboflow::Error as E;
    let message = e.to_string();
    let kind = match e.root() {
        E::Parse { .. } | E::UnknownFormat { .. } => Kind::Parse,
        E::Io { source, .. } => {
            return match source.kind() {
                std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
                std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
                _ => PyOSError::new_err(message),
            };
        }
        E::OutOfMemory { .. } => Kind::Memory,
        // A statevector beyond the qubit limit is a memory limit, raised before allocating.
        E::TooLarge { solver: "qaoa", .. } => Kind::Memory,
        E::TimeLimit(_) => Kind::Timeout,
        E::Cancelled | E::SolverFailed { .. } => Kind::Base,
        _ => Kind::Model,
    };
    raise(kind, message)
}

/// The exception for an error of `quboflow-problems`.
pub(crate) fn problems(e: &quboflow_problems::Error) -> PyErr {
    use quboflow_problems::Error as E;
    match e {
        E::Core(c) => core(c),
        E::File { source, .. } => {
            // The file's name leads the message; the class comes from the cause.
            let inner = problems(source);
            Python::attach(|py| PyErr::from_type(inner.get_type(py), e.to_string()))
        }
        _ => model_error(e.to_string()),
    }
}

/// The exception for an error of `quboflow-runtime`.
pub(crate) fn runtime(e: &quboflow_runtime::Error) -> PyErr {
    match e {
        quboflow_runtime::Error::Core(c) => core(c),
        other => model_error(other.to_string()),
    }
}

/// Maps any of the crates' errors with `?`.
pub(crate) trait IntoPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, quboflow::Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(|e| core(&e))
    }
}

impl<T> IntoPy<T> for Result<T, quboflow_problems::Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(|e| problems(&e))
    }
}

impl<T> IntoPy<T> for Result<T, quboflow_runtime::Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(|e| runtime(&e))
    }
}
