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
pub use scan::strip_bom;

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
    /// The minimisation QUBO (a spin file is converted exactly), with the constraints a
    /// quboflow JSON file records.
    pub qubo: Qubo,
    /// How energies map to the file's native objective.
    pub objective: Objective,
    /// The format it was read from.
    pub format: Format,
    /// Why this format was chosen when the content alone could not tell (a weighted edge
    /// list is a Gset graph or a Beasley bqp file); `None` when there was no doubt.
    pub format_note: Option<String>,
}

/// Reads a model, detecting the format from the extension and content unless given.
pub fn read(path: &Path, format: Option<Format>, opts: &ReadOptions) -> Result<Model> {
    read_str(&read_text(path)?, path, format, opts)
}

/// The text of a file: UTF-8 checked (the error names the line of the first bad byte), a
/// byte-order mark removed.
///
/// Read in chunks, so that what is not text ends the read at once — a NUL byte never occurs
/// in any supported format, and `/dev/zero` or a binary file would otherwise be read whole —
/// and so that a stream with no end (a pipe) is refused once it outgrows memory.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    scan::utf8(path, &bytes)?;
    let mut text = String::from_utf8(bytes)
        .map_err(|_| Error::parse(path, 1, "file is not valid UTF-8 text"))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    const CHUNK: usize = 1 << 20;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    // Memory is checked whenever the buffer would double, not on every chunk.
    let mut checked = 0usize;
    loop {
        let start = bytes.len();
        if start + CHUNK > checked {
            checked = (2 * (start + CHUNK)).max(1 << 24);
            crate::memory::check_allocation(
                || format!("reading {}", path.display()),
                checked as u64,
            )?;
        }
        bytes.resize(start + CHUNK, 0);
        let got = loop {
            match file.read(&mut bytes[start..]) {
                Ok(k) => break k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(path, e)),
            }
        };
        bytes.truncate(start + got);
        if start == 0 && (bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff])) {
            // UTF-16 holds NULs; say what it is.
            scan::utf8(path, &bytes)?;
        }
        if let Some(at) = bytes[start..].iter().position(|&b| b == 0) {
            let at = start + at;
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(Error::parse(
                path,
                line,
                format!(
                    "expected text, found a NUL byte (offset {at}): a binary file, or UTF-16 \
                     text (save it as UTF-8)"
                ),
            ));
        }
        if got == 0 {
            return Ok(bytes);
        }
    }
}

/// Reads a model from text; `path` is used for detection and in error messages.
///
/// A UTF-8 byte-order mark is skipped and CRLF line ends are accepted in every format.
pub fn read_str(
    text: &str,
    path: &Path,
    format: Option<Format>,
    opts: &ReadOptions,
) -> Result<Model> {
    let text = scan::strip_bom(text);
    let detection = match format {
        Some(format) => Detection { format, note: None },
        None => detect(path, text)?,
    };
    let format = detection.format;
    if opts.vartype.is_some() && format != Format::Coo {
        return Err(Error::InvalidParameter {
            name: "vartype",
            reason: format!(
                "applies to COO files only; {} is read as {format}, which fixes its own variable type",
                path.display()
            ),
        });
    }
    let read = || -> Result<(Qubo, Objective)> {
        Ok(match format {
            Format::Qubo => (qbsolv::read(path, text)?, Objective::energy()),
            Format::Coo => (coo::read(path, text, opts.vartype)?, Objective::energy()),
            Format::Json => json::read(path, text)?,
            Format::Bqp => (bqp::read(path, text)?, Objective::maximize_negated()),
            Format::Gset => (gset::read(path, text)?, Objective::max_cut()),
        })
    };
    // Errors without a line (a model too large, energies that overflow) still name the file.
    let (qubo, objective) = read().map_err(|e| e.in_file(path))?;
    Ok(Model {
        qubo,
        objective,
        format,
        format_note: detection.note,
    })
}

/// Writes a model in a writable format (`qubo`, `coo`, `json`).
///
/// qbsolv and COO files cannot carry a native objective or constraints; the energy they hold
/// is the minimisation form (use JSON to keep a maximisation sense, a Max-Cut objective or the
/// one-hot groups of an encoded instance).
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

/// The format a file was detected as, and a note when the content left room for doubt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The format chosen.
    pub format: Format,
    /// Why, when the content could also be read as another format (printed as a note and
    /// recorded in JSON outputs); `None` when there was no doubt.
    pub note: Option<String>,
}

/// Detects the format of a file from its extension, else from its content (never from its
/// name or folder).
///
/// Content rules: `{` starts JSON; a `p` or `c` line qbsolv; a `#` line or three numbers on
/// the first line dimod COO; a two-number header followed by `i j w` lines is Beasley bqp when
/// some entry is diagonal (`i i w`: Gset graphs have no self-loops), Gset when every weight is
/// ±1, and otherwise (a weighted edge list, which both formats allow) Gset, with a note saying
/// so and how to read it as bqp.
pub fn detect(path: &Path, text: &str) -> Result<Detection> {
    if let Some(format) = Format::from_extension(path) {
        return Ok(Detection { format, note: None });
    }
    detect_content(path, text)
}

/// The content half of [`detect`] (for callers that handle extensions themselves).
pub fn detect_content(path: &Path, text: &str) -> Result<Detection> {
    let text = scan::strip_bom(text);
    let sure = |format| Ok(Detection { format, note: None });
    let unknown = |reason: &str| Error::UnknownFormat {
        path: path.to_path_buf(),
        reason: reason.into(),
    };
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| unknown("the file is empty"))?;
    if first.starts_with('{') {
        return sure(Format::Json);
    }
    let tok0 = first.split_whitespace().next().unwrap_or("");
    if tok0 == "p" || tok0 == "c" {
        return sure(Format::Qubo);
    }
    if first.starts_with('#') {
        return sure(Format::Coo);
    }
    let numeric = |t: &str| t.parse::<f64>().is_ok();
    let tokens: Vec<&str> = first.split_whitespace().collect();
    match tokens.len() {
        3 if tokens.iter().all(|t| numeric(t)) => return sure(Format::Coo),
        2 if tokens.iter().all(|t| numeric(t)) => {}
        // A count alone, then `n nnz`: a multi-problem OR-Library bqp file (its reader says
        // how to split it).
        1 if numeric(tokens[0])
            && lines
                .next()
                .is_some_and(|l| l.split_whitespace().filter(|t| numeric(t)).count() == 2) =>
        {
            return sure(Format::Bqp);
        }
        _ => {
            return Err(unknown(
                "the first line is neither a header (`p qubo …`, `n m`) nor an entry `u v bias`",
            ));
        }
    }
    // Content: look at the entries (bounded, so detection stays cheap on big files).
    let mut all_unit = true;
    for l in lines.take(10_000) {
        let t: Vec<&str> = l.split_whitespace().collect();
        if t.len() != 3 {
            break;
        }
        if t[0] == t[1] {
            return sure(Format::Bqp);
        }
        if !matches!(t[2], "1" | "-1" | "+1") {
            all_unit = false;
        }
    }
    if all_unit {
        return sure(Format::Gset);
    }
    Ok(Detection {
        format: Format::Gset,
        note: Some(format!(
            "{} is a weighted edge list without diagonal entries, which a Gset graph and a \
             Beasley bqp file both allow; read as a Gset graph (Max-Cut, objective: cut \
             weight); pass --format bqp to read it as a bqp maximisation",
            path.display()
        )),
    })
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
    fn detects_by_extension_then_content_never_by_name() {
        let p = |s: &str| Path::new(s).to_path_buf();
        let f = |path: &str, text: &str| detect(&p(path), text).unwrap().format;
        assert_eq!(f("a.qubo", ""), Format::Qubo);
        assert_eq!(f("a.txt", "{\"a\":1}"), Format::Json);
        assert_eq!(f("a.txt", "c hi\np qubo 0 1 0 0\n"), Format::Qubo);
        assert_eq!(f("a.txt", "\u{feff}p qubo 0 1 0 0\n"), Format::Qubo);
        assert_eq!(f("a.txt", "# vartype=BINARY\n0 1 1\n"), Format::Coo);
        assert_eq!(f("a.txt", "0 1 1.5\n"), Format::Coo);
        assert_eq!(f("x.txt", "2 1\n1 2 -1\n"), Format::Gset);
        assert_eq!(f("x.txt", "2 2\n1 2 -1\n2 2 7\n"), Format::Bqp);
        // The name decides nothing: a "bqp" name with graph content is a graph, a "G" name
        // with a diagonal entry is bqp.
        assert_eq!(f("bqp9.txt", "2 1\n1 2 1\n"), Format::Gset);
        assert_eq!(f("G9.txt", "2 1\n1 1 5\n"), Format::Bqp);
        // Weighted edge lists are ambiguous: Gset, with a note naming the alternative.
        let d = detect(&p("w.txt"), "2 1\n1 2 17\n").unwrap();
        assert_eq!(d.format, Format::Gset);
        assert!(d.note.unwrap().contains("--format bqp"));
        assert!(detect(&p("x.txt"), "").is_err());
        assert!(detect(&p("x.txt"), "a b c d\n").is_err());
        assert!(detect(&p("x.txt"), "NAME: x\n").is_err());
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
