//! Results files: JSON Lines, one [`Record`] per line, appended and synced run by run, so a
//! killed suite loses at most the run in flight. Files from many shards merge by
//! concatenation; records sharing a run id are detected and kept once.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::canonical::sha256_hex;
use super::error::SuiteError;
use super::record::{RECORD_VERSION, Record};

/// An open results file that records are appended to.
pub struct ResultsFile {
    path: PathBuf,
    file: File,
}

impl ResultsFile {
    /// Opens (or creates) `path` for appending. A last line cut short by a killed writer is
    /// removed first, so the file stays one record per line.
    pub fn append(path: &Path) -> Result<ResultsFile, SuiteError> {
        let io = |e: std::io::Error| SuiteError::at(path, None, e.to_string());
        let mut file = OpenOptions::new()
            .read(true)
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let keep = complete_length(&mut file, len).map_err(io)?;
        if keep < len {
            file.set_len(keep).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        Ok(ResultsFile {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends `record` as one line and syncs it to disk before returning.
    pub fn write(&mut self, record: &Record) -> Result<(), SuiteError> {
        let mut line = serde_json::to_string(record)
            .map_err(|e| SuiteError::at(&self.path, None, e.to_string()))?;
        line.push('\n');
        self.write_line(&line)
    }

    /// Appends a line that already holds one record's JSON (from another process).
    pub fn write_line(&mut self, line: &str) -> Result<(), SuiteError> {
        let io = |e: std::io::Error| SuiteError::at(&self.path, None, e.to_string());
        // One write per record: a reader never sees half a record followed by another.
        self.file.write_all(line.as_bytes()).map_err(io)?;
        self.file.sync_data().map_err(io)
    }
}

/// The length of `file` up to and including its last newline, read backwards from the end in
/// blocks (a results file may hold hundreds of megabytes; only its tail matters).
fn complete_length(file: &mut File, len: u64) -> std::io::Result<u64> {
    const BLOCK: u64 = 1 << 16;
    let mut end = len;
    let mut buf = vec![0u8; BLOCK as usize];
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// Records read from one or more results files, merged on run id.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// One record per run id, in the order first seen.
    pub records: Vec<Record>,
    /// SHA-256 of each kept record's line, as stored (the manifest hashes these).
    pub line_sha256: Vec<String>,
    /// Records that repeated a run id with the same result (dropped).
    pub duplicates: usize,
    /// Run ids recorded with different results in different places (the first is kept).
    pub conflicts: Vec<String>,
    /// Notes: cut-short last lines skipped.
    pub notes: Vec<String>,
}

/// Reads and merges results files. A line that is not a record is an error naming file and
/// line, except a cut-short last line (a writer killed mid-line), which is noted and skipped.
pub fn read_records(paths: &[PathBuf]) -> Result<Records, SuiteError> {
    let mut out = Records::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SuiteError::at(path, None, format!("cannot read: {e}")))?;
        let complete = text.ends_with('\n') || text.is_empty();
        let lines: Vec<(usize, &str)> = text
            .split_terminator('\n')
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .collect();
        let last = lines.last().map(|(i, _)| *i);
        let parsed: Vec<Result<Option<(Record, String)>, SuiteError>> = lines
            .par_iter()
            .map(|&(i, l)| match serde_json::from_str::<Record>(l) {
                Ok(r) if r.record_version != RECORD_VERSION => Err(SuiteError::at(
                    path,
                    Some(i + 1),
                    format!(
                        "record version {} (this quboflow reads version {RECORD_VERSION})",
                        r.record_version
                    ),
                )),
                Ok(r) => Ok(Some((r, sha256_hex(l.as_bytes())))),
                Err(_) if !complete && Some(i) == last => Ok(None),
                Err(e) => Err(SuiteError::at(
                    path,
                    Some(i + 1),
                    format!("not a suite record: {e}"),
                )),
            })
            .collect();
        for p in parsed {
            match p? {
                None => out.notes.push(format!(
                    "{}: the last line is cut short (a run killed while writing) and was skipped",
                    path.display()
                )),
                Some((r, sha)) => match index.get(&r.run_id) {
                    Some(&k) => {
                        if out.records[k].result_sha256 == r.result_sha256 {
                            out.duplicates += 1;
                        } else {
                            out.conflicts.push(r.run_id.clone());
                        }
                    }
                    None => {
                        index.insert(r.run_id.clone(), out.records.len());
                        out.records.push(r);
                        out.line_sha256.push(sha);
                    }
                },
            }
        }
    }
    Ok(out)
}

/// The run ids already in a results file (none if it does not exist): what `--resume` skips.
pub fn recorded_ids(path: &Path) -> Result<std::collections::HashSet<String>, SuiteError> {
    if !path.exists() {
        return Ok(Default::default());
    }
    Ok(read_records(&[path.to_path_buf()])?
        .records
        .into_iter()
        .map(|r| r.run_id)
        .collect())
}
