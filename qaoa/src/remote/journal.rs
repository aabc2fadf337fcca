//! The on-disk job journal: every remote job's client id, circuit hash, job id, status and
//! results, appended and synced before the run goes on, so a run that was interrupted or
//! killed resumes without resubmitting (or paying for) anything.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::error::{Error, Result};

/// What the journal knows of one job (keyed by its client id).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Entry {
    /// The job id once the service returned one (or a listing found it).
    pub job: Option<String>,
    /// Submitted (an intent was written; a create may have reached the service).
    pub intended: bool,
    /// The final per-circuit probabilities and the job's timings.
    pub results: Option<Value>,
}

/// An append-only JSON Lines journal in a run directory (`DIR/jobs.jsonl`).
#[derive(Debug)]
pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    entries: Mutex<HashMap<String, Entry>>,
    /// The run nonce recorded at the first start, reused on resume.
    pub nonce: String,
}

impl Journal {
    /// Opens (creating) the journal in `dir` and reads what an earlier run recorded. A
    /// torn last line (the process died mid-write) is ignored; any other bad line is an
    /// error naming it.
    pub(crate) fn open(dir: &Path, fresh_nonce: impl FnOnce() -> String) -> Result<Self> {
        let path = dir.join("jobs.jsonl");
        let err = |message: String| Error::Journal {
            path: path.display().to_string(),
            message,
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| err(format!("cannot create the directory: {e}")))?;
        let mut entries: HashMap<String, Entry> = HashMap::new();
        let mut nonce = None;
        if path.exists() {
            let raw = std::fs::read(&path).map_err(|e| err(e.to_string()))?;
            let text = String::from_utf8_lossy(&raw);
            // After a complete last line, `split` yields one empty piece more.
            let lines: Vec<&str> = text.split('\n').collect();
            for (k, line) in lines.iter().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value = match serde_json::from_str(line) {
                    Ok(v) => v,
                    Err(_) if k + 1 == lines.len() => {
                        // A torn last line (the process died mid-write): cut it off, so the
                        // next event starts on a line of its own.
                        let keep = raw.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                        std::fs::write(&path, &raw[..keep]).map_err(|e| err(e.to_string()))?;
                        break;
                    }
                    Err(e) => return Err(err(format!("line {}: {e}", k + 1))),
                };
                match v["event"].as_str() {
                    Some("run") => nonce = v["nonce"].as_str().map(str::to_string),
                    Some(_) => apply(&mut entries, &v),
                    None => return Err(err(format!("line {}: no `event`", k + 1))),
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| err(e.to_string()))?;
        let journal = Journal {
            path: path.clone(),
            file: Mutex::new(file),
            entries: Mutex::new(entries),
            nonce: nonce.clone().unwrap_or_else(fresh_nonce),
        };
        if nonce.is_none() {
            journal.append(json!({"event": "run", "nonce": journal.nonce, "version": env!("CARGO_PKG_VERSION")}))?;
        }
        Ok(journal)
    }

    /// What is known of `client`.
    pub(crate) fn get(&self, client: &str) -> Option<Entry> {
        self.entries.lock().ok()?.get(client).cloned()
    }

    /// Appends one event and syncs it to disk before returning.
    pub(crate) fn append(&self, event: Value) -> Result<()> {
        if let Ok(mut entries) = self.entries.lock() {
            apply(&mut entries, &event);
        }
        let mut line = event.to_string();
        line.push('\n');
        let mut f = self.file.lock().map_err(|_| Error::Journal {
            path: self.path.display().to_string(),
            message: "poisoned lock".into(),
        })?;
        f.write_all(line.as_bytes())
            .and_then(|_| f.sync_data())
            .map_err(|e| Error::Journal {
                path: self.path.display().to_string(),
                message: e.to_string(),
            })
    }
}

/// What one event tells about its job.
fn apply(entries: &mut HashMap<String, Entry>, event: &Value) {
    let client = event["client"].as_str().unwrap_or_default().to_string();
    match event["event"].as_str() {
        Some("intent") => entries.entry(client).or_default().intended = true,
        Some("created") => {
            entries.entry(client).or_default().job = event["job"].as_str().map(str::to_string)
        }
        Some("results") => {
            let e = entries.entry(client).or_default();
            e.job = event["job"].as_str().map(str::to_string).or(e.job.take());
            e.results = Some(event["results"].clone());
        }
        // A canceled job is not reused: the resumed run submits it afresh.
        Some("canceled") => {
            entries.remove(&client);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reopens_and_ignores_a_torn_last_line() {
        let dir = std::env::temp_dir().join(format!("qf-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let j = Journal::open(&dir, || "n1".into()).unwrap();
            j.append(json!({"event": "intent", "client": "a"})).unwrap();
            j.append(json!({"event": "created", "client": "a", "job": "J1"}))
                .unwrap();
            j.append(json!({"event": "results", "client": "a", "job": "J1", "results": [1]}))
                .unwrap();
            j.append(json!({"event": "intent", "client": "b"})).unwrap();
        }
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join("jobs.jsonl"))
            .unwrap();
        f.write_all(b"{\"event\": \"created\", \"cli").unwrap();
        let j = Journal::open(&dir, || "other".into()).unwrap();
        j.append(json!({"event": "intent", "client": "c"})).unwrap();
        drop(j);
        let j = Journal::open(&dir, || "other".into()).unwrap();
        assert!(j.get("c").unwrap().intended);
        assert_eq!(j.nonce, "n1");
        assert_eq!(j.get("a").unwrap().job.as_deref(), Some("J1"));
        assert_eq!(j.get("a").unwrap().results, Some(json!([1])));
        let b = j.get("b").unwrap();
        assert!(b.intended && b.job.is_none());
        // A bad line in the middle is an error naming it.
        std::fs::write(
            dir.join("jobs.jsonl"),
            "{\"event\":\"run\",\"nonce\":\"x\"}\nnot json\n{}\n",
        )
        .unwrap();
        let e = Journal::open(&dir, || "y".into()).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
