//! A native logistics instance read from a file, and its encodings.

use std::path::Path;

use crate::choice::{Encoding, Penalty};
use crate::encodings::{Encoded, cvrp, knapsack, tsp};
use crate::error::{Result, invalid};
use crate::format::FileFormat;
use crate::readers::cvrplib::Cvrp;
use crate::readers::knapsack::Knapsack;
use crate::readers::tsplib::Tsp;

/// A native instance of one of the file-backed problems.
#[derive(Debug, Clone)]
pub enum Instance {
    /// TSPLIB `.tsp`.
    Tsp(Tsp),
    /// CVRPLIB `.vrp`.
    Cvrp(Cvrp),
    /// A knapsack file.
    Knapsack(Knapsack),
}

impl Instance {
    /// Reads an instance file, its format told by extension then content (see
    /// [`crate::detect`]); `file.csv#name` picks one instance of a Pisinger file.
    pub fn read(path: &Path) -> Result<Self> {
        match crate::open::read(path, None, None)?.input {
            crate::open::Input::Instance(i) => Ok(i),
            crate::open::Input::Model(m) => Err(quboflow::Error::parse(
                path,
                0,
                format!(
                    "expected a TSPLIB, CVRPLIB or knapsack instance, found a {} model",
                    m.format
                ),
            )
            .into()),
        }
    }

    /// Parses the text of an instance file of a known instance `format`; `pick` names one
    /// instance of a Pisinger knapsack file (default: the first).
    pub fn parse(text: &str, path: &Path, format: FileFormat, pick: Option<&str>) -> Result<Self> {
        if pick.is_some() && format != FileFormat::Knapsack {
            return Err(quboflow::Error::parse(
                path,
                0,
                format!(
                    "a `#name` suffix picks an instance of a Pisinger knapsack file; this is read as {format}"
                ),
            )
            .into());
        }
        match format {
            FileFormat::Tsplib => Ok(Instance::Tsp(Tsp::parse(text, path)?)),
            FileFormat::Cvrplib => Ok(Instance::Cvrp(Cvrp::parse(text, path)?)),
            FileFormat::Knapsack => {
                let mut all = crate::readers::knapsack::parse_any(text, path)?;
                if let [k] = all.as_mut_slice()
                    && k.optimum.is_none()
                {
                    k.optimum = crate::readers::knapsack::ortega_optimum(path);
                }
                Ok(Instance::Knapsack(crate::readers::knapsack::pick(
                    all, path, pick,
                )?))
            }
            other => Err(invalid(
                "instance format",
                format!("{other} files hold QUBO models, not instances"),
            )),
        }
    }

    /// Instance name.
    pub fn name(&self) -> &str {
        match self {
            Instance::Tsp(t) => &t.name,
            Instance::Cvrp(c) => &c.name,
            Instance::Knapsack(k) => &k.name,
        }
    }

    /// The problem ("tsp", "cvrp", "knapsack").
    pub fn problem(&self) -> &'static str {
        match self {
            Instance::Tsp(_) => "tsp",
            Instance::Cvrp(_) => "cvrp",
            Instance::Knapsack(_) => "knapsack",
        }
    }

    /// Encodes with `encoding` ([`Encoding::Auto`]: the problem's exact default) and
    /// `penalty`; an encoding of another problem is an error naming the ones that apply.
    ///
    /// ```
    /// use quboflow_problems::{Encoding, Instance, Knapsack, Penalty};
    /// let k = Knapsack::new("tiny", vec![5.0, 4.0], vec![4.0, 3.0], 5.0)?;
    /// let enc = Instance::Knapsack(k).encode_with(Encoding::Auto, Penalty::Safe)?;
    /// assert_eq!(enc.encoding, "knapsack-log-slack");
    /// let err = Instance::Knapsack(Knapsack::new("t", vec![1.0], vec![1.0], 1.0)?)
    ///     .encode_with(Encoding::TspPosition, Penalty::Safe)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("knapsack-unbalanced"));
    /// # Ok::<(), quboflow_problems::Error>(())
    /// ```
    pub fn encode_with(&self, encoding: Encoding, penalty: Penalty) -> Result<Encoded> {
        let a = penalty.weight();
        match (encoding, self) {
            (Encoding::Auto | Encoding::TspPosition, Instance::Tsp(t)) => {
                tsp::encode(t, &tsp::TspOptions { penalty: a })
            }
            (Encoding::Auto | Encoding::CvrpSetPartitioning, Instance::Cvrp(c)) => cvrp::encode(
                c,
                &cvrp::CvrpOptions {
                    penalty: a,
                    ..Default::default()
                },
            ),
            (Encoding::CvrpRoutePool, Instance::Cvrp(c)) => {
                crate::encodings::pool::encode(c, &Default::default(), a)
            }
            (Encoding::CvrpClusters, Instance::Cvrp(c)) => cvrp::encode_clusters(
                c,
                &cvrp::ClusterOptions {
                    penalty: a,
                    ..Default::default()
                },
            ),
            (Encoding::Auto | Encoding::KnapsackLogSlack, Instance::Knapsack(k)) => {
                knapsack::encode(
                    k,
                    &knapsack::KnapsackOptions {
                        penalty: a,
                        ..Default::default()
                    },
                )
            }
            (Encoding::KnapsackUnbalanced, Instance::Knapsack(k)) => {
                if a.is_some() {
                    return Err(invalid(
                        "penalty",
                        "the unbalanced knapsack encoding has its own weights (λ₁ = 0.1, λ₂ = 0.5); a penalty does not apply",
                    ));
                }
                knapsack::encode(
                    k,
                    &knapsack::KnapsackOptions {
                        method: knapsack::KnapsackMethod::unbalanced_default(),
                        penalty: None,
                    },
                )
            }
            (e, i) => Err(invalid(
                "encoding",
                format!(
                    "{e} does not apply to a {} instance (use {})",
                    i.problem(),
                    Self::encodings_for(i.problem())
                ),
            )),
        }
    }

    /// The encodings that apply to `problem`, in words.
    fn encodings_for(problem: &str) -> &'static str {
        match problem {
            "tsp" => "auto or tsp-position",
            "cvrp" => "auto, cvrp-set-partitioning, cvrp-clusters or cvrp-route-pool",
            _ => "auto, knapsack-log-slack or knapsack-unbalanced",
        }
    }
}
