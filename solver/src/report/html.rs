//! The HTML report: one self-contained page (inline CSS, inline SVG, a few lines of inline
//! script to sort the table), nothing fetched from the network.

use super::charts;
use super::table::{columns, num, opt, secs};
use super::{facts, notes};
use crate::compare::ComparisonReport;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;\
color:#222;padding:0 1em}table{border-collapse:collapse;margin:1em 0;font-size:14px}\
th,td{padding:4px 9px;border-bottom:1px solid #ddd;white-space:nowrap}.wrap{overflow-x:auto}th{background:#f3f3f3;cursor:pointer;\
white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}\
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 14px}\
dl.facts dt{font-weight:600}.swatch{display:inline-block;width:10px;height:10px;\
margin-right:6px;border-radius:2px}.notes li{margin:2px 0}.warn{color:#a40000}\
figure{margin:1.5em 0}svg{max-width:100%;height:auto}.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1em}figure.map figcaption{font-size:17px;font-weight:600;margin-bottom:4px}ul.legend{list-style:none;padding:0;font-size:15px}ul.legend li{margin:2px 0}";

/// Click a header to sort by it; marks the page ready so tests can tell the script ran.
const SCRIPT: &str = r#"(function () {
  var table = document.getElementById("results");
  var body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener("click", function () {
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (r) {
        var t = r.cells[col].textContent.trim();
        var v = parseFloat(t.replace("/", "."));
        return isNaN(v) ? t : v;
      };
      var dir = th.dataset.dir === "asc" ? -1 : 1;
      th.dataset.dir = dir === 1 ? "asc" : "desc";
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { return typeof x === "number" ? -1 : 1; }
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  document.body.dataset.ready = String(body.rows.length);
})();"#;

/// The whole page.
pub fn to_html(r: &ComparisonReport) -> String {
    let title = format!("quboflow comparison: {}", r.instance.name);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(&format!("<title>{}</title>\n", esc(&title)));
    h.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
    h.push_str(&format!("<h1>{}</h1>\n<dl class=\"facts\">\n", esc(&title)));
    for (k, v) in facts(r) {
        h.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", esc(k), esc(&v)));
    }
    h.push_str("</dl>\n");
    results_table(r, &mut h);
    h.push_str("<ul class=\"notes\">\n");
    for n in notes(r) {
        let class = if n.starts_with("warning") {
            " class=\"warn\""
        } else {
            ""
        };
        h.push_str(&format!("<li{class}>{}</li>\n", esc(&n)));
    }
    h.push_str("</ul>\n");
    for (id, svg) in [
        ("chart-energy", charts::energy_distribution(r)),
        ("chart-gap", charts::gap_bars(r)),
        ("chart-time", charts::quality_vs_time(r)),
    ] {
        h.push_str(&format!("<figure id=\"{id}\">\n{svg}\n</figure>\n"));
    }
    h.push_str(&super::maps::section(r));
    runs_table(r, &mut h);
    h.push_str(&format!("<script>{SCRIPT}</script>\n</body>\n</html>\n"));
    h
}

fn results_table(r: &ComparisonReport, h: &mut String) {
    let cols = columns(r, true);
    h.push_str("<div class=\"wrap\"><table id=\"results\">\n<thead><tr>");
    for c in &cols {
        h.push_str(&format!("<th>{}</th>", esc(&c.title)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (k, s) in r.solvers.iter().enumerate() {
        h.push_str(&format!(
            "<tr class=\"solver-row\" data-solver=\"{}\">",
            esc(&s.label)
        ));
        for (j, c) in cols.iter().enumerate() {
            let class = if c.numeric { " class=\"n\"" } else { "" };
            let swatch = if j == 0 {
                format!(
                    "<span class=\"swatch\" style=\"background:{}\"></span>",
                    charts::colour_hex(k)
                )
            } else {
                String::new()
            };
            h.push_str(&format!("<td{class}>{swatch}{}</td>", esc(&c.cells[k])));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
}

/// Every run, for readers who want to check the aggregates.
fn runs_table(r: &ComparisonReport, h: &mut String) {
    h.push_str("<details><summary>Every run</summary>\n<div class=\"wrap\"><table class=\"runs\">\n<thead><tr>");
    for t in [
        "solver",
        "repeat",
        "seed",
        "wall s",
        "termination",
        "reads",
        "best energy",
        "best objective",
        "gap %",
        "feasible %",
        "hit",
        "TTT s",
    ] {
        h.push_str(&format!("<th>{t}</th>"));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for s in &r.solvers {
        for x in &s.runs {
            let cells = [
                esc(&s.label),
                x.repeat.to_string(),
                x.seed.to_string(),
                secs(x.wall_s),
                x.termination.to_string(),
                x.num_reads.to_string(),
                num(x.best_energy),
                opt(x.best_objective, num),
                opt(x.gap_percent, |g| format!("{g:.2}")),
                format!("{:.1}", 100.0 * x.feasible_fraction),
                if x.hit { "yes" } else { "no" }.to_string(),
                opt(x.time_to_target_s, secs),
            ];
            h.push_str("<tr>");
            for c in cells {
                h.push_str(&format!("<td>{c}</td>"));
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</tbody>\n</table></div>\n</details>\n");
}
