//! Every file format quboflow reads, and how a file's format is told: extension first, then
//! content — never a folder or a substring of the path.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use quboflow::io::Format;

use crate::error::Result;

/// A readable file format: the plain QUBO formats of [`quboflow::io::Format`] and the
/// logistics instance formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// qbsolv `.qubo`.
    Qubo,
    /// dimod COO text.
    Coo,
    /// quboflow JSON model (or dimod BQM JSON).
    Json,
    /// Beasley OR-Library bqp (maximisation).
    Bqp,
    /// Gset Max-Cut edge list.
    Gset,
    /// TSPLIB `.tsp`.
    Tsplib,
    /// CVRPLIB `.vrp`.
    Cvrplib,
    /// A knapsack file: Ortega's `n W` + `value weight` pairs, or Pisinger's CSV blocks.
    Knapsack,
}

impl FileFormat {
    /// Every format, as `--format` lists them.
    pub const ALL: [FileFormat; 8] = [
        FileFormat::Qubo,
        FileFormat::Coo,
        FileFormat::Json,
        FileFormat::Bqp,
        FileFormat::Gset,
        FileFormat::Tsplib,
        FileFormat::Cvrplib,
        FileFormat::Knapsack,
    ];

    /// The name used on the command line, in JSON outputs and in reports.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Qubo => "qubo",
            FileFormat::Coo => "coo",
            FileFormat::Json => "json",
            FileFormat::Bqp => "bqp",
            FileFormat::Gset => "gset",
            FileFormat::Tsplib => "tsplib",
            FileFormat::Cvrplib => "cvrplib",
            FileFormat::Knapsack => "knapsack",
        }
    }

    /// One line on what the format holds.
    pub fn describe(self) -> &'static str {
        match self {
            FileFormat::Qubo => "qbsolv .qubo (minimise)",
            FileFormat::Coo => "dimod COO text `u v bias` (# vartype header or --vartype)",
            FileFormat::Json => {
                "quboflow JSON model (keeps objective and constraints) or dimod BQM JSON"
            }
            FileFormat::Bqp => "Beasley OR-Library bqp (maximise)",
            FileFormat::Gset => "Gset graph (Max-Cut)",
            FileFormat::Tsplib => "TSPLIB .tsp instance",
            FileFormat::Cvrplib => "CVRPLIB .vrp instance",
            FileFormat::Knapsack => "knapsack: Ortega `n W` + `value weight`, or Pisinger CSV",
        }
    }

    /// The plain QUBO format, for those that are one.
    pub fn model_format(self) -> Option<Format> {
        match self {
            FileFormat::Qubo => Some(Format::Qubo),
            FileFormat::Coo => Some(Format::Coo),
            FileFormat::Json => Some(Format::Json),
            FileFormat::Bqp => Some(Format::Bqp),
            FileFormat::Gset => Some(Format::Gset),
            _ => None,
        }
    }

    /// True for the logistics instance formats (encoded before solving).
    pub fn is_instance(self) -> bool {
        self.model_format().is_none()
    }

    /// The format an extension names (`.qubo`, `.coo`, `.json`, `.bqp`, `.gset`, `.tsp`,
    /// `.vrp`), if any; other extensions (`.txt`, `.csv`, none) leave it to the content.
    pub fn from_extension(path: &Path) -> Option<FileFormat> {
        if let Some(f) = Format::from_extension(path) {
            return Some(FileFormat::from(f));
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tsp" => Some(FileFormat::Tsplib),
            "vrp" => Some(FileFormat::Cvrplib),
            _ => None,
        }
    }
}

impl From<Format> for FileFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Qubo => FileFormat::Qubo,
            Format::Coo => FileFormat::Coo,
            Format::Json => FileFormat::Json,
            Format::Bqp => FileFormat::Bqp,
            Format::Gset => FileFormat::Gset,
        }
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FileFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        FileFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .or(match s.to_ascii_lowercase().as_str() {
                "tsp" => Some(FileFormat::Tsplib),
                "vrp" | "cvrp" => Some(FileFormat::Cvrplib),
                _ => None,
            })
            .ok_or_else(|| {
                let names: Vec<&str> = FileFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// The format a file was read as: how it was told, and a note when the content left doubt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The format.
    pub format: FileFormat,
    /// `"given"` (`--format`), `"extension"` or `"content"`.
    pub by: &'static str,
    /// Why this format, when the content could also be read as another one.
    pub note: Option<String>,
}

/// Tells the format of `path` whose text is `text`: its extension, else its content.
///
/// Content rules, in order: `KEY : value` header lines are TSPLIB (`TYPE : CVRP`, or a
/// `CAPACITY` / `DEMAND_SECTION`, makes it CVRPLIB); a first line holding only a name
/// followed by `n <count>` is a Pisinger knapsack file; a count and a capacity followed by
/// `value weight` pairs is an Ortega knapsack file; the rest is left to
/// [`quboflow::io::detect_content`] (JSON, qbsolv, COO, bqp, Gset).
///
/// ```
/// use quboflow_problems::{FileFormat, detect};
/// let d = detect("x.txt".as_ref(), "NAME : t\nTYPE : TSP\nDIMENSION : 3\n")?;
/// assert_eq!((d.format, d.by), (FileFormat::Tsplib, "content"));
/// let d = detect("k.txt".as_ref(), "3 10\n5 4\n4 3\n3 2\n")?;
/// assert_eq!(d.format, FileFormat::Knapsack);
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
pub fn detect(path: &Path, text: &str) -> Result<Detection> {
    if let Some(format) = FileFormat::from_extension(path) {
        return Ok(Detection {
            format,
            by: "extension",
            note: None,
        });
    }
    let text = quboflow::io::strip_bom(text);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(8)
        .collect();
    let content = |format| {
        Ok(Detection {
            format,
            by: "content",
            note: None,
        })
    };
    if let Some(f) = tsplib_family(text) {
        return content(f);
    }
    let numeric = |t: &str| t.parse::<f64>().is_ok();
    let counts: Vec<(usize, bool)> = lines
        .iter()
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            (t.len(), t.iter().all(|t| numeric(t)))
        })
        .collect();
    // Pisinger: a name alone, then `n <count>`.
    if let (Some((1, false)), Some(second)) = (counts.first(), lines.get(1))
        && second.split_whitespace().next() == Some("n")
    {
        return content(FileFormat::Knapsack);
    }
    // Ortega: `n W` (on one line or two), then `value weight` pairs.
    let pairs_after = |k: usize| counts.get(k) == Some(&(2, true));
    match counts.as_slice() {
        [(1, true), (1, true), ..] if pairs_after(2) || counts.len() == 2 => {
            return content(FileFormat::Knapsack);
        }
        [(2, true), ..] if pairs_after(1) => return content(FileFormat::Knapsack),
        _ => {}
    }
    let d = quboflow::io::detect_content(path, text)?;
    Ok(Detection {
        format: d.format.into(),
        by: "content",
        note: d.note,
    })
}

/// TSPLIB or CVRPLIB when the text opens with `KEY : value` lines, by `TYPE` or the
/// CVRP-only keys.
fn tsplib_family(text: &str) -> Option<FileFormat> {
    let mut header = false;
    let mut cvrp = false;
    for l in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(64)
    {
        let key = l
            .split(|c: char| c == ':' || c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let is_key = !key.is_empty()
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_key {
            break;
        }
        if key.ends_with("_SECTION") {
            cvrp |= key == "DEMAND_SECTION" || key == "DEPOT_SECTION";
            header = true;
            break;
        }
        if !l.contains(':') {
            break;
        }
        header = true;
        let value = l.split_once(':').map_or("", |(_, v)| v.trim());
        match key.as_str() {
            "TYPE" if value.eq_ignore_ascii_case("CVRP") => cvrp = true,
            "CAPACITY" => cvrp = true,
            _ => {}
        }
    }
    header.then_some(if cvrp {
        FileFormat::Cvrplib
    } else {
        FileFormat::Tsplib
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, text: &str) -> FileFormat {
        detect(Path::new(path), text).unwrap().format
    }

    #[test]
    fn extension_then_content_never_folders() {
        assert_eq!(f("a.tsp", ""), FileFormat::Tsplib);
        assert_eq!(f("a.VRP", ""), FileFormat::Cvrplib);
        assert_eq!(f("knapsack/g.gset", "2 1\n1 2 1\n"), FileFormat::Gset);
        assert_eq!(f("knapsack/g.txt", "2 1\n1 2 1\n"), FileFormat::Gset);
        assert_eq!(
            f("x", "NAME: a\nTYPE : CVRP\nDIMENSION: 3\n"),
            FileFormat::Cvrplib
        );
        assert_eq!(
            f("x", "\u{feff}NAME: a\nDIMENSION: 3\nNODE_COORD_SECTION\n"),
            FileFormat::Tsplib
        );
        assert_eq!(
            f("x", "10 \r\n269\r\n55 95\r\n10 4\r\n"),
            FileFormat::Knapsack
        );
        assert_eq!(f("x", "3 10\n5 4\n"), FileFormat::Knapsack);
        assert_eq!(
            f("x.csv", "knapPI_1_2_3_1\nn 2\nc 5\n"),
            FileFormat::Knapsack
        );
        assert_eq!(f("x", "3 2\n1 2 5\n2 3 1\n"), FileFormat::Gset);
        assert_eq!(f("x", "3 2\n1 1 5\n2 3 1\n"), FileFormat::Bqp);
        assert_eq!(f("x", "p qubo 0 1 0 0\n"), FileFormat::Qubo);
        assert!(detect(Path::new("x.csv"), "a,b,c\n1,2,3\n").is_err());
    }

    #[test]
    fn names_parse_both_ways() {
        for f in FileFormat::ALL {
            assert_eq!(f.name().parse::<FileFormat>().unwrap(), f);
        }
        assert_eq!("TSP".parse::<FileFormat>().unwrap(), FileFormat::Tsplib);
        let e = "xlsx".parse::<FileFormat>().unwrap_err();
        assert!(e.contains("knapsack"), "{e}");
    }
}
