//! The README and `--help` name the same flags: every flag a subcommand's help lists is in the
//! README, and every `--flag` the README names is one the CLI takes (apart from the few that
//! belong to cargo and the peer harness, listed below).

mod common;

use std::collections::BTreeSet;

use common::{bin, repo};

const SUBCOMMANDS: [&str; 13] = [
    "info",
    "convert",
    "encode",
    "solve",
    "qaoa",
    "compare",
    "parity",
    "ionq-emulator",
    "suite run",
    "suite list",
    "suite report",
    "suite verify",
    "generate cvrp",
];

/// Flags the README uses for other programs: cargo (`--release`, `--bench`, `--bin`) and the
/// peer harness `benches/peers/run.sh` (`--seeds`, `--repeats` is also compare's).
const OTHER_PROGRAMS: [&str; 4] = ["--release", "--bench", "--bin", "--seeds"];

/// `--name` tokens in `text` (a following `-` or letter continues the name).
fn long_flags(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i + 2 < b.len() {
        let starts = b[i] == b'-'
            && b[i + 1] == b'-'
            && b[i + 2].is_ascii_lowercase()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-'));
        if starts {
            let mut j = i + 2;
            while j < b.len()
                && (b[j].is_ascii_lowercase() || b[j].is_ascii_digit() || b[j] == b'-')
            {
                j += 1;
            }
            out.insert(text[i..j].trim_end_matches('-').to_string());
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The flags `quboflow SUB --help` lists (options and their visible aliases).
fn help_flags(sub: &str) -> BTreeSet<String> {
    let out = bin()
        .args(sub.split_whitespace().chain(["--help"]))
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let mut flags = BTreeSet::new();
    for line in help.lines() {
        let t = line.trim_start();
        if t.starts_with("--") || t.starts_with("-q") || t.starts_with("-o") || t.starts_with("-h")
        {
            if let Some(f) = long_flags(t).into_iter().next() {
                flags.insert(f);
            }
        }
        if let Some(alias) = t.strip_prefix("[alias: ").or(t.strip_prefix("[aliases: ")) {
            flags.extend(long_flags(alias));
        }
    }
    flags.remove("--help");
    flags
}

#[test]
fn every_help_flag_is_in_the_readme_and_the_reverse() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let in_readme = long_flags(&readme);
    let mut all = BTreeSet::new();
    for sub in SUBCOMMANDS {
        let flags = help_flags(sub);
        // Every command that reads one model file takes --format (the emulator and the
        // generator read none, suites name their own).
        assert!(
            sub == "ionq-emulator"
                || sub.starts_with("suite")
                || sub.starts_with("generate")
                || flags.contains("--format"),
            "{sub}: {flags:?}"
        );
        assert!(flags.contains("--quiet"), "{sub}: {flags:?}");
        let missing: Vec<_> = flags.difference(&in_readme).collect();
        assert!(
            missing.is_empty(),
            "`{sub} --help` flags not in the README: {missing:?}"
        );
        all.extend(flags);
    }
    let unknown: Vec<_> = in_readme
        .iter()
        .filter(|f| !all.contains(*f) && !OTHER_PROGRAMS.contains(&f.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "README flags the CLI does not take: {unknown:?}"
    );
}

#[test]
fn the_flag_scanner_sees_flags_and_only_flags() {
    let f = long_flags("run `solve --num-reads 5 --shots=3` not a-b--c or x --- or --p");
    let want: BTreeSet<String> = ["--num-reads", "--shots", "--p"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(f, want);
}
