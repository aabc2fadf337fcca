//! Reading and writing QUBO files: qbsolv `.qubo`, dimod COO, quboflow JSON, Beasley bqp, Gset.
//!
//! Every reader returns a [`Model`]: the minimisation [`Qubo`] plus the [`Objective`] that maps
//! energies back to the file's own sense. Every parse error names the file, line and (where
//! known) column, and says what was expected.
//!
//! ```
//! use quboflow::io::{self, Format};
//! let text = "p qubo 0 2 2 1\n0 0 -1.5\n1 1 2.0\n0 1 -3.25\n";
//! let model = io::read_str(text, "example.qubo".as_ref(), Some(Format::Qubo), &Default::default())?;
//! assert_eq!(model.qubo.energy(&[1, 1]), -1.5 + 2.0 - 3.25);
//! # Ok::<(), quboflow::Error>(())
//! ```

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::objective::Objective;
use crate::qubo::Qubo;

pub mod bqp;
pub mod coo;
pub mod gset;
pub mod json;
pub mod qbsolv;
mod scan;

pub use coo::Vartype;

/// The file formats quboflow reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// qbsolv `.qubo` (read + write).
    Qubo,
    /// dimod COO text, `u v bias` per line (read + write).
    Coo,
    /// quboflow's versioned JSON (read + write); dimod BQM JSON is read too.
    Json,
    /// Beasley OR-Library bqp, maximisation (read).
    Bqp,
    /// Gset Max-Cut edge list (read).
    Gset,
}

impl Format {
    /// Every format, in the order detection tries them.
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Qubo,
        Format::Coo,
        Format::Bqp,
        Format::Gset,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Qubo => "qubo",
            Format::Coo => "coo",
            Format::Json => "json",
            Format::Bqp => "bqp",
            Format::Gset => "gset",
        }
    }

    /// True when quboflow can write this format.
    pub fn writable(self) -> bool {
        matches!(self, Format::Qubo | Format::Coo | Format::Json)
    }

    /// The format implied by a file extension, if any.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "qubo" => Some(Format::Qubo),
            "coo" => Some(Format::Coo),
            "json" => Some(Format::Json),
            "bqp" => Some(Format::Bqp),
            "gset" => Some(Format::Gset),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown format {s:?} (expected one of qubo, coo, json, bqp, gset)")
            })
    }
}

/// Options a reader may need beyond the file itself.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Variable type of a COO file without a `# vartype=` header. Default: none (an error).
    pub vartype: Option<Vartype>,
}

/// A model read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The minimisation QUBO (a spin file is converted exactly).
    pub qubo: Qubo,
    /// How energies map to the file's native objective.
    pub objective: Objective,
    /// The format it was read from.
    pub format: Format,
}

/// Reads a model, detecting the format from the extension and content unless given.
pub fn read(path: &Path, format: Option<Format>, opts: &ReadOptions) -> Result<Model> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = scan::utf8(path, &bytes)?;
    read_str(text, path, format, opts)
}

/// Reads a model from text; `path` is used for detection and in error messages.
pub fn read_str(
    text: &str,
    path: &Path,
    format: Option<Format>,
    opts: &ReadOptions,
) -> Result<Model> {
    let format = match format {
        Some(f) => f,
        None => detect(path, text)?,
    };
    let (qubo, objective) = match format {
        Format::Qubo => (qbsolv::read(path, text)?, Objective::energy()),
        Format::Coo => (coo::read(path, text, opts.vartype)?, Objective::energy()),
        Format::Json => json::read(path, text)?,
        Format::Bqp => (bqp::read(path, text)?, Objective::maximize_negated()),
        Format::Gset => (gset::read(path, text)?, Objective::max_cut()),
    };
    Ok(Model {
        qubo,
        objective,
        format,
    })
}

/// Writes a model in a writable format (`qubo`, `coo`, `json`).
///
/// qbsolv and COO files cannot carry a native objective; the energy they hold is the
/// minimisation form (use JSON to keep a maximisation sense or Max-Cut objective).
pub fn write(model: &Model, path: &Path, format: Format) -> Result<()> {
    let text = write_string(model, format)?;
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// The text of a model in a writable format.
pub fn write_string(model: &Model, format: Format) -> Result<String> {
    match format {
        Format::Qubo => Ok(qbsolv::write(&model.qubo)),
        Format::Coo => Ok(coo::write(&model.qubo)),
        Format::Json => Ok(json::write(&model.qubo, &model.objective)),
        Format::Bqp | Format::Gset => Err(Error::Unsupported {
            format: format.name(),
            reason: "this format is read-only in quboflow; write qubo, coo or json".into(),
        }),
    }
}

/// Detects the format of a file from its extension, then its name, then its content.
///
/// Beasley bqp and Gset files look alike (a two-number header, then `i j w` lines); names
/// starting with `bqp` or shaped `G<k>` decide, then the content: a diagonal entry (`i == i`)
/// means bqp (Gset has no self-loops), otherwise all weights in {−1, +1} means Gset.
pub fn detect(path: &Path, text: &str) -> Result<Format> {
    if let Some(f) = Format::from_extension(path) {
        return Ok(f);
    }
    let unknown = |reason: &str| Error::UnknownFormat {
        path: path.to_path_buf(),
        reason: reason.into(),
    };
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| unknown("the file is empty"))?;
    if first.starts_with('{') {
        return Ok(Format::Json);
    }
    let tok0 = first.split_whitespace().next().unwrap_or("");
    if tok0 == "p" || tok0 == "c" {
        return Ok(Format::Qubo);
    }
    if first.starts_with('#') {
        return Ok(Format::Coo);
    }
    match first.split_whitespace().count() {
        3 => return Ok(Format::Coo),
        2 => {}
        _ => return Err(unknown("the first line is neither a header nor an entry")),
    }
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if stem.starts_with("bqp") {
        return Ok(Format::Bqp);
    }
    if stem.len() > 1 && stem.starts_with('g') && stem[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Format::Gset);
    }
    // Content: look at the entries (bounded, so detection stays cheap on big files).
    let mut all_unit = true;
    for l in lines.take(10_000) {
        let t: Vec<&str> = l.split_whitespace().collect();
        if t.len() != 3 {
            break;
        }
        if t[0] == t[1] {
            return Ok(Format::Bqp);
        }
        if !matches!(t[2], "1" | "-1" | "+1") {
            all_unit = false;
        }
    }
    Ok(if all_unit { Format::Gset } else { Format::Bqp })
}

/// Formats a float for text files: the shortest decimal that reads back to the same value,
/// never in exponent notation (dimod's COO reader silently skips exponent lines).
pub(crate) fn plain_decimal(v: f64) -> String {
    // Rust's `Display` for f64 prints the shortest round-trip digits in positional notation.
    let s = format!("{v}");
    if s == "-0" { "0".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension_name_and_content() {
        let p = |s: &str| Path::new(s).to_path_buf();
        assert_eq!(detect(&p("a.qubo"), "").unwrap(), Format::Qubo);
        assert_eq!(detect(&p("a.txt"), "{\"a\":1}").unwrap(), Format::Json);
        assert_eq!(
            detect(&p("a.txt"), "c hi\np qubo 0 1 0 0\n").unwrap(),
            Format::Qubo
        );
        assert_eq!(
            detect(&p("a.txt"), "# vartype=BINARY\n0 1 1\n").unwrap(),
            Format::Coo
        );
        assert_eq!(detect(&p("a.txt"), "0 1 1.5\n").unwrap(), Format::Coo);
        assert_eq!(detect(&p("bqp9.txt"), "2 1\n1 2 1\n").unwrap(), Format::Bqp);
        assert_eq!(detect(&p("G9.txt"), "2 1\n1 2 5\n").unwrap(), Format::Gset);
        assert_eq!(detect(&p("x.txt"), "2 1\n1 2 -1\n").unwrap(), Format::Gset);
        assert_eq!(
            detect(&p("x.txt"), "2 2\n1 2 -1\n2 2 7\n").unwrap(),
            Format::Bqp
        );
        assert_eq!(detect(&p("x.txt"), "2 1\n1 2 17\n").unwrap(), Format::Bqp);
        assert!(detect(&p("x.txt"), "").is_err());
        assert!(detect(&p("x.txt"), "a b c d\n").is_err());
    }

    #[test]
    fn plain_decimals_never_use_exponents() {
        assert_eq!(plain_decimal(1e-7), "0.0000001");
        assert_eq!(plain_decimal(-0.0), "0");
        assert_eq!(plain_decimal(0.1), "0.1");
        assert!(!plain_decimal(1e21).contains('e'));
        assert_eq!(plain_decimal(0.1).parse::<f64>().unwrap(), 0.1);
    }

    #[test]
    fn format_names_parse() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert!("xlsx".parse::<Format>().is_err());
    }
}
