//! The comparison table: one row per solver, the same cells in every output format.

use crate::compare::{ComparisonReport, SolverSummary, Status};

/// One column of the table.
pub(crate) struct Column {
    /// Header text.
    pub(crate) title: String,
    /// Numbers are right-aligned.
    pub(crate) numeric: bool,
    /// One cell per solver.
    pub(crate) cells: Vec<String>,
}

/// A number in few characters: integers without decimals, others to 6 significant digits.
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = 6 - (v.abs().log10().floor() as i32 + 1);
    let d = digits.clamp(0, 9) as usize;
    let s = format!("{v:.d$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Seconds to 3 significant digits.
pub(crate) fn secs(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A cell for an optional number: `f(v)` or a dash.
pub(crate) fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "—".into())
}

fn pct(v: f64) -> String {
    format!("{v:.2}")
}

/// The status cell: `ok`, or `skipped`/`failed`/`cancelled`.
pub(crate) fn status(s: &SolverSummary) -> &'static str {
    match s.status {
        Status::Ok => "ok",
        Status::Skipped => "skipped",
        Status::Failed => "failed",
        Status::Cancelled => "cancelled",
    }
}

/// The table's columns; `full` adds the energy and QAOA columns (Markdown, HTML).
pub(crate) fn columns(r: &ComparisonReport, full: bool) -> Vec<Column> {
    let s = &r.solvers;
    let mut cols = Vec::new();
    let mut col = |title: &str, numeric: bool, f: &dyn Fn(&SolverSummary) -> String| {
        cols.push(Column {
            title: title.to_string(),
            numeric,
            cells: s.iter().map(f).collect(),
        });
    };
    col("solver", false, &|x| x.label.clone());
    col("status", false, &|x| status(x).to_string());
    col(&format!("best {}", r.instance.objective_name), true, &|x| {
        opt(x.best_objective, num)
    });
    col("gap %", true, &|x| opt(x.gap_percent, pct));
    col("mean gap %", true, &|x| opt(x.mean_gap_percent, pct));
    if s.iter().any(|x| x.saving_vs_plan_percent.is_some()) {
        col("saved vs plan %", true, &|x| {
            opt(x.saving_vs_plan_percent, pct)
        });
    }
    col("feasible %", true, &|x| {
        opt(x.raw_feasible_fraction, |f| format!("{:.1}", 100.0 * f))
    });
    if r.settings.repair {
        col("repaired best (flagged)", true, &|x| {
            opt(x.repaired_best_objective, num)
        });
    }
    if full {
        col("best energy", true, &|x| opt(x.best_energy, num));
        col("mean energy", true, &|x| opt(x.mean_energy, num));
    }
    col("hits", true, &|x| {
        if x.runs_completed == 0 {
            "—".into()
        } else {
            format!("{}/{}", x.hits, x.runs_completed)
        }
    });
    col("time/run s", true, &|x| opt(x.mean_wall_s, secs));
    col("TTT s", true, &|x| opt(x.time_to_target_s, secs));
    col("TTS99 s", true, &|x| opt(x.tts99_s, secs));
    if full || s.iter().any(|x| x.variational.is_some()) {
        let v = |x: &SolverSummary, f: &dyn Fn(&crate::compare::Variational) -> Option<f64>| {
            x.variational.as_ref().and_then(f)
        };
        col("p", true, &|x| opt(v(x, &|q| Some(q.p as f64)), num));
        col("⟨C⟩", true, &|x| {
            opt(v(x, &|q| Some(q.expectation)), num)
        });
        col("approx. ratio", true, &|x| {
            opt(v(x, &|q| q.approximation_ratio), |a| format!("{a:.4}"))
        });
        col("P(best)", true, &|x| {
            opt(v(x, &|q| q.probability_of_best), |a| format!("{a:.4}"))
        });
    }
    if s.iter().any(|x| x.backend.is_some()) {
        let e = |x: &SolverSummary, f: &dyn Fn(&crate::compare::Execution) -> String| {
            x.backend.as_ref().map_or_else(|| "—".to_string(), f)
        };
        col("backend", false, &|x| e(x, &|b| b.name.clone()));
        col("shots", true, &|x| e(x, &|b| b.shots.to_string()));
        col("jobs", true, &|x| e(x, &|b| b.jobs.to_string()));
        col("queue s", true, &|x| e(x, &|b| secs(b.queue_s)));
        col("exec s", true, &|x| e(x, &|b| secs(b.execution_s)));
        col("cost USD", true, &|x| {
            e(x, &|b| format!("{:.2}", b.cost_usd))
        });
        col("USD/run", true, &|x| {
            e(x, &|b| {
                format!("{:.2}", b.cost_usd / x.runs_completed.max(1) as f64)
            })
        });
        if s.iter()
            .any(|x| x.backend.as_ref().is_some_and(|b| b.fallback_runs > 0))
        {
            col("fallback runs", true, &|x| {
                e(x, &|b| b.fallback_runs.to_string())
            });
        }
    }
    cols
}

/// The columns laid out as aligned text lines (header, rule, rows).
pub(crate) fn aligned(cols: &[Column]) -> Vec<String> {
    let width = |c: &Column| {
        c.cells
            .iter()
            .map(|x| x.chars().count())
            .chain([c.title.chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = cols.iter().map(width).collect();
    let rows = cols.first().map_or(0, |c| c.cells.len());
    let pad = |text: &str, w: usize, right: bool| {
        let fill = " ".repeat(w.saturating_sub(text.chars().count()));
        if right {
            format!("{fill}{text}")
        } else {
            format!("{text}{fill}")
        }
    };
    let line = |cells: Vec<String>| cells.join("  ").trim_end().to_string();
    let mut out = vec![line(
        cols.iter()
            .zip(&widths)
            .map(|(c, &w)| pad(&c.title, w, c.numeric))
            .collect(),
    )];
    out.push(line(widths.iter().map(|&w| "-".repeat(w)).collect()));
    for k in 0..rows {
        out.push(line(
            cols.iter()
                .zip(&widths)
                .map(|(c, &w)| pad(&c.cells[k], w, c.numeric))
                .collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(3323.0), "3323");
        assert_eq!(num(-2.5), "-2.5");
        assert_eq!(num(0.123456789), "0.123457");
        assert_eq!(num(12345.678), "12345.7");
        assert_eq!(secs(0.01234), "0.012");
        assert_eq!(secs(12.34), "12.3");
    }
}
