//! The files a suite names: paths and globs relative to the suite file, `#name` picks, and
//! plan files priced as baselines.

use std::path::{Path, PathBuf};

/// A file path with an optional `#name` pick (Pisinger knapsack files) split off.
pub(super) fn split_pick(p: &Path) -> (PathBuf, Option<String>) {
    let s = p.to_string_lossy();
    match s.rsplit_once('#') {
        Some((f, pick)) if !pick.contains('/') => (PathBuf::from(f), Some(pick.to_string())),
        _ => (p.to_path_buf(), None),
    }
}

/// The files a path or glob names, relative to `dir`: `(key, absolute path)`, sorted.
pub(super) fn expand_pattern(dir: &Path, pattern: &str) -> Result<Vec<(String, PathBuf)>, String> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err("an empty instance path".into());
    }
    let (file_part, pick) = split_pick(Path::new(pattern));
    let full = dir.join(&file_part);
    let is_glob = file_part.to_string_lossy().contains(['*', '?', '[']);
    let mut found = Vec::new();
    if is_glob {
        let pat = full.to_string_lossy().into_owned();
        let paths = glob::glob(&pat).map_err(|e| format!("bad glob {pattern:?}: {e}"))?;
        for p in paths {
            let p = p.map_err(|e| format!("{pattern}: {e}"))?;
            if p.is_file() {
                found.push(p);
            }
        }
        if found.is_empty() {
            return Err(format!(
                "{pattern:?} matches no file (in {})",
                dir.display()
            ));
        }
        found.sort();
    } else {
        if !full.is_file() {
            return Err(format!(
                "instance {} does not exist ({})",
                file_part.display(),
                full.display()
            ));
        }
        found.push(full);
    }
    Ok(found
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| p.clone());
            let mut key = rel.to_string_lossy().replace('\\', "/");
            let mut path = p;
            if let Some(pick) = &pick {
                key = format!("{key}#{pick}");
                path = PathBuf::from(format!("{}#{pick}", path.display()));
            }
            (key, path)
        })
        .collect())
}

/// A baseline given as a number, or a plan file (`{stem}` stands for the instance file's
/// name without its extensions, `{dir}` for its folder) priced on the instance.
pub(super) fn baseline_of(
    v: &toml::Value,
    dir: &Path,
    instance: &Path,
) -> Result<(f64, String), String> {
    match v {
        toml::Value::Integer(i) => Ok((*i as f64, "suite file".into())),
        toml::Value::Float(x) if x.is_finite() => Ok((*x, "suite file".into())),
        toml::Value::String(t) => {
            let (plain, _) = split_pick(instance);
            let stem = plain
                .file_name()
                .map(|f| {
                    f.to_string_lossy()
                        .split('.')
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .unwrap_or_default();
            let folder = plain
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let name = t.replace("{stem}", &stem).replace("{dir}", &folder);
            let file = dir.join(&name);
            if !file.is_file() {
                return Err(format!("plan file {} does not exist", file.display()));
            }
            let inst = quboflow_problems::Instance::read(&plain).map_err(|e| e.to_string())?;
            let cost = quboflow_problems::plan_cost(&inst, &file).map_err(|e| e.to_string())?;
            Ok((cost, name))
        }
        other => Err(format!(
            "must be a number or a plan file, not a {}",
            other.type_str()
        )),
    }
}
