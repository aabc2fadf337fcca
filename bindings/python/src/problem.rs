//! Logistics instances and their encodings, as native objects the Python problem classes wrap.

use std::sync::Arc;

use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use quboflow_problems::encodings::{binpacking, coloring, facility, jobshop, maxcut};
use quboflow_problems::{Cvrp, Encoded, Encoding, Instance, Knapsack, Penalty, PlainDecoder, Tsp};
use serde_json::json;

use crate::errors::{IntoPy, model_error};
use crate::model::NativeModel;

/// A TSP, CVRP or knapsack instance.
#[pyclass(module = "quboflow._quboflow", name = "NativeInstance", frozen)]
pub(crate) struct NativeInstance {
    pub(crate) inner: Instance,
}

fn rows(m: &PyReadonlyArray2<'_, f64>) -> Vec<Vec<f64>> {
    m.as_array().outer_iter().map(|r| r.to_vec()).collect()
}

/// A `format=` argument: a name as the CLI's `--format`, or `None` to detect it.
pub(crate) fn file_format(name: Option<&str>) -> PyResult<Option<quboflow_problems::FileFormat>> {
    name.map(|f| f.parse().map_err(model_error)).transpose()
}

fn penalty(p: Option<f64>) -> PyResult<Penalty> {
    match p {
        None => Ok(Penalty::Safe),
        Some(w) if w.is_finite() && w > 0.0 => Ok(Penalty::Weight(w)),
        Some(w) => Err(model_error(format!(
            "penalty must be finite and positive, got {w}"
        ))),
    }
}

#[pymethods]
impl NativeInstance {
    /// Reads a TSPLIB, CVRPLIB or knapsack file (format detected, or named by `format`).
    #[staticmethod]
    #[pyo3(signature = (path, format=None))]
    fn read(py: Python<'_>, path: std::path::PathBuf, format: Option<&str>) -> PyResult<Self> {
        let format = file_format(format)?;
        crate::pool::detached(py, || {
            let loaded = quboflow_problems::read(&path, format, None).py_err()?;
            let known = loaded.reference().map(|r| r.value);
            match loaded.input {
                quboflow_problems::Input::Instance(mut i) => {
                    if let Instance::Knapsack(k) = &mut i
                        && k.optimum.is_none()
                    {
                        k.optimum = known;
                    }
                    Ok(NativeInstance { inner: i })
                }
                quboflow_problems::Input::Model(m) => Err(crate::errors::raise(
                    crate::errors::Kind::Parse,
                    format!(
                        "{}: holds a {} QUBO model, not a TSP, CVRP or knapsack instance (read it with Qubo.read)",
                        path.display(),
                        m.format
                    ),
                )),
            }
        })?
    }

    /// A TSP from a square distance matrix, optionally with the coordinates it came from.
    #[staticmethod]
    #[pyo3(signature = (name, distances, coords=None))]
    fn tsp(
        name: &str,
        distances: PyReadonlyArray2<'_, f64>,
        coords: Option<PyReadonlyArray2<'_, f64>>,
    ) -> PyResult<Self> {
        let mut t = Tsp::from_matrix(name, rows(&distances)).py_err()?;
        if let Some(c) = coords {
            t.coords = Some(xyz(&c, t.dimension)?);
        }
        Ok(NativeInstance {
            inner: Instance::Tsp(t),
        })
    }

    /// A CVRP from a distance matrix, demands per node, capacity and depot index; the node
    /// coordinates, when given, are for route maps.
    #[staticmethod]
    #[pyo3(signature = (name, distances, demands, capacity, depot, coords=None))]
    fn cvrp(
        name: &str,
        distances: PyReadonlyArray2<'_, f64>,
        demands: PyReadonlyArray1<'_, f64>,
        capacity: f64,
        depot: usize,
        coords: Option<PyReadonlyArray2<'_, f64>>,
    ) -> PyResult<Self> {
        let mut c = Cvrp::from_matrix(
            name,
            rows(&distances),
            demands.as_array().to_vec(),
            capacity,
            depot,
        )
        .py_err()?;
        if let Some(xy) = coords {
            c.coords = Some(xyz(&xy, c.dimension)?);
        }
        Ok(NativeInstance {
            inner: Instance::Cvrp(c),
        })
    }

    /// A 0/1 knapsack: item values and weights, one capacity.
    #[staticmethod]
    fn knapsack(
        name: &str,
        values: PyReadonlyArray1<'_, f64>,
        weights: PyReadonlyArray1<'_, f64>,
        capacity: f64,
    ) -> PyResult<Self> {
        let k = Knapsack::new(
            name,
            values.as_array().to_vec(),
            weights.as_array().to_vec(),
            capacity,
        )
        .py_err()?;
        Ok(NativeInstance {
            inner: Instance::Knapsack(k),
        })
    }

    /// "tsp", "cvrp" or "knapsack".
    #[getter]
    fn problem(&self) -> &'static str {
        self.inner.problem()
    }

    /// The instance's name.
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_string()
    }

    /// The instance's data as JSON (distances, demands, values, …).
    fn to_json(&self) -> PyResult<String> {
        let v = match &self.inner {
            Instance::Tsp(t) => json!({"tsp": t}),
            Instance::Cvrp(c) => json!({"cvrp": c}),
            Instance::Knapsack(k) => json!({"knapsack": k}),
        };
        Ok(v.to_string())
    }

    /// The instance from [`NativeInstance::to_json`].
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let bad = |e: serde_json::Error| model_error(format!("not a serialised instance: {e}"));
        let v: serde_json::Value = serde_json::from_str(text).map_err(bad)?;
        let inner = if let Some(t) = v.get("tsp") {
            Instance::Tsp(serde_json::from_value(t.clone()).map_err(bad)?)
        } else if let Some(c) = v.get("cvrp") {
            Instance::Cvrp(serde_json::from_value(c.clone()).map_err(bad)?)
        } else if let Some(k) = v.get("knapsack") {
            Instance::Knapsack(serde_json::from_value(k.clone()).map_err(bad)?)
        } else {
            return Err(model_error("not a serialised instance"));
        };
        Ok(NativeInstance { inner })
    }

    /// The full distance matrix (TSP and CVRP).
    fn distances<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyArray2<f64>>>> {
        let (n, d) = match &self.inner {
            Instance::Tsp(t) => (t.dimension, &t.distances),
            Instance::Cvrp(c) => (c.dimension, &c.distances),
            Instance::Knapsack(_) => return Ok(None),
        };
        let a = numpy::ndarray::Array2::from_shape_vec((n, n), d.clone())
            .map_err(|e| model_error(e.to_string()))?;
        Ok(Some(a.into_pyarray(py)))
    }

    /// Coordinates (x, y) of the nodes, when the instance has them.
    fn coords<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyArray2<f64>>>> {
        let Instance::Tsp(Tsp {
            coords: Some(c), ..
        }) = &self.inner
        else {
            return Ok(None);
        };
        let flat: Vec<f64> = c.iter().flat_map(|p| [p[0], p[1]]).collect();
        let a = numpy::ndarray::Array2::from_shape_vec((c.len(), 2), flat)
            .map_err(|e| model_error(e.to_string()))?;
        Ok(Some(a.into_pyarray(py)))
    }

    /// Per-node or per-item numbers by name: demands, values, weights.
    fn vector<'py>(&self, py: Python<'py>, name: &str) -> Option<Bound<'py, PyArray1<f64>>> {
        let v = match (&self.inner, name) {
            (Instance::Cvrp(c), "demands") => c.demands.clone(),
            (Instance::Knapsack(k), "values") => k.values.clone(),
            (Instance::Knapsack(k), "weights") => k.weights.clone(),
            _ => return None,
        };
        Some(v.into_pyarray(py))
    }

    /// Scalars by name: capacity, depot, dimension, optimum.
    fn scalar(&self, name: &str) -> Option<f64> {
        match (&self.inner, name) {
            (Instance::Cvrp(c), "capacity") => Some(c.capacity),
            (Instance::Cvrp(c), "depot") => Some(c.depot as f64),
            (Instance::Cvrp(c), "dimension") => Some(c.dimension as f64),
            (Instance::Tsp(t), "dimension") => Some(t.dimension as f64),
            (Instance::Knapsack(k), "capacity") => Some(k.capacity),
            (Instance::Knapsack(k), "dimension") => Some(k.len() as f64),
            (Instance::Knapsack(k), "optimum") => k.optimum,
            _ => None,
        }
    }

    /// Encodes with `encoding` (a name as the CLI's `--encoding`; `auto` is the problem's
    /// exact default) and `penalty` (`None`: the provably safe default).
    #[pyo3(signature = (encoding="auto", penalty=None))]
    fn encode(
        &self,
        py: Python<'_>,
        encoding: &str,
        penalty: Option<f64>,
    ) -> PyResult<NativeEncoded> {
        let encoding: Encoding = encoding.parse().map_err(model_error)?;
        let penalty = self::penalty(penalty)?;
        let enc =
            crate::pool::detached(py, || self.inner.encode_with(encoding, penalty))?.py_err()?;
        Ok(NativeEncoded { inner: enc })
    }
}

fn xyz(c: &PyReadonlyArray2<'_, f64>, n: usize) -> PyResult<Vec<[f64; 3]>> {
    let a = c.as_array();
    if a.nrows() != n || !(2..=3).contains(&a.ncols()) {
        return Err(model_error(format!(
            "coordinates must have shape ({n}, 2) or ({n}, 3), got {:?}",
            a.dim()
        )));
    }
    Ok(a.outer_iter()
        .map(|r| [r[0], r[1], if r.len() > 2 { r[2] } else { 0.0 }])
        .collect())
}

/// `(is_feasible, native_cost)` per row.
type Evaluated<'py> = (Bound<'py, PyArray1<bool>>, Bound<'py, PyArray1<f64>>);

/// An encoded instance: the model, its constraints and the way back to native solutions.
#[pyclass(module = "quboflow._quboflow", name = "NativeEncoded", frozen)]
#[derive(Clone)]
pub(crate) struct NativeEncoded {
    pub(crate) inner: Encoded,
}

#[pymethods]
impl NativeEncoded {
    /// A model built in Python, encoded as itself (energy is the objective).
    #[staticmethod]
    fn from_model(model: &NativeModel) -> Self {
        NativeEncoded {
            inner: PlainDecoder::model((*model.qubo).clone()),
        }
    }

    /// Reads any file (instance or model) and encodes it as the CLI does.
    #[staticmethod]
    #[pyo3(signature = (path, format=None, encoding="auto", penalty=None))]
    fn open(
        py: Python<'_>,
        path: std::path::PathBuf,
        format: Option<&str>,
        encoding: &str,
        penalty: Option<f64>,
    ) -> PyResult<Self> {
        let options = quboflow_problems::OpenOptions {
            format: file_format(format)?,
            vartype: None,
            encoding: encoding.parse().map_err(model_error)?,
            penalty: self::penalty(penalty)?,
        };
        let inner =
            crate::pool::detached(py, || quboflow_problems::open(&path, &options))?.py_err()?;
        Ok(NativeEncoded { inner })
    }

    /// The model (constraints attached).
    #[getter]
    fn model(&self) -> NativeModel {
        NativeModel {
            qubo: Arc::clone(&self.inner.qubo),
        }
    }

    /// Everything but the model, as JSON: name, problem, encoding, offset, penalties,
    /// energy meaning, objective name and sense, details, constraints, reference.
    fn describe(&self) -> String {
        let e = &self.inner;
        json!({
            "name": e.name(),
            "problem": e.decoder.problem(),
            "encoding": e.encoding,
            "offset": e.offset,
            "penalties": e.penalties,
            "energy_meaning": e.energy_meaning,
            "objective_name": e.decoder.objective_name(),
            "sense": e.decoder.sense(),
            "details": e.details,
            "constraints": e.constraints(),
            "reference": e.reference(),
        })
        .to_string()
    }

    /// Feasibility and native objective (NaN where undefined) of every binary row, decoded
    /// in parallel: the `is_feasible` and `native_cost` fields of a sample set.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        samples: PyReadonlyArray2<'py, u8>,
    ) -> PyResult<Evaluated<'py>> {
        let s = samples.as_array();
        let n = self.inner.qubo.num_vars();
        if s.ncols() != n {
            return Err(model_error(format!(
                "samples have {} columns, the model has {n} variables",
                s.ncols()
            )));
        }
        let enc = &self.inner;
        let (feasible, cost): (Vec<bool>, Vec<f64>) = crate::pool::detached(py, || {
            crate::model::map_rows(s, |r| {
                let d = enc.decode(r);
                (d.feasible, d.objective.unwrap_or(f64::NAN))
            })
            .into_iter()
            .unzip()
        })?;
        Ok((feasible.into_pyarray(py), cost.into_pyarray(py)))
    }

    /// Decodes a binary sample: JSON of the native solution (0-based), its labels as the file
    /// numbers them, objective, feasibility and violations; `repair` gives the flagged
    /// repaired solution instead (`null` when the encoding has no repair).
    #[pyo3(signature = (sample, repair=false))]
    fn decode(&self, sample: Vec<u8>, repair: bool) -> PyResult<Option<String>> {
        self.inner.qubo.check_sample(&sample).py_err()?;
        let d = if repair {
            match self.inner.decoder.repair(&sample) {
                Some(d) => d,
                None => return Ok(None),
            }
        } else {
            self.inner.decode(&sample)
        };
        let mut v = serde_json::to_value(&d).map_err(|e| model_error(e.to_string()))?;
        v["labelled"] = d.solution.labelled();
        Ok(Some(v.to_string()))
    }
}

/// Max-Cut of a weighted graph with vertices `0..n`.
#[pyfunction]
pub(crate) fn encode_maxcut(
    num_vertices: usize,
    u: Vec<usize>,
    v: Vec<usize>,
    w: Vec<f64>,
) -> PyResult<NativeEncoded> {
    let edges = u
        .into_iter()
        .zip(v)
        .zip(w)
        .map(|((a, b), c)| (a, b, c))
        .collect();
    let g = maxcut::Graph::new(num_vertices, edges).py_err()?;
    Ok(NativeEncoded {
        inner: maxcut::encode(&g).py_err()?,
    })
}

/// Graph colouring with `k` colours.
#[pyfunction]
#[pyo3(signature = (num_vertices, u, v, k, penalty=None))]
pub(crate) fn encode_coloring(
    num_vertices: usize,
    u: Vec<usize>,
    v: Vec<usize>,
    k: usize,
    penalty: Option<f64>,
) -> PyResult<NativeEncoded> {
    let edges = u.into_iter().zip(v).map(|(a, b)| (a, b, 1.0)).collect();
    let g = maxcut::Graph::new(num_vertices, edges).py_err()?;
    Ok(NativeEncoded {
        inner: coloring::encode(&g, k, penalty).py_err()?,
    })
}

/// Bin packing of integer weights into bins of one capacity.
#[pyfunction]
#[pyo3(signature = (weights, capacity, penalty=None))]
pub(crate) fn encode_binpacking(
    weights: Vec<f64>,
    capacity: f64,
    penalty: Option<f64>,
) -> PyResult<NativeEncoded> {
    let bp = binpacking::BinPacking { weights, capacity };
    Ok(NativeEncoded {
        inner: binpacking::encode(&bp, penalty).py_err()?,
    })
}

/// Capacitated facility location.
#[pyfunction]
#[pyo3(signature = (fixed_costs, capacities, demands, costs, penalty=None))]
pub(crate) fn encode_facility(
    fixed_costs: Vec<f64>,
    capacities: Vec<f64>,
    demands: Vec<f64>,
    costs: Vec<Vec<f64>>,
    penalty: Option<f64>,
) -> PyResult<NativeEncoded> {
    let fl = facility::FacilityLocation {
        fixed_costs,
        capacities,
        demands,
        costs,
    };
    Ok(NativeEncoded {
        inner: facility::encode(&fl, penalty).py_err()?,
    })
}

/// Job-shop scheduling as the decision "makespan ≤ horizon?".
#[pyfunction]
#[pyo3(signature = (jobs, horizon, penalty=None))]
pub(crate) fn encode_jobshop(
    jobs: Vec<Vec<(usize, usize)>>,
    horizon: usize,
    penalty: Option<f64>,
) -> PyResult<NativeEncoded> {
    let js = jobshop::JobShop { jobs };
    Ok(NativeEncoded {
        inner: jobshop::encode(&js, horizon, penalty).py_err()?,
    })
}
