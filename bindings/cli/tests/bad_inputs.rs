//! The malformed-input corpus `testdata/bad/`: every file (with the flags listed beside it)
//! makes `quboflow` fail with exactly the one-line error in `testdata/bad/expected.txt` —
//! never a panic, an abort, a hang, or a silent accept.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::repo;

/// One case: the file as named on the command line (relative to the repository), its flags,
/// and the expected message.
struct Case {
    file: String,
    args: Vec<String>,
    message: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(repo("testdata/bad/expected.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (call, message) = l.split_once('\t').expect("FILE [ARGS]<TAB>message");
            let mut words = call.split_whitespace();
            let file = format!("testdata/bad/{}", words.next().unwrap());
            Case {
                file,
                args: words.map(str::to_string).collect(),
                message: message.to_string(),
            }
        })
        .collect()
}

/// Runs `quboflow SUB FILE ARGS -q` from the repository root with a fixed memory limit (so
/// memory figures read the same on any machine); returns exit code and stderr.
fn run(sub: &str, case: &Case) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quboflow"))
        .current_dir(repo(""))
        .env("QUBOFLOW_MEMORY_LIMIT", "1073741824")
        .arg(sub)
        .arg(&case.file)
        .args(&case.args)
        .arg("-q")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A hang is a failure too: nothing in the corpus may take more than a few seconds.
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if t0.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{sub} {} {:?} hung", case.file, case.args);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn every_malformed_file_fails_with_its_one_line_error() {
    let cases = cases();
    assert!(cases.len() >= 100, "the corpus has {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let (code, stderr) = run("info", case);
        let expected = format!("error: {}\n", case.message);
        if code != Some(1) || stderr != expected {
            wrong.push(format!(
                "{} {:?}: exit {code:?}\n  expected {expected}  found    {stderr}",
                case.file, case.args
            ));
        }
        // The message names the file first (with line and column where it has them), or the
        // flag at fault.
        assert!(
            case.message
                .starts_with(&case.file.split('#').next().unwrap().to_string())
                || case.message.starts_with("--"),
            "{}: {}",
            case.file,
            case.message
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn solve_and_qaoa_read_files_the_same_way() {
    // Every command opens files through the same library call, so the same error.
    for case in cases().iter().step_by(7) {
        for sub in ["solve", "qaoa", "convert"] {
            let mut c = Case {
                file: case.file.clone(),
                args: case.args.clone(),
                message: case.message.clone(),
            };
            if sub == "convert" {
                c.args.push(
                    std::env::temp_dir()
                        .join("quboflow-bad.json")
                        .display()
                        .to_string(),
                );
            }
            let (code, stderr) = run(sub, &c);
            assert_eq!(code, Some(1), "{sub} {}", case.file);
            assert_eq!(
                stderr,
                format!("error: {}\n", case.message),
                "{sub} {}",
                case.file
            );
        }
    }
}

#[test]
fn every_file_in_the_corpus_is_checked() {
    let listed: BTreeSet<String> = cases()
        .iter()
        .map(|c| {
            c.file
                .trim_start_matches("testdata/bad/")
                .split('#')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    for entry in std::fs::read_dir(repo("testdata/bad")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == "expected.txt" || name == "README.md" {
            continue;
        }
        assert!(
            listed.contains(&name),
            "testdata/bad/{name} has no expected error"
        );
    }
}
