//! SVG charts of a comparison, drawn with plotters' SVG backend (no fonts or network needed:
//! text stays SVG `<text>`).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::compare::{ComparisonReport, Status};

const W: u32 = 760;
/// One colour per solver, cycling (colour-blind-safe Okabe–Ito palette).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

/// The colour of solver `k`.
pub(crate) fn colour(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

/// `#rrggbb` of solver `k`'s colour, for the HTML legend.
pub(crate) fn colour_hex(k: usize) -> String {
    let RGBColor(r, g, b) = colour(k);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Tick labels and axis titles: 15 px, readable at the page's default size (plotters'
/// default is 12).
const LABELS: (&str, u32) = ("sans-serif", 15);

/// Runs `draw` on a fresh SVG canvas; a drawing error becomes a note in the SVG instead of a
/// missing chart.
fn svg(
    h: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> String {
    let mut out = String::new();
    let mut failed = None;
    {
        let root = SVGBackend::with_string(&mut out, (W, h)).into_drawing_area();
        let result = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|_| draw(&root));
        if let Err(e) = result {
            failed = Some(e);
        }
        let _ = root.present();
    }
    match failed {
        None => out,
        Some(e) => format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"40\"><text x=\"8\" \
             y=\"24\">chart not drawn: {}</text></svg>",
            e.replace('<', "&lt;")
        ),
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Solvers with at least one run, with their index (for colours).
fn ran(r: &ComparisonReport) -> Vec<(usize, &crate::compare::SolverSummary)> {
    r.solvers
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.runs.is_empty() && s.status != Status::Skipped)
        .collect()
}

/// Energy of every read, one strip per solver; dot area ∝ how often it was returned.
pub(crate) fn energy_distribution(r: &ComparisonReport) -> String {
    let rows = ran(r);
    let h = 90 + 40 * rows.len().max(1) as u32;
    svg(h, |root| {
        let all: Vec<f64> = rows
            .iter()
            .flat_map(|(_, s)| s.runs.iter().flat_map(|x| x.energies.iter().map(|e| e[0])))
            .collect();
        let (lo, hi) = span(&all);
        let labels: Vec<String> = rows.iter().map(|(_, s)| s.label.clone()).collect();
        let n = rows.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("Energy of every read (lower is better)", ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(46)
            .y_label_area_size(120)
            .build_cartesian_2d(lo..hi, -0.5..(n - 0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style(LABELS)
            .axis_desc_style(LABELS)
            .disable_y_mesh()
            .y_labels(rows.len().max(1))
            .y_label_formatter(&|y| {
                let k = y.round();
                if (y - k).abs() < 1e-6 && k >= 0.0 {
                    labels.get(k as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_label_formatter(&|x| super::table::num(*x))
            .x_desc("energy")
            .draw()
            .map_err(err)?;
        for (row, (k, s)) in rows.iter().enumerate() {
            let reads: f64 = s.runs.iter().map(|x| x.num_reads as f64).sum();
            let dots = s.runs.iter().flat_map(|x| x.energies.iter()).map(|e| {
                let radius = (2.0 + 10.0 * (e[1] / reads.max(1.0)).sqrt()) as i32;
                Circle::new((e[0], row as f64), radius, colour(*k).mix(0.55).filled())
            });
            chart.draw_series(dots).map_err(err)?;
        }
        Ok(())
    })
}

/// Best and mean gap to the reference per solver, as bars.
pub(crate) fn gap_bars(r: &ComparisonReport) -> String {
    let rows: Vec<_> = ran(r)
        .into_iter()
        .filter(|(_, s)| s.gap_percent.is_some())
        .collect();
    svg(300, |root| {
        if rows.is_empty() {
            root.draw(&Text::new(
                "No gaps to draw: no run had a feasible solution and a reference.",
                (20, 40),
                ("sans-serif", 16),
            ))
            .map_err(err)?;
            return Ok(());
        }
        let top = rows
            .iter()
            .flat_map(|(_, s)| s.mean_gap_percent.into_iter().chain(s.gap_percent))
            .fold(0.0f64, f64::max);
        let bottom = rows
            .iter()
            .filter_map(|(_, s)| s.gap_percent)
            .fold(0.0f64, f64::min);
        let top = if top - bottom < 1e-9 {
            1.0
        } else {
            top * 1.15 + 1e-9
        };
        let labels: Vec<String> = rows.iter().map(|(_, s)| s.label.clone()).collect();
        let n = rows.len();
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Gap to the reference, % (solid: best run, light: mean over runs)",
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(46)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), (bottom * 1.1)..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .label_style(LABELS)
            .axis_desc_style(LABELS)
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let k = x.round();
                if (x - k).abs() < 1e-6 && k >= 0.0 {
                    labels.get(k as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc("gap %")
            .draw()
            .map_err(err)?;
        for (col, (k, s)) in rows.iter().enumerate() {
            let label = s
                .gap_percent
                .map(|g| format!("{g:.2} %"))
                .unwrap_or_default();
            chart
                .draw_series([Text::new(
                    label,
                    // Above the bar: text hangs down from its anchor.
                    (
                        col as f64 - 0.15,
                        s.gap_percent.unwrap_or(0.0).max(0.0) + 0.08 * (top - bottom),
                    ),
                    ("sans-serif", 13),
                )])
                .map_err(err)?;
            let x = col as f64;
            if let Some(m) = s.mean_gap_percent {
                chart
                    .draw_series([Rectangle::new(
                        [(x - 0.35, 0.0), (x + 0.35, m)],
                        colour(*k).mix(0.3).filled(),
                    )])
                    .map_err(err)?;
            }
            if let Some(g) = s.gap_percent {
                chart
                    .draw_series([Rectangle::new(
                        [(x - 0.2, 0.0), (x + 0.2, g)],
                        colour(*k).filled(),
                    )])
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}

/// Every run's gap against its wall time (log time axis when times span > 2 decades).
pub(crate) fn quality_vs_time(r: &ComparisonReport) -> String {
    let rows = ran(r);
    let points: Vec<(usize, f64, f64)> = rows
        .iter()
        .flat_map(|(k, s)| {
            s.runs
                .iter()
                .filter_map(move |x| x.gap_percent.map(|g| (*k, x.wall_s.max(1e-6), g)))
        })
        .collect();
    svg(340, |root| {
        if points.is_empty() {
            root.draw(&Text::new(
                "No runs to draw: no run had a feasible solution and a reference.",
                (20, 40),
                ("sans-serif", 16),
            ))
            .map_err(err)?;
            return Ok(());
        }
        let times: Vec<f64> = points.iter().map(|p| p.1).collect();
        let gaps: Vec<f64> = points.iter().map(|p| p.2).collect();
        let (t0, t1) = (
            times.iter().copied().fold(f64::INFINITY, f64::min),
            times.iter().copied().fold(0.0, f64::max),
        );
        let (g0, g1) = span(&gaps);
        let caption = (
            "Gap % of every run against its wall time (lower left is better)",
            ("sans-serif", 18),
        );
        let dots = |chart_points: &[(usize, f64, f64)]| {
            chart_points
                .iter()
                .map(|&(k, t, g)| Circle::new((t, g), 5, colour(k).filled()))
                .collect::<Vec<_>>()
        };
        if t1 / t0 > 100.0 {
            let mut chart = ChartBuilder::on(root)
                .caption(caption.0, caption.1)
                .margin(12)
                .x_label_area_size(46)
                .y_label_area_size(72)
                .build_cartesian_2d((t0 / 2.0..t1 * 2.0).log_scale(), g0..g1)
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style(LABELS)
                .axis_desc_style(LABELS)
                .x_desc("wall time per run, s (log)")
                .y_desc("gap %")
                .draw()
                .map_err(err)?;
            chart.draw_series(dots(&points)).map_err(err)?;
        } else {
            let mut chart = ChartBuilder::on(root)
                .caption(caption.0, caption.1)
                .margin(12)
                .x_label_area_size(46)
                .y_label_area_size(72)
                .build_cartesian_2d(0.0..t1 * 1.1, g0..g1)
                .map_err(err)?;
            chart
                .configure_mesh()
                .label_style(LABELS)
                .axis_desc_style(LABELS)
                .x_desc("wall time per run, s")
                .y_desc("gap %")
                .draw()
                .map_err(err)?;
            chart.draw_series(dots(&points)).map_err(err)?;
        }
        Ok(())
    })
}

/// A padded range around `v` (a unit range around a single value).
fn span(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-3);
    (lo - pad, hi + pad)
}
