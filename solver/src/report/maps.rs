//! Route maps and fill charts of each solver's best solution, as inline SVG.

use std::fmt::Write as _;

use super::html::esc;
use crate::compare::{ComparisonReport, FillBin, Picture, PicturePath};

/// Colours of successive routes: distinct at a glance, dark enough on white.
const ROUTE_COLOURS: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22",
];
/// Map size in SVG units (the page scales it down on narrow screens).
const SIDE: f64 = 480.0;
const MARGIN: f64 = 24.0;

/// One figure per solver with a picture; empty when none has one.
pub(crate) fn section(r: &ComparisonReport) -> String {
    let mut out = String::new();
    for s in &r.solvers {
        let Some(p) = &s.picture else { continue };
        let title = match p {
            Picture::Routes { .. } => "best solution",
            Picture::Fill { .. } => "fill of the best solution",
        };
        let objective = s
            .best_objective
            .map_or("no raw-feasible read".to_string(), |o| {
                format!("{} {o}", r.instance.objective_name)
            });
        let _ = write!(
            out,
            "<figure class=\"map\" data-solver=\"{}\">\n<figcaption>{}: {title} ({})</figcaption>\n",
            esc(&s.label),
            esc(&s.label),
            esc(&objective)
        );
        out.push_str(&match p {
            Picture::Routes {
                points,
                labels,
                depot,
                paths,
            } => routes_svg(points, labels, *depot, paths),
            Picture::Fill { bins } => fill_svg(bins),
        });
        out.push_str("<ul class=\"legend\">\n");
        for (k, line) in p.lines().iter().enumerate() {
            let colour = match p {
                Picture::Routes { .. } => ROUTE_COLOURS[k % ROUTE_COLOURS.len()],
                Picture::Fill { .. } => "#555",
            };
            let _ = writeln!(
                out,
                "<li><span class=\"swatch\" style=\"background:{colour}\"></span>{}</li>",
                esc(line)
            );
        }
        out.push_str("</ul>\n</figure>\n");
    }
    if out.is_empty() {
        return out;
    }
    format!("<h2>Solutions</h2>\n<div class=\"maps\">\n{out}</div>\n")
}

fn routes_svg(
    points: &[[f64; 2]],
    labels: &[String],
    depot: Option<usize>,
    paths: &[PicturePath],
) -> String {
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]).max(1e-9);
    let scale = (SIDE - 2.0 * MARGIN) / span;
    // y grows upwards in the file's coordinates and downwards in SVG.
    let at = |i: usize| -> (f64, f64) {
        let p = points[i];
        (
            MARGIN + (p[0] - lo[0]) * scale,
            SIDE - MARGIN - (p[1] - lo[1]) * scale,
        )
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SIDE} {SIDE}\" width=\"{SIDE}\" \
         height=\"{SIDE}\" role=\"img\" font-family=\"sans-serif\" font-size=\"15\">\n\
         <rect width=\"{SIDE}\" height=\"{SIDE}\" fill=\"#fff\" stroke=\"#ccc\"/>\n"
    );
    for (k, path) in paths.iter().enumerate() {
        let colour = ROUTE_COLOURS[k % ROUTE_COLOURS.len()];
        let mut pts: Vec<String> = path
            .points
            .iter()
            .filter(|&&i| i < points.len())
            .map(|&i| {
                let (x, y) = at(i);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        if path.closed
            && let Some(first) = pts.first().cloned()
        {
            pts.push(first);
        }
        let dash = if path.feasible {
            ""
        } else {
            " stroke-dasharray=\"6 4\""
        };
        let _ = writeln!(
            s,
            "<polyline class=\"route{}\" points=\"{}\" fill=\"none\" stroke=\"{colour}\" \
             stroke-width=\"2.2\"{dash}><title>{}</title></polyline>",
            if path.feasible { "" } else { " infeasible" },
            pts.join(" "),
            esc(&path.label)
        );
        if !path.feasible
            && let Some(&i) = path.points.get(path.points.len() / 2)
            && i < points.len()
        {
            let (x, y) = at(i);
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#a40000\" font-weight=\"bold\">✗ {}</text>",
                x + 6.0,
                y - 6.0,
                esc(&path.label)
            );
        }
    }
    // Label the points only while they stay legible.
    let named = points.len() <= 60;
    for (i, label) in labels.iter().enumerate().take(points.len()) {
        let (x, y) = at(i);
        if Some(i) == depot {
            let _ = writeln!(
                s,
                "<rect class=\"depot\" x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" \
                 fill=\"#000\"><title>depot {}</title></rect>",
                x - 6.0,
                y - 6.0,
                esc(label)
            );
        } else {
            let _ = writeln!(
                s,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"#333\"><title>{}</title></circle>",
                esc(label)
            );
        }
        if named {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#444\">{}</text>",
                x + 4.0,
                y - 4.0,
                esc(label)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn fill_svg(bins: &[FillBin]) -> String {
    const WIDTH: f64 = 640.0;
    const LEFT: f64 = 110.0;
    const ROW: f64 = 34.0;
    let height = ROW * bins.len() as f64 + 40.0;
    let top = bins
        .iter()
        .map(|b| b.capacity.max(b.load()))
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let scale = (WIDTH - LEFT - 20.0) / top;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" \
         height=\"{height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"15\">\n"
    );
    for (k, b) in bins.iter().enumerate() {
        let y = 10.0 + ROW * k as f64;
        let _ = writeln!(
            s,
            "<text x=\"4\" y=\"{:.1}\">{}</text>",
            y + 19.0,
            esc(&b.label)
        );
        let mut x = LEFT;
        for (j, item) in b.items.iter().enumerate() {
            let w = item.size * scale;
            let _ = writeln!(
                s,
                "<rect class=\"item\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"26\" \
                 fill=\"{}\" stroke=\"#fff\"><title>item {} ({})</title></rect>",
                ROUTE_COLOURS[j % ROUTE_COLOURS.len()],
                esc(&item.label),
                item.size
            );
            x += w;
        }
        let cap = LEFT + b.capacity * scale;
        let over = b.load() > b.capacity;
        let _ = writeln!(
            s,
            "<line class=\"capacity\" x1=\"{cap:.1}\" x2=\"{cap:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" \
             stroke=\"{}\" stroke-width=\"3\"/>",
            y - 3.0,
            y + 29.0,
            if over { "#a40000" } else { "#000" }
        );
        if over {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#a40000\" font-weight=\"bold\">✗ over capacity</text>",
                cap + 6.0,
                y + 19.0
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"{LEFT}\" y=\"{:.1}\" fill=\"#444\">bars: items by size; black line: capacity {}</text>",
        height - 8.0,
        bins.first().map_or(0.0, |b| b.capacity)
    );
    s.push_str("</svg>\n");
    s
}
