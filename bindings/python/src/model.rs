//! The native model: a QUBO (always stored in binary form) built from numpy arrays without
//! copying them, evaluated over many samples at once.

use std::sync::Arc;

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use quboflow::{Ising, Qubo, QuboBuilder};
use rayon::prelude::*;

use crate::errors::{IntoPy, model_error};

/// A QUBO model `xᵀQx + offset` over `x ∈ {0,1}ⁿ`, shared (cheap to clone).
#[pyclass(module = "quboflow._quboflow", name = "NativeModel", frozen)]
#[derive(Clone)]
pub(crate) struct NativeModel {
    pub(crate) qubo: Arc<Qubo>,
}

fn index(name: &str, k: usize, v: i64, n: usize) -> PyResult<usize> {
    usize::try_from(v).ok().filter(|&i| i < n).ok_or_else(|| {
        model_error(format!(
            "{name}[{k}] = {v} is not a variable index in 0..{n}"
        ))
    })
}

/// `(linear, row, col, data, offset)` as numpy arrays.
type Vectors<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<f64>>,
    f64,
);

fn check_lengths(row: &[i64], col: &[i64], data: &[f64]) -> PyResult<()> {
    if row.len() != col.len() || row.len() != data.len() {
        return Err(model_error(format!(
            "quadratic vectors differ in length: {} rows, {} columns, {} values",
            row.len(),
            col.len(),
            data.len()
        )));
    }
    Ok(())
}

#[pymethods]
impl NativeModel {
    /// A model from COO vectors: `linear` (length n), interactions `(row, col, data)` with
    /// `(i, j)` and `(j, i)` summed and `i == j` linear, and the offset. With `spin`, the
    /// coefficients are an Ising model over s ∈ {−1, +1}ⁿ, converted exactly with x = (s+1)/2.
    #[staticmethod]
    #[pyo3(signature = (linear, row, col, data, offset, spin))]
    fn from_vectors(
        py: Python<'_>,
        linear: PyReadonlyArray1<'_, f64>,
        row: PyReadonlyArray1<'_, i64>,
        col: PyReadonlyArray1<'_, i64>,
        data: PyReadonlyArray1<'_, f64>,
        offset: f64,
        spin: bool,
    ) -> PyResult<Self> {
        let (linear, row, col, data) = (
            linear.as_slice()?,
            row.as_slice()?,
            col.as_slice()?,
            data.as_slice()?,
        );
        let n = linear.len();
        check_lengths(row, col, data)?;
        // The builder sorts rows in parallel: on this module's pool (see `pool`).
        crate::pool::detached(py, || {
            if spin {
                let pairs = (0..row.len())
                    .map(|k| {
                        Ok((
                            index("row", k, row[k], n)?,
                            index("col", k, col[k], n)?,
                            data[k],
                        ))
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                let ising = Ising::new(linear.to_vec(), &pairs, offset).py_err()?;
                return Ok(NativeModel {
                    qubo: Arc::new(ising.to_qubo().py_err()?),
                });
            }
            let mut b = QuboBuilder::new(n);
            for (i, &w) in linear.iter().enumerate() {
                b.add_linear(i, w);
            }
            b.reserve(row.len());
            for k in 0..row.len() {
                let i = index("row", k, row[k], n)?;
                let j = index("col", k, col[k], n)?;
                b.add_quadratic(i, j, data[k]);
            }
            b.add_offset(offset);
            Ok(NativeModel {
                qubo: Arc::new(b.build().py_err()?),
            })
        })?
    }

    /// A model from a square matrix read in place (any strides, no copy): E = xᵀMx, both
    /// triangles counted, the diagonal linear.
    #[staticmethod]
    #[pyo3(signature = (matrix, offset, spin))]
    fn from_dense(
        py: Python<'_>,
        matrix: PyReadonlyArray2<'_, f64>,
        offset: f64,
        spin: bool,
    ) -> PyResult<Self> {
        let m = matrix.as_array();
        let (n, c) = m.dim();
        if n != c {
            return Err(model_error(format!(
                "a dense model needs a square matrix, got shape ({n}, {c})"
            )));
        }
        crate::pool::detached(py, || {
            let mut linear = vec![0.0; n];
            let mut pairs = Vec::new();
            for i in 0..n {
                for j in 0..n {
                    let w = m[[i, j]];
                    if !w.is_finite() {
                        return Err(model_error(format!(
                            "matrix[{i}, {j}] is {w}; only finite values are allowed"
                        )));
                    }
                    if w == 0.0 {
                        continue;
                    }
                    if i == j {
                        linear[i] += w;
                    } else if spin {
                        pairs.push((i, j, w));
                    } else {
                        pairs.push((i.min(j), i.max(j), w));
                    }
                }
            }
            let qubo = if spin {
                Ising::new(linear, &pairs, offset)
                    .py_err()?
                    .to_qubo()
                    .py_err()?
            } else {
                let mut b = QuboBuilder::new(n);
                for (i, &w) in linear.iter().enumerate() {
                    b.add_linear(i, w);
                }
                b.reserve(pairs.len());
                for &(i, j, w) in &pairs {
                    b.add_quadratic(i, j, w);
                }
                b.add_offset(offset);
                b.build().py_err()?
            };
            Ok(NativeModel {
                qubo: Arc::new(qubo),
            })
        })?
    }

    /// Number of variables.
    #[getter]
    fn num_vars(&self) -> usize {
        self.qubo.num_vars()
    }

    /// Number of interactions (pairs with a non-zero coupling).
    #[getter]
    fn num_interactions(&self) -> usize {
        self.qubo.num_interactions()
    }

    /// The constant term (binary form).
    #[getter]
    fn offset(&self) -> f64 {
        self.qubo.offset()
    }

    /// The model's constraints as JSON (`null` when it has none).
    #[getter]
    fn constraints_json(&self) -> String {
        serde_json::to_string(&self.qubo.constraints()).unwrap_or_else(|_| "null".into())
    }

    /// `(linear, row, col, data, offset)`: the binary form, each pair once with row < col.
    fn binary_vectors<'py>(&self, py: Python<'py>) -> Vectors<'py> {
        let q = &self.qubo;
        let (row, col, data) = upper(q.interactions());
        (
            q.linear().to_vec().into_pyarray(py),
            row.into_pyarray(py),
            col.into_pyarray(py),
            data.into_pyarray(py),
            q.offset(),
        )
    }

    /// `(h, row, col, J, offset)`: the spin form (x = (s+1)/2), each pair once with row < col.
    fn spin_vectors<'py>(&self, py: Python<'py>) -> Vectors<'py> {
        let ising = self.qubo.to_ising();
        let (row, col, data) = upper(ising.couplings().upper());
        (
            ising.h().to_vec().into_pyarray(py),
            row.into_pyarray(py),
            col.into_pyarray(py),
            data.into_pyarray(py),
            ising.offset(),
        )
    }

    /// Energies of binary samples (rows of 0/1, one column per variable), in parallel.
    fn energies<'py>(
        &self,
        py: Python<'py>,
        samples: PyReadonlyArray2<'py, u8>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let s = samples.as_array();
        let n = self.qubo.num_vars();
        if s.ncols() != n {
            return Err(model_error(format!(
                "samples have {} columns, the model has {n} variables",
                s.ncols()
            )));
        }
        if let Some(bad) = s.iter().find(|&&b| b > 1) {
            return Err(model_error(format!(
                "samples hold {bad}; binary samples are 0/1"
            )));
        }
        let q = &self.qubo;
        let out: Vec<f64> = crate::pool::detached(py, || map_rows(s, |r| q.energy(r)))?;
        Ok(out.into_pyarray(py))
    }

    /// The model as JSON (pickling).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&*self.qubo).map_err(|e| model_error(e.to_string()))
    }

    /// The model from [`NativeModel::to_json`].
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let qubo: Qubo = serde_json::from_str(text)
            .map_err(|e| model_error(format!("not a serialised model: {e}")))?;
        qubo.validate().py_err()?;
        Ok(NativeModel {
            qubo: Arc::new(qubo),
        })
    }

    /// Reads a model file of any QUBO format (`format` as the CLI's `--format`, or `None` to
    /// detect it); instance files are read with [`crate::problem`].
    #[staticmethod]
    #[pyo3(signature = (path, format=None))]
    fn read(py: Python<'_>, path: std::path::PathBuf, format: Option<&str>) -> PyResult<Self> {
        let format = crate::problem::file_format(format)?;
        crate::pool::detached(py, || {
            let options = quboflow_problems::OpenOptions {
                format,
                ..Default::default()
            };
            let enc = quboflow_problems::open(&path, &options).py_err()?;
            Ok(NativeModel { qubo: enc.qubo })
        })?
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let f = py
            .import("quboflow._quboflow")?
            .getattr("NativeModel")?
            .getattr("_from_bytes")?;
        Ok((f, (PyBytes::new(py, self.to_json()?.as_bytes()),)))
    }

    #[staticmethod]
    fn _from_bytes(data: &[u8]) -> PyResult<Self> {
        let text = std::str::from_utf8(data).map_err(|e| model_error(e.to_string()))?;
        Self::from_json(text)
    }
}

/// `f` of every row of a 0/1 sample matrix, in parallel, the rows read in place when the
/// matrix is C-contiguous (as the Python layer passes it) and copied once otherwise.
pub(crate) fn map_rows<T: Send>(
    samples: numpy::ndarray::ArrayView2<'_, u8>,
    f: impl Fn(&[u8]) -> T + Sync + Send,
) -> Vec<T> {
    let (rows, n) = samples.dim();
    if n == 0 {
        return (0..rows).map(|_| f(&[])).collect();
    }
    let flat = samples.as_standard_layout();
    match flat.as_slice() {
        Some(all) => all.par_chunks(n).map(&f).collect(),
        None => flat.outer_iter().map(|r| f(&r.to_vec())).collect(),
    }
}

/// Pairs once each (row < col), as COO vectors.
fn upper(it: impl Iterator<Item = (usize, usize, f64)>) -> (Vec<i64>, Vec<i64>, Vec<f64>) {
    let (mut r, mut c, mut d) = (Vec::new(), Vec::new(), Vec::new());
    for (i, j, w) in it {
        if i < j {
            r.push(i as i64);
            c.push(j as i64);
            d.push(w);
        }
    }
    (r, c, d)
}
