//! The TSPLIB95 file layout shared by `.tsp`, `.vrp` and `.tour` files: `KEY : value` header
//! lines, then `*_SECTION` blocks read as flat whitespace token streams, then an optional `EOF`.

use std::path::Path;

use quboflow::Error as CoreError;

use crate::error::Result;

/// One whitespace-separated token and the 1-based line it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub(crate) text: &'a str,
    pub(crate) line: usize,
}

/// A parsed file: header entries and sections, in file order.
#[derive(Debug)]
pub(crate) struct Sections<'a> {
    pub(crate) path: &'a Path,
    /// `(KEY in upper case, value, line)`.
    pub(crate) headers: Vec<(String, String, usize)>,
    /// `(SECTION NAME, line, tokens)`.
    pub(crate) sections: Vec<(String, usize, Vec<Token<'a>>)>,
    /// Last line of the file (for errors about data that ended early).
    pub(crate) last_line: usize,
}

fn is_keyword(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        && s.starts_with(|c: char| c.is_ascii_uppercase())
}

impl<'a> Sections<'a> {
    /// Splits `text` into header entries and section token streams.
    pub(crate) fn parse(text: &'a str, path: &'a Path) -> Result<Self> {
        let mut out = Sections {
            path,
            headers: Vec::new(),
            sections: Vec::new(),
            last_line: 0,
        };
        for (k, raw) in text.lines().enumerate() {
            let line = k + 1;
            out.last_line = line;
            let t = raw.trim();
            if t.is_empty() {
                continue;
            }
            if t == "EOF" {
                break;
            }
            let first = t
                .split(|c: char| c.is_whitespace() || c == ':')
                .next()
                .unwrap_or("");
            if first.ends_with("_SECTION") && is_keyword(first) {
                let rest = t[first.len()..].trim_start_matches(':').trim();
                let mut tokens = Vec::new();
                tokens.extend(rest.split_whitespace().map(|text| Token { text, line }));
                out.sections.push((first.to_string(), line, tokens));
                continue;
            }
            if let Some((key, value)) = t.split_once(':') {
                let key = key.trim();
                if is_keyword(&key.to_ascii_uppercase()) && !key.contains(char::is_whitespace) {
                    out.headers
                        .push((key.to_ascii_uppercase(), value.trim().to_string(), line));
                    continue;
                }
            }
            match out.sections.last_mut() {
                Some((_, _, tokens)) => {
                    tokens.extend(raw.split_whitespace().map(|text| Token { text, line }))
                }
                None => {
                    return Err(CoreError::parse(
                        path,
                        line,
                        format!("expected `KEY : value` or a *_SECTION keyword, found `{t}`"),
                    )
                    .into());
                }
            }
        }
        Ok(out)
    }

    /// The value of header `key` and its line.
    pub(crate) fn header(&self, key: &str) -> Option<(&str, usize)> {
        self.headers
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, l)| (v.as_str(), *l))
    }

    /// A required header.
    pub(crate) fn require(&self, key: &str) -> Result<(&str, usize)> {
        self.header(key).ok_or_else(|| {
            CoreError::parse(self.path, 0, format!("the header has no `{key}` entry")).into()
        })
    }

    /// A header holding a non-negative integer.
    pub(crate) fn usize_header(&self, key: &str) -> Result<Option<usize>> {
        match self.header(key) {
            None => Ok(None),
            Some((v, line)) => v.parse::<usize>().map(Some).map_err(|_| {
                CoreError::parse(
                    self.path,
                    line,
                    format!("{key} must be a non-negative integer, found `{v}`"),
                )
                .into()
            }),
        }
    }

    /// The tokens of section `name`, and the line it starts on.
    pub(crate) fn section(&self, name: &str) -> Option<(usize, &[Token<'a>])> {
        self.sections
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, l, t)| (*l, t.as_slice()))
    }

    /// A parse error at a token.
    pub(crate) fn error_at(&self, line: usize, message: impl Into<String>) -> crate::Error {
        CoreError::parse(self.path, line, message).into()
    }
}

/// Parses a number token, with an error naming the line.
pub(crate) fn number(s: &Sections<'_>, t: &Token<'_>, what: &str) -> Result<f64> {
    match t.text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(s.error_at(
            t.line,
            format!("expected {what} (a number), found `{}`", t.text),
        )),
    }
}

/// Parses a 1-based node id in `1..=n`, returned 0-based.
pub(crate) fn node_id(s: &Sections<'_>, t: &Token<'_>, n: usize) -> Result<usize> {
    match t.text.parse::<usize>() {
        Ok(v) if (1..=n).contains(&v) => Ok(v - 1),
        _ => Err(s.error_at(
            t.line,
            format!("expected a node id between 1 and {n}, found `{}`", t.text),
        )),
    }
}
