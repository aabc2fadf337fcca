//! QAOA backends by name: `statevector`, `ionq[:TARGET]`, `noise:FILE|QPU`, with the remote
//! options (URL, noise model, journal, cost limit, fallback) that apply to each.

use std::sync::Arc;
use std::time::Duration;

use quboflow_qaoa::{
    Backend, Fallback, IonQ, NoiseModel, NoisySimulator, Precision, PriceTable, Statevector,
};

use crate::error::{Result, invalid};

/// The backend parameters as given (names as in `PARAMETERS`).
#[derive(Debug, Clone, Default)]
pub(crate) struct RemoteOptions {
    pub spec: Option<String>,
    pub ionq_url: Option<String>,
    pub ionq_noise: Option<String>,
    pub fallback: Option<String>,
    pub max_cost: Option<f64>,
    pub price_table: Option<String>,
    pub resume: Option<String>,
    pub poll_interval: Option<f64>,
    pub trajectories: Option<usize>,
    /// Shots per circuit (the solver's `num_reads`).
    pub shots: usize,
}

/// The backend, and whether it lacks an exact gradient (remote and noisy backends).
pub(crate) fn backend(o: &RemoteOptions, precision: Precision) -> Result<(Arc<dyn Backend>, bool)> {
    let spec = o.spec.as_deref().unwrap_or("statevector").trim();
    let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
    let only = |name: &str, given: bool, on: &str| -> Result<()> {
        if given {
            Err(invalid(
                name,
                format!("applies to backend {on} only, not {spec}"),
            ))
        } else {
            Ok(())
        }
    };
    let remote_only = |o: &RemoteOptions| -> Result<()> {
        only("ionq_url", o.ionq_url.is_some(), "ionq")?;
        only("ionq_noise", o.ionq_noise.is_some(), "ionq:simulator")?;
        only("fallback", o.fallback.is_some(), "ionq")?;
        only("max_cost", o.max_cost.is_some(), "ionq")?;
        only("price_table", o.price_table.is_some(), "ionq")?;
        only("resume", o.resume.is_some(), "ionq")?;
        only("poll_interval", o.poll_interval.is_some(), "ionq")
    };
    let (base, shot_based): (Arc<dyn Backend>, bool) = match kind {
        "statevector" if rest.is_empty() => {
            remote_only(o)?;
            only("trajectories", o.trajectories.is_some(), "noise")?;
            (
                Arc::new(Statevector {
                    precision,
                    ..Default::default()
                }),
                false,
            )
        }
        "noise" if rest.starts_with("ionq:") => {
            // The live characterization of an IonQ backend, as a noise model.
            only("ionq_noise", o.ionq_noise.is_some(), "ionq:simulator")?;
            let target = &rest["ionq:".len()..];
            let mut b = IonQ::new("simulator");
            if let Some(url) = &o.ionq_url {
                b.url = url.clone();
            } else if b.api_key.is_none() {
                return Err(invalid(
                    "backend",
                    "reading IonQ's characterization needs IONQ_API_KEY (or ionq_url)",
                ));
            }
            let model = b
                .characterization(target)
                .map_err(|e| invalid("backend", format!("characterization of {target}: {e}")))?;
            (noisy(model, o.trajectories)?, true)
        }
        "noise" => {
            remote_only(o)?;
            if rest.is_empty() {
                return Err(invalid(
                    "backend",
                    "noise needs a model: noise:FILE.json or noise:QPU (aria-1, forte-1, harmony)",
                ));
            }
            let path = std::path::Path::new(rest);
            let model = if path.exists() || rest.ends_with(".json") {
                NoiseModel::read(path).map_err(|e| invalid("backend", reason(e)))?
            } else {
                NoiseModel::named(rest).ok_or_else(|| {
                    invalid("backend", format!("`{rest}` is neither a noise-model file nor a known QPU (aria-1, forte-1, harmony)"))
                })?
            };
            (noisy(model, o.trajectories)?, true)
        }
        "ionq" => {
            only("trajectories", o.trajectories.is_some(), "noise")?;
            let target = if rest.is_empty() { "simulator" } else { rest };
            if target != "simulator" && !target.starts_with("qpu.") {
                return Err(invalid(
                    "backend",
                    format!(
                        "unknown IonQ target `{target}`: simulator or qpu.NAME (qpu.aria-1, qpu.forte-1, …)"
                    ),
                ));
            }
            let mut b = IonQ::new(target);
            if let Some(url) = &o.ionq_url {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(invalid(
                        "ionq_url",
                        format!("`{url}` is not an http(s) URL"),
                    ));
                }
                b.url = url.clone();
            }
            if let Some(m) = &o.ionq_noise {
                if target != "simulator" {
                    return Err(invalid(
                        "ionq_noise",
                        "applies to ionq:simulator only (a QPU has its own noise)",
                    ));
                }
                b.noise_model = Some(m.clone());
            }
            b.shots = o.shots;
            if let Some(c) = o.max_cost {
                if !(c.is_finite() && c >= 0.0) {
                    return Err(invalid("max_cost", "must be a non-negative number of USD"));
                }
                b.max_cost = Some(c);
            }
            if let Some(p) = &o.price_table {
                b.prices = PriceTable::read(std::path::Path::new(p))
                    .map_err(|e| invalid("price_table", reason(e)))?;
                b.prices.price(target).ok_or_else(|| {
                    invalid("price_table", format!("{p} has no price for {target}"))
                })?;
            }
            if let Some(dir) = &o.resume {
                b.journal = Some(dir.into());
            }
            if let Some(s) = o.poll_interval {
                if !(s.is_finite() && s > 0.0 && s <= 3600.0) {
                    return Err(invalid(
                        "poll_interval",
                        "must be between 0 and 3600 seconds",
                    ));
                }
                b.policy.poll_initial = Duration::from_secs_f64(s);
            }
            if b.api_key.is_none() && b.url == quboflow_qaoa::IONQ_URL && o.fallback.is_none() {
                return Err(invalid(
                    "backend",
                    "IonQ needs an API key in IONQ_API_KEY (or ionq_url pointing at the emulator, or fallback statevector)",
                ));
            }
            let b: Arc<dyn Backend> = Arc::new(b);
            match o.fallback.as_deref() {
                None => (b, true),
                Some("statevector") => {
                    let local: Arc<dyn Backend> = Arc::new(Statevector {
                        precision,
                        ..Default::default()
                    });
                    (
                        Arc::new(Fallback {
                            primary: b,
                            fallback: local,
                        }),
                        true,
                    )
                }
                Some(f) => {
                    return Err(invalid(
                        "fallback",
                        format!("`{f}`: the fallback is statevector"),
                    ));
                }
            }
        }
        _ => {
            return Err(invalid(
                "backend",
                format!(
                    "unknown backend `{spec}`: statevector, ionq[:simulator|qpu.NAME] or noise:FILE|QPU"
                ),
            ));
        }
    };
    Ok((base, shot_based))
}

/// The trajectory simulator of `model`, with `trajectories` per circuit if given.
fn noisy(model: NoiseModel, trajectories: Option<usize>) -> Result<Arc<dyn Backend>> {
    let mut sim = NoisySimulator::new(model);
    if let Some(t) = trajectories {
        if t == 0 {
            return Err(invalid("trajectories", "must be at least 1"));
        }
        sim.trajectories = t;
    }
    Ok(Arc::new(sim))
}

/// The reason of a parameter error (its name is the flag's, given by the caller).
fn reason(e: quboflow_qaoa::Error) -> String {
    match e {
        quboflow_qaoa::Error::InvalidParameter { reason, .. } => reason,
        e => e.to_string(),
    }
}
