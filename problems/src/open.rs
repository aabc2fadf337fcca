//! Opening any supported file: read it (QUBO model or logistics instance), choose an encoding
//! and a penalty, and get one [`Encoded`] that every solver, report and binding works on.

use std::path::{Path, PathBuf};
use std::time::Instant;

use quboflow::io::{Model, ReadOptions, Vartype};
use serde::Serialize;

use crate::choice::{Encoding, Penalty};
use crate::encodings::{Encoded, maxcut};
use crate::error::{Result, invalid};
use crate::format::{Detection, FileFormat, detect};
use crate::instance::Instance;
use crate::plain::PlainDecoder;

/// Where an [`Encoded`] came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The file as named by the caller (with any `#name` suffix).
    pub path: PathBuf,
    /// The instance name (the file's `NAME`, a Pisinger block's name, or the file stem).
    pub name: String,
    /// The format it was read as.
    #[serde(serialize_with = "format_name")]
    pub format: FileFormat,
    /// How the format was told: `"given"`, `"extension"` or `"content"`.
    pub detected_by: &'static str,
    /// Why this format, when the content could also be read as another one.
    pub format_note: Option<String>,
    /// Seconds spent reading and parsing the file.
    pub read_s: f64,
    /// Seconds spent encoding it.
    pub encode_s: f64,
    /// The known optimum or best-known value of the instance, when the file or the tables
    /// beside it have one (see [`crate::reference::find`]).
    pub reference: Option<quboflow::compare::Reference>,
}

fn format_name<S: serde::Serializer>(f: &FileFormat, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(f.name())
}

/// What a file holds.
#[derive(Debug, Clone)]
pub enum Input {
    /// A logistics instance (TSPLIB, CVRPLIB, knapsack), to be encoded.
    Instance(Instance),
    /// A QUBO model (qbsolv, COO, JSON, bqp, Gset) with its native objective.
    Model(Model),
}

/// A file read and parsed, not yet encoded.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file as named (with any `#name` suffix).
    pub path: PathBuf,
    /// The instance name.
    pub name: String,
    /// The format and how it was told.
    pub detection: Detection,
    /// What the file holds.
    pub input: Input,
    /// Seconds spent reading and parsing.
    pub read_s: f64,
}

/// How to open a file: its format (default: told by extension, then content), the vartype of
/// a COO file without a header, the encoding and the penalty of an instance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OpenOptions {
    /// The format; `None` detects it.
    pub format: Option<FileFormat>,
    /// Variable type of a COO file without a `# vartype=` header (an error for other formats).
    pub vartype: Option<Vartype>,
    /// The encoding (default: the problem's exact default).
    pub encoding: Encoding,
    /// The penalty (default: the encoding's safe value; an error for plain QUBO files).
    pub penalty: Penalty,
}

/// Reads `path` and encodes it: the one entry point for any supported file.
///
/// ```
/// use quboflow_problems::{OpenOptions, open};
/// let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/burma14_first5.tsp");
/// let enc = open(&path, &OpenOptions::default())?;
/// assert_eq!(enc.encoding, "tsp-position");
/// assert_eq!(enc.qubo.num_vars(), 16);
/// assert_eq!(enc.constraints().permutations.len(), 1); // travels with the model
/// let source = enc.source.as_ref().unwrap();
/// assert_eq!((source.format.name(), source.detected_by), ("tsplib", "extension"));
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
pub fn open(path: &Path, options: &OpenOptions) -> Result<Encoded> {
    read(path, options.format, options.vartype)?.encode(options.encoding, options.penalty)
}

/// Reads and parses `path` without encoding it.
///
/// `file.csv#name` picks an instance of a Pisinger knapsack file (when no file of the full
/// name exists). A UTF-8 byte-order mark and CRLF line ends are accepted in every format.
pub fn read(path: &Path, format: Option<FileFormat>, vartype: Option<Vartype>) -> Result<Loaded> {
    let t0 = Instant::now();
    let (file, pick) = split_fragment(path);
    let text = crate::readers::read_text(&file)?;
    let mut loaded = parse_picked(&text, &file, format, vartype, pick)?;
    loaded.path = path.to_path_buf();
    loaded.read_s = t0.elapsed().as_secs_f64();
    Ok(loaded)
}

/// Parses `text` as the content of `path` (used for detection by extension and in error
/// messages; nothing is read from disk): the in-memory twin of [`read`].
///
/// ```
/// use quboflow_problems::{FileFormat, parse};
/// let loaded = parse("3 3\n1 2 1\n2 3 1\n1 3 1\n", "triangle.txt".as_ref(), None, None)?;
/// assert_eq!(loaded.detection.format, FileFormat::Gset);
/// let enc = loaded.encode(Default::default(), Default::default())?;
/// assert_eq!(enc.encoding, "maxcut");
/// # Ok::<(), quboflow_problems::Error>(())
/// ```
pub fn parse(
    text: &str,
    path: &Path,
    format: Option<FileFormat>,
    vartype: Option<Vartype>,
) -> Result<Loaded> {
    parse_picked(text, path, format, vartype, None)
}

fn parse_picked(
    text: &str,
    file: &Path,
    format: Option<FileFormat>,
    vartype: Option<Vartype>,
    pick: Option<String>,
) -> Result<Loaded> {
    let t0 = Instant::now();
    let text = quboflow::io::strip_bom(text);
    let detection = match format {
        Some(format) => Detection {
            format,
            by: "given",
            note: None,
        },
        None => detect(file, text)?,
    };
    let input = match detection.format.model_format() {
        Some(f) => {
            if pick.is_some() {
                return Err(quboflow::Error::parse(
                    file,
                    0,
                    format!(
                        "a `#name` suffix picks an instance of a Pisinger knapsack file; this is read as {f}"
                    ),
                )
                .into());
            }
            let mut m = quboflow::io::read_str(text, file, Some(f), &ReadOptions { vartype })?;
            m.format_note.clone_from(&detection.note);
            Input::Model(m)
        }
        None => {
            if vartype.is_some() {
                return Err(invalid(
                    "vartype",
                    format!(
                        "applies to COO files only; {} is read as {}",
                        file.display(),
                        detection.format
                    ),
                ));
            }
            let inst = Instance::parse(text, file, detection.format, pick.as_deref())
                .map_err(|e| e.in_file(file))?;
            Input::Instance(inst)
        }
    };
    let name = match &input {
        Input::Instance(i) => i.name().to_string(),
        Input::Model(_) => crate::readers::tsplib::stem(file),
    };
    Ok(Loaded {
        path: file.to_path_buf(),
        name,
        detection,
        input,
        read_s: t0.elapsed().as_secs_f64(),
    })
}

impl Loaded {
    /// Encodes what was read: an instance with `encoding` and `penalty`; a model as it is
    /// ([`Encoding::Auto`]; `Maxcut` also reads a Gset graph as a Max-Cut instance).
    pub fn encode(&self, encoding: Encoding, penalty: Penalty) -> Result<Encoded> {
        let t0 = Instant::now();
        let mut enc = match &self.input {
            Input::Instance(i) => i
                .encode_with(encoding, penalty)
                .map_err(|e| e.in_file(&self.path))?,
            Input::Model(m) => self.encode_model(m, encoding, penalty)?,
        };
        self.attach_source(&mut enc, t0.elapsed().as_secs_f64());
        Ok(enc)
    }

    /// Records this file as `enc`'s source (path, format, timings, reference), for an
    /// encoding built outside [`Loaded::encode`] (the route-pool search's last pool).
    pub fn attach_source(&self, enc: &mut Encoded, encode_s: f64) {
        enc.source = Some(Source {
            path: self.path.clone(),
            name: self.name.clone(),
            format: self.detection.format,
            detected_by: self.detection.by,
            format_note: self.detection.note.clone(),
            read_s: self.read_s,
            encode_s,
            reference: self.reference(),
        });
    }

    /// The known optimum or best-known value: an optimum the file states (Pisinger's `z`,
    /// Ortega's `-optimum` sibling file), else the tables beside the file.
    pub fn reference(&self) -> Option<quboflow::compare::Reference> {
        let (file, _) = split_fragment(&self.path);
        if let Some(Instance::Knapsack(k)) = self.instance()
            && let Some(value) = k.optimum
        {
            return Some(quboflow::compare::Reference {
                value,
                kind: quboflow::compare::ReferenceKind::ProvenOptimum,
                source: file.display().to_string(),
            });
        }
        crate::reference::find(&file, &self.name)
    }

    /// The instance, when the file holds one.
    pub fn instance(&self) -> Option<&Instance> {
        match &self.input {
            Input::Instance(i) => Some(i),
            Input::Model(_) => None,
        }
    }

    fn encode_model(&self, m: &Model, encoding: Encoding, penalty: Penalty) -> Result<Encoded> {
        let format = self.detection.format;
        if let Penalty::Weight(_) = penalty {
            return Err(invalid(
                "penalty",
                format!(
                    "applies to instance files (TSPLIB, CVRPLIB, knapsack); {} is a {format} model whose coefficients are fixed",
                    self.path.display()
                ),
            ));
        }
        match (encoding, format) {
            (Encoding::Auto | Encoding::Maxcut, FileFormat::Gset) => {
                maxcut::encode(&maxcut::Graph::from_gset_qubo(&m.qubo))
            }
            (Encoding::Auto, _) => Ok(PlainDecoder::encoded(m)),
            (e, f) => Err(invalid(
                "encoding",
                format!(
                    "{e} applies to {} instances; {} is a {f} model (use auto{})",
                    match e {
                        Encoding::TspPosition => "TSPLIB",
                        Encoding::CvrpSetPartitioning
                        | Encoding::CvrpClusters
                        | Encoding::CvrpRoutePool => "CVRPLIB",
                        Encoding::Maxcut => "Gset",
                        _ => "knapsack",
                    },
                    self.path.display(),
                    if f == FileFormat::Gset {
                        " or maxcut"
                    } else {
                        ""
                    }
                ),
            )),
        }
    }
}

/// `file.csv#name` → (`file.csv`, `name`) when no file of the full name exists.
pub(crate) fn split_fragment(path: &Path) -> (PathBuf, Option<String>) {
    if path.exists() {
        return (path.to_path_buf(), None);
    }
    let s = path.to_string_lossy();
    match s.rsplit_once('#') {
        Some((file, name)) if !name.is_empty() && Path::new(file).exists() => {
            (PathBuf::from(file), Some(name.to_string()))
        }
        _ => (path.to_path_buf(), None),
    }
}
