//! Line and token scanning with positions, shared by the text readers.

use std::path::Path;

use crate::error::{Error, Location, Result};

/// One line of input with its 1-based number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub(crate) number: usize,
    pub(crate) text: &'a str,
}

/// Iterates the lines of a text, naming the file in errors.
pub(crate) struct Scanner<'a> {
    pub(crate) path: &'a Path,
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    /// Number of the last line handed out (0 before the first).
    pub(crate) last_line: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(path: &'a Path, text: &'a str) -> Self {
        Scanner {
            path,
            lines: text.lines().enumerate(),
            last_line: 0,
        }
    }

    /// The next line that is not blank and for which `is_comment` is false.
    pub(crate) fn next_data(&mut self, is_comment: impl Fn(&str) -> bool) -> Option<Line<'a>> {
        for (k, text) in self.lines.by_ref() {
            self.last_line = k + 1;
            let t = text.trim();
            if t.is_empty() || is_comment(t) {
                continue;
            }
            return Some(Line {
                number: k + 1,
                text,
            });
        }
        None
    }

    /// The next line, blank or not.
    pub(crate) fn next_raw(&mut self) -> Option<Line<'a>> {
        let (k, text) = self.lines.next()?;
        self.last_line = k + 1;
        Some(Line {
            number: k + 1,
            text,
        })
    }

    /// A parse error at `line`.
    pub(crate) fn err(&self, line: usize, message: impl Into<String>) -> Error {
        Error::parse(self.path, line, message)
    }

    /// A parse error at a token, with its column.
    pub(crate) fn err_at(&self, line: &Line<'_>, token: &str, message: impl Into<String>) -> Error {
        // Tokens are sub-slices of the line, so the pointer difference is the byte column.
        let col = (token.as_ptr() as usize).saturating_sub(line.text.as_ptr() as usize) + 1;
        Error::Parse {
            location: Location {
                path: self.path.to_path_buf(),
                line: line.number,
                column: Some(col),
            },
            message: message.into(),
        }
    }

    /// Splits a line into exactly `N` whitespace-separated tokens.
    pub(crate) fn tokens<const N: usize>(
        &self,
        line: &Line<'a>,
        what: &str,
    ) -> Result<[&'a str; N]> {
        let mut out = [""; N];
        let mut it = line.text.split_whitespace();
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = it.next().ok_or_else(|| {
                self.err(
                    line.number,
                    format!(
                        "expected {what} ({N} fields), found {k}: {:?}",
                        line.text.trim()
                    ),
                )
            })?;
        }
        if let Some(extra) = it.next() {
            return Err(self.err_at(
                line,
                extra,
                format!("expected {what} ({N} fields), found extra field {extra:?}"),
            ));
        }
        Ok(out)
    }

    /// Parses a non-negative integer token.
    pub(crate) fn usize(&self, line: &Line<'_>, tok: &str, what: &str) -> Result<usize> {
        tok.parse::<usize>().map_err(|_| {
            self.err_at(
                line,
                tok,
                format!("expected {what} (a non-negative integer), found {tok:?}"),
            )
        })
    }

    /// Parses a 1-based index in `1..=n` and returns it 0-based.
    pub(crate) fn index1(&self, line: &Line<'_>, tok: &str, n: usize, what: &str) -> Result<usize> {
        let v = self.usize(line, tok, what)?;
        if v == 0 || v > n {
            return Err(self.err_at(line, tok, format!("{what} {v} is out of range 1..={n}")));
        }
        Ok(v - 1)
    }

    /// Parses a finite real number (exponent notation accepted).
    pub(crate) fn real(&self, line: &Line<'_>, tok: &str, what: &str) -> Result<f64> {
        match tok.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(v) => Err(self.err_at(
                line,
                tok,
                format!("{what} is {v}; only finite values are allowed"),
            )),
            Err(_) => Err(self.err_at(
                line,
                tok,
                format!("expected {what} (a number), found {tok:?}"),
            )),
        }
    }
}

/// `text` without a leading UTF-8 byte-order mark (editors on Windows write one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Decodes bytes as UTF-8, naming the line of the first invalid byte.
pub(crate) fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Error::parse(
            path,
            1,
            "expected UTF-8 text, found UTF-16 (save the file as UTF-8)",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        Error::parse(
            path,
            line,
            "expected UTF-8 text, found a byte that is not UTF-8",
        )
    })
}

/// Hasher for the packed `(i, j)` keys of [`PairSeen`]: one multiply (Fibonacci hashing).
///
/// The default SipHash is DoS-resistant but costs about a third of the time of reading a
/// large bqp/Gset file; keys here are small integers from the file being read, so a
/// multiplicative hash is enough.
#[derive(Default, Clone, Copy)]
pub(crate) struct PairHasher(u64);

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0 ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type PairMap = std::collections::HashMap<u64, usize, std::hash::BuildHasherDefault<PairHasher>>;

/// Detects duplicate unordered pairs, remembering the line of each first occurrence.
#[derive(Default)]
pub(crate) struct PairSeen {
    seen: PairMap,
}

impl PairSeen {
    pub(crate) fn with_capacity(n: usize) -> Self {
        PairSeen {
            seen: PairMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// `Err(first_line)` if the unordered pair `{i, j}` was already recorded.
    pub(crate) fn insert(
        &mut self,
        i: usize,
        j: usize,
        line: usize,
    ) -> std::result::Result<(), usize> {
        let key = ((i.min(j) as u64) << 32) | i.max(j) as u64;
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
                Ok(())
            }
        }
    }
}

/// One entry of an `n m` + `i j w` file: 0-based indices, the weight, and where it stands.
pub(crate) struct Entry<'a> {
    pub(crate) i: usize,
    pub(crate) j: usize,
    pub(crate) w: f64,
    pub(crate) line: Line<'a>,
    /// The second index's token (for errors that point at it).
    pub(crate) j_token: &'a str,
}

/// `edge` → `edges`, `entry` → `entries`.
fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

/// Cursor over the shared shape of Beasley bqp and Gset files: a header `n m`, then exactly
/// `m` lines `i j w` with 1-based indices in `1..=n`, each unordered pair at most once.
///
/// Counts, index ranges, numbers and duplicates are checked here with line-numbered errors;
/// the caller gives each entry its meaning.
pub(crate) struct CountedTriples<'a> {
    pub(crate) sc: Scanner<'a>,
    /// Number of variables from the header.
    pub(crate) n: usize,
    /// Number of entries the header declares.
    pub(crate) m: usize,
    header_line: usize,
    names: (&'static str, &'static str),
    entry_what: String,
    seen: PairSeen,
    count: usize,
}

impl<'a> CountedTriples<'a> {
    /// Reads the header; `names` are the count's and an entry's names (`("m", "edge")`).
    pub(crate) fn open(
        path: &'a Path,
        text: &'a str,
        names: (&'static str, &'static str),
    ) -> Result<Self> {
        let mut sc = Scanner::new(path, text);
        let (count_name, entry_name) = names;
        let header = sc.next_data(|_| false).ok_or_else(|| {
            sc.err(
                sc.last_line,
                format!("expected the header `n {count_name}`, found end of file"),
            )
        })?;
        let [tn, tm] = sc.tokens::<2>(&header, &format!("the header `n {count_name}`"))?;
        let n = sc.usize(&header, tn, "n")?;
        let m = sc.usize(&header, tm, count_name)?;
        if n >= crate::qubo::MAX_NUM_VARS {
            return Err(sc.err_at(&header, tn, "n is too large"));
        }
        Ok(CountedTriples {
            sc,
            n,
            m,
            header_line: header.number,
            names,
            entry_what: format!("{entry_name} `i j w`"),
            // Capacity bounded by the text size: a corrupt header must not allocate wildly.
            seen: PairSeen::with_capacity(m.min(text.len() / 6)),
            count: 0,
        })
    }

    /// A capacity hint for the entries: the declared count, bounded by the text size.
    pub(crate) fn capacity_hint(&self, text_len: usize) -> usize {
        self.m.min(text_len / 6)
    }

    /// The next entry, or `None` after the last one (with the count checked).
    pub(crate) fn next_entry(&mut self) -> Result<Option<Entry<'a>>> {
        let (count_name, entry_name) = self.names;
        let Some(l) = self.sc.next_data(|_| false) else {
            if self.count < self.m {
                return Err(self.sc.err(
                    self.header_line,
                    format!(
                        "header declares {count_name} = {} {}, the file has {} (truncated copy?)",
                        self.m,
                        plural(entry_name),
                        self.count
                    ),
                ));
            }
            return Ok(None);
        };
        self.count += 1;
        if self.count > self.m {
            return Err(self.sc.err(
                l.number,
                format!(
                    "more {} than the header's {count_name} = {}",
                    plural(entry_name),
                    self.m
                ),
            ));
        }
        let sc = &self.sc;
        let [ti, tj, tw] = sc.tokens::<3>(&l, &self.entry_what)?;
        let i = sc.index1(&l, ti, self.n, "index")?;
        let j = sc.index1(&l, tj, self.n, "index")?;
        let w = sc.real(&l, tw, "weight")?;
        if let Err(first) = self.seen.insert(i, j, l.number) {
            return Err(sc.err(
                l.number,
                format!(
                    "pair ({}, {}) is listed twice (first on line {first})",
                    i + 1,
                    j + 1
                ),
            ));
        }
        Ok(Some(Entry {
            i,
            j,
            w,
            line: l,
            j_token: tj,
        }))
    }
}
