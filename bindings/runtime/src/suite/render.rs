//! A suite report as text, Markdown, CSV, JSON and a self-contained HTML page with SVG
//! charts (performance profiles, mean gaps, time to target).

use std::fmt::Write as _;
use std::path::Path;

use super::aggregate::{SolverOverall, SuiteReport};
use super::error::SuiteError;
use quboflow::report::ReportFormat;

fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.digits$}"))
}

/// Seconds: three decimals, or two significant digits below a millisecond.
fn secs(v: Option<f64>) -> String {
    match v {
        Some(x) if x > 0.0 && x < 1e-3 => format!("{x:.1e}"),
        other => num(other, 3),
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:+.3} %"))
}

fn rate(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{:.1} %", 100.0 * x))
}

/// The across-instance table: one row per solver.
fn overall_rows(r: &SuiteReport) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let head = vec![
        "solver",
        "instances",
        "runs",
        "feasible",
        "success",
        "mean gap",
        "geo-mean gap",
        "wins",
        "mean s",
        "median TTT s",
        "USD/run",
        "saving vs plan",
    ];
    let rows = r
        .solvers
        .iter()
        .map(|s: &SolverOverall| {
            vec![
                s.label.clone(),
                s.instances.to_string(),
                format!("{}/{}", s.ok_runs, s.runs),
                rate(s.feasible_rate),
                rate(s.success_rate),
                pct(s.mean_gap_percent),
                pct(s.geomean_gap_percent),
                s.wins.to_string(),
                secs(s.mean_wall_s),
                secs(s.median_time_to_target_s),
                num(s.cost_usd_per_run, 2),
                pct(s.mean_saving_percent),
            ]
        })
        .collect();
    (head, rows)
}

/// The per-instance table: one row per instance × solver.
fn instance_rows(r: &SuiteReport) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let head = vec![
        "instance",
        "reference",
        "solver",
        "runs",
        "best",
        "mean",
        "gap",
        "mean gap",
        "hits",
        "mean s",
        "cost USD",
        "saving vs plan",
    ];
    let mut rows = Vec::new();
    for i in &r.instances {
        let reference = i.reference.as_ref().map_or_else(
            || "-".to_string(),
            |x| format!("{} ({})", x.value, x.kind.label()),
        );
        for c in &i.cells {
            rows.push(vec![
                i.name.clone(),
                reference.clone(),
                c.label.clone(),
                format!("{}/{}", c.ok_runs, c.runs),
                c.best_objective.map_or_else(
                    || {
                        c.reason
                            .clone()
                            .map_or("-".into(), |_| "skipped/failed".into())
                    },
                    |v| v.to_string(),
                ),
                num(c.mean_objective, 3),
                pct(c.gap_percent),
                pct(c.mean_gap_percent),
                c.hits.to_string(),
                secs(c.mean_wall_s),
                num(c.cost_usd, 2),
                pct(c.saving_percent),
            ]);
        }
    }
    (head, rows)
}

fn aligned(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (k, c) in row.iter().enumerate() {
            w[k] = w[k].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(k, c)| format!("{c:<width$}", width = w[k]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(head.to_vec()) + "\n";
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
        out.push('\n');
    }
    out
}

fn facts(r: &SuiteReport) -> Vec<String> {
    let mut f = vec![
        format!("suite(s): {}", r.suites.join(", ")),
        format!(
            "records: {} ({} duplicate(s) dropped, {} conflict(s)); {} instances",
            r.records,
            r.duplicates,
            r.conflicts.len(),
            r.instances.len()
        ),
        format!("manifest SHA-256: {}", r.manifest_sha256),
        format!("produced by: {}", r.produced_by.join("; ")),
        "gaps: against each instance's proven optimum or best-known value when known, else the best found by any solver in these records (labelled); success = a run reached it".into(),
    ];
    f.extend(r.notes.iter().map(|n| format!("note: {n}")));
    f
}

/// The report as aligned text.
pub fn to_text(r: &SuiteReport) -> String {
    let mut out = String::new();
    for f in facts(r) {
        out += &f;
        out.push('\n');
    }
    let (h, rows) = overall_rows(r);
    out += "\nacross instances\n";
    out += &aligned(&h, &rows);
    let taus: Vec<String> = r.profile_taus.iter().map(|t| format!("≤{t}%")).collect();
    let mut ph = vec!["profile"];
    ph.extend(taus.iter().map(String::as_str));
    let prow: Vec<Vec<String>> = r
        .solvers
        .iter()
        .map(|s| {
            std::iter::once(s.label.clone())
                .chain(s.profile.iter().map(|p| format!("{p:.2}")))
                .collect()
        })
        .collect();
    out += "\nperformance profile (fraction of instances within τ of the best solver's mean)\n";
    out += &aligned(&ph, &prow);
    let (h, rows) = instance_rows(r);
    out += "\nper instance\n";
    out += &aligned(&h, &rows);
    out
}

fn md_table(head: &[&str], rows: &[Vec<String>]) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("| {} |\n|{}\n", head.join(" | "), "---|".repeat(head.len()));
    for row in rows {
        out += &format!(
            "| {} |\n",
            row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    out
}

/// The report as Markdown.
pub fn to_markdown(r: &SuiteReport) -> String {
    let mut out = String::from("# Suite report\n\n");
    for f in facts(r) {
        out += &format!("- {f}\n");
    }
    let (h, rows) = overall_rows(r);
    out += "\n## Across instances\n\n";
    out += &md_table(&h, &rows);
    let (h, rows) = instance_rows(r);
    out += "\n## Per instance\n\n";
    out += &md_table(&h, &rows);
    out
}

/// The report as CSV: one row per instance × solver.
pub fn to_csv(r: &SuiteReport) -> String {
    let q = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let o = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    let mut out = String::from(
        "instance,key,problem,sense,reference,reference_kind,baseline,solver,runs,ok_runs,feasible_runs,best_objective,mean_objective,gap_percent,mean_gap_percent,hits,mean_wall_s,mean_time_to_target_s,cost_usd,saving_percent\n",
    );
    for i in &r.instances {
        for c in &i.cells {
            let cols = [
                q(&i.name),
                q(&i.key),
                q(&i.problem),
                format!("{:?}", i.sense).to_lowercase(),
                o(i.reference.as_ref().map(|x| x.value)),
                i.reference
                    .as_ref()
                    .map_or(String::new(), |x| q(x.kind.label())),
                o(i.baseline),
                q(&c.label),
                c.runs.to_string(),
                c.ok_runs.to_string(),
                c.feasible_runs.to_string(),
                o(c.best_objective),
                o(c.mean_objective),
                o(c.gap_percent),
                o(c.mean_gap_percent),
                c.hits.to_string(),
                o(c.mean_wall_s),
                o(c.mean_time_to_target_s),
                o(c.cost_usd),
                o(c.saving_percent),
            ];
            out += &cols.join(",");
            out.push('\n');
        }
    }
    out
}

/// The report as JSON (the stable machine format).
pub fn to_json(r: &SuiteReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

const PALETTE: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#b8a600", "#000000",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A line chart: x positions (0..1 scaled), one series per solver, legend on the right.
fn lines_svg(
    title: &str,
    xlabel: &str,
    xticks: &[(f64, String)],
    series: &[(String, Vec<(f64, f64)>)],
    ylabel: &str,
) -> String {
    let (w, h, l, r, t, b) = (860.0, 420.0, 70.0, 220.0, 40.0, 60.0);
    let pw = w - l - r;
    let ph = h - t - b;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"15\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
    );
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"24\" font-size=\"18\" font-weight=\"bold\">{}</text>",
        l,
        esc(title)
    );
    for k in 0..=4 {
        let y = t + ph - ph * k as f64 / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{l}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.2}</text>",
            l + pw,
            l - 8.0,
            y + 5.0,
            k as f64 / 4.0
        );
    }
    for (x, label) in xticks {
        let px = l + pw * x;
        let _ = write!(
            s,
            "<line x1=\"{px}\" y1=\"{}\" x2=\"{px}\" y2=\"{}\" stroke=\"#999\"/><text x=\"{px}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            t + ph,
            t + ph + 6.0,
            t + ph + 24.0,
            esc(label)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        l + pw / 2.0,
        h - 12.0,
        esc(xlabel)
    );
    let _ = write!(
        s,
        "<text x=\"18\" y=\"{}\" transform=\"rotate(-90 18 {})\" text-anchor=\"middle\">{}</text>",
        t + ph / 2.0,
        t + ph / 2.0,
        esc(ylabel)
    );
    let _ = write!(
        s,
        "<rect x=\"{l}\" y=\"{t}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#333\"/>"
    );
    for (k, (name, pts)) in series.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        let d: Vec<String> = pts
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", l + pw * x, t + ph - ph * y))
            .collect();
        if !d.is_empty() {
            let _ = write!(
                s,
                "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2.5\" points=\"{}\"/>",
                d.join(" ")
            );
        }
        let ly = t + 10.0 + 24.0 * k as f64;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"16\" fill=\"{c}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            l + pw + 16.0,
            ly,
            l + pw + 38.0,
            ly + 13.0,
            esc(name)
        );
    }
    s + "</svg>"
}

/// Step points of a profile on an evenly spaced τ axis.
fn profile_svg(r: &SuiteReport) -> String {
    let n = r.profile_taus.len().max(2) - 1;
    let xs: Vec<f64> = (0..r.profile_taus.len())
        .map(|k| k as f64 / n as f64)
        .collect();
    let ticks: Vec<(f64, String)> = r
        .profile_taus
        .iter()
        .zip(&xs)
        .map(|(t, x)| (*x, format!("{t}")))
        .collect();
    let series: Vec<(String, Vec<(f64, f64)>)> = r
        .solvers
        .iter()
        .map(|s| {
            let mut pts = Vec::new();
            for (k, p) in s.profile.iter().enumerate() {
                if k > 0 {
                    pts.push((xs[k], s.profile[k - 1]));
                }
                pts.push((xs[k], *p));
            }
            (s.label.clone(), pts)
        })
        .collect();
    lines_svg(
        "Performance profile",
        "τ: % above the best solver's mean objective on the instance",
        &ticks,
        &series,
        "fraction of instances",
    )
}

/// Fraction of runs that reached the reference by time t (log axis).
fn ttt_svg(r: &SuiteReport) -> String {
    let all: Vec<f64> = r
        .solvers
        .iter()
        .flat_map(|s| s.times_to_target_s.iter().copied())
        .filter(|t| *t > 0.0)
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).max(1e-6);
    let hi = all.iter().copied().fold(0.0, f64::max).max(lo * 10.0);
    let (a, b) = (lo.log10().floor(), hi.log10().ceil());
    let x = |t: f64| ((t.max(lo).log10() - a) / (b - a)).clamp(0.0, 1.0);
    let ticks: Vec<(f64, String)> = (a as i32..=b as i32)
        .map(|e| (x(10f64.powi(e)), format!("1e{e}")))
        .collect();
    let series = r
        .solvers
        .iter()
        .map(|s| {
            let total = (s.times_to_target_s.len() + s.runs_without_target).max(1) as f64;
            let mut pts = vec![(0.0, 0.0)];
            for (k, t) in s.times_to_target_s.iter().enumerate() {
                pts.push((x(*t), k as f64 / total));
                pts.push((x(*t), (k + 1) as f64 / total));
            }
            let last = pts.last().map_or(0.0, |p| p.1);
            pts.push((1.0, last));
            (s.label.clone(), pts)
        })
        .collect::<Vec<_>>();
    lines_svg(
        "Time to target (runs on instances with a known optimum or reference)",
        "seconds (log scale)",
        &ticks,
        &series,
        "fraction of runs at the reference",
    )
}

/// Horizontal bars of each solver's mean gap.
fn gap_svg(r: &SuiteReport) -> String {
    let rows: Vec<(&str, f64)> = r
        .solvers
        .iter()
        .filter_map(|s| s.mean_gap_percent.map(|g| (s.label.as_str(), g)))
        .collect();
    let h = 70.0 + 34.0 * rows.len() as f64;
    let (w, l) = (860.0, 220.0);
    let max = rows
        .iter()
        .map(|(_, g)| g.abs())
        .fold(0.0, f64::max)
        .max(1e-9);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"15\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/><text x=\"10\" y=\"24\" font-size=\"18\" font-weight=\"bold\">Mean gap over instances (%)</text>"
    );
    for (k, (label, g)) in rows.iter().enumerate() {
        let y = 44.0 + 34.0 * k as f64;
        let bw = (w - l - 120.0) * g.abs() / max;
        let c = PALETTE[r
            .solvers
            .iter()
            .position(|s| s.label == *label)
            .unwrap_or(0)
            % PALETTE.len()];
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{l}\" y=\"{y}\" width=\"{bw:.1}\" height=\"24\" fill=\"{c}\"/><text x=\"{}\" y=\"{}\">{g:+.3}</text>",
            l - 8.0,
            y + 17.0,
            esc(label),
            l + bw + 6.0,
            y + 17.0
        );
    }
    s + "</svg>"
}

fn html_table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s += "</tr></thead><tbody>";
    for row in rows {
        s += "<tr>";
        for c in row {
            let _ = write!(s, "<td>{}</td>", esc(c));
        }
        s += "</tr>";
    }
    s + "</tbody></table>"
}

/// The report as one self-contained HTML page.
pub fn to_html(r: &SuiteReport) -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>quboflow suite report</title><style>body{font-family:sans-serif;font-size:16px;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right;white-space:nowrap}td:first-child,th:first-child{text-align:left}h2{margin-top:1.5em}</style></head><body><h1>quboflow suite report</h1><ul>",
    );
    for f in facts(r) {
        let _ = write!(s, "<li>{}</li>", esc(&f));
    }
    s += "</ul><h2>Across instances</h2>";
    let (h, rows) = overall_rows(r);
    s += &html_table(&h, &rows);
    s += &profile_svg(r);
    s += &gap_svg(r);
    s += &ttt_svg(r);
    s += "<h2>Per instance</h2>";
    let (h, rows) = instance_rows(r);
    s += &html_table(&h, &rows);
    s + "</body></html>\n"
}

/// The format `path`'s extension names, as `compare --report` reads it.
fn format_of(path: &Path) -> Result<ReportFormat, SuiteError> {
    ReportFormat::from_path(path).map_err(|e| {
        let reason = match e {
            quboflow::Error::InvalidParameter { reason, .. } => reason,
            other => other.to_string(),
        };
        SuiteError::at(path, None, reason)
    })
}

/// Writes the report in the format `path`'s extension names (.txt, .md, .csv, .json, .html).
pub fn write_report(r: &SuiteReport, path: &Path) -> Result<(), SuiteError> {
    let text = match format_of(path)? {
        ReportFormat::Text => to_text(r),
        ReportFormat::Markdown => to_markdown(r),
        ReportFormat::Csv => to_csv(r),
        ReportFormat::Json => to_json(r),
        ReportFormat::Html => to_html(r),
    };
    std::fs::write(path, text).map_err(|e| SuiteError::at(path, None, e.to_string()))
}

/// Checks a report path's extension before any work is done.
pub fn check_report_path(path: &Path) -> Result<(), SuiteError> {
    format_of(path).map(drop)
}
