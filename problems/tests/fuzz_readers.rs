//! Every reader fuzzed through the one entry point (`quboflow_problems::parse` then
//! `encode`): raw bytes and structured mutations of small valid files of every format, for a
//! time budget. No input may panic; an accepted one must give a valid model whose energies
//! are finite; a refused one must say so in one line naming the file.
//!
//! The budget is `QUBOFLOW_FUZZ_SECONDS` (default 3; `.ci/run` gives it a minute). Inputs
//! come from a seeded generator: a failure prints its seed, and `QUBOFLOW_FUZZ_SEED=S` replays
//! exactly that input.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use quboflow::io::Vartype;
use quboflow_problems::{FileFormat, parse};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// Small valid files of every format, with the name each is read under.
const SEEDS: &[(&str, &str)] = &[
    (
        "a.qubo",
        "c two variables\np qubo 0 3 2 2\n0 0 -1.5\n1 1 2.0\n0 1 -3.25\n1 2 1\n",
    ),
    (
        "a.coo",
        "# vartype=SPIN\n# offset=0.5\n0 1 1.5\n1 2 -1\n2 2 0.25\n",
    ),
    (
        "a.json",
        "{\"format\": \"quboflow.qubo\", \"format_version\": 1, \"num_variables\": 3, \"offset\": 0.5,\n \"linear\": [3.0, -2.0, 0.0],\n \"quadratic\": [[0, 1, 4.0], [1, 2, -1.0]],\n \"labels\": null,\n \"constraints\": {\"one_hot\": [[0, 1]], \"k_hot\": [], \"slack\": []}}\n",
    ),
    (
        "d.json",
        "{\"type\":\"BinaryQuadraticModel\",\"version\":{\"bqm_schema\":\"3.0.0\"},\"use_bytes\":false,\"index_type\":\"int32\",\"bias_type\":\"float64\",\"num_variables\":3,\"num_interactions\":2,\"variable_labels\":[0,1,2],\"variable_type\":\"BINARY\",\"offset\":0.5,\"info\":{},\"linear_biases\":[3.0,-2.0,0.0],\"quadratic_biases\":[4.0,-1.0],\"quadratic_head\":[0,1],\"quadratic_tail\":[1,2]}\n",
    ),
    ("a.txt", "4 4\n1 1 5\n1 2 3\n2 4 -1\n3 4 7\n"),
    ("g.txt", "5 5\n1 2 1\n2 3 1\n3 4 -1\n4 5 1\n1 5 1\n"),
    (
        "t.tsp",
        "NAME : t\nTYPE : TSP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 0\n3 3 4\n4 0 4\n5 1.5e0 2\nEOF\n",
    ),
    (
        "g.tsp",
        "NAME: g\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: LOWER_DIAG_ROW\nEDGE_WEIGHT_SECTION\n0 3 0\n5 4 0 7 6 2 0\nEOF\n",
    ),
    (
        "c.vrp",
        "NAME : c\nTYPE : CVRP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 0\n3 3 4\n4 0 4\n5 2 2\nDEMAND_SECTION\n1 0\n2 4\n3 5\n4 3\n5 2\nDEPOT_SECTION\n1\n-1\nEOF\n",
    ),
    ("k.txt", "4 \r\n10\r\n5 4\r\n4 3\r\n3 2\r\n7 6"),
    (
        "p.csv",
        "knapPI_1_3_10_1\nn 3\nc 7\nz 9\ntime 0.00\n1,5,4,1\n2,4,3,1\n3,3,5,0\n-----\n",
    ),
];

/// Tokens a mutation may put in place of another.
const TOKENS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "4294967297",
    "1000000000",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "1e999",
    "NaN",
    "inf",
    "-0",
    "0.5",
    "x",
    "",
    "#",
    "c",
    "p",
    "{",
    "}",
    "[",
    ",",
    ":",
    "EOF",
    "-----",
    "n",
    "TYPE",
    "DIMENSION",
    "NODE_COORD_SECTION",
    "\u{feff}",
    "\t",
];

fn mutate(text: &str, rng: &mut Xoshiro256PlusPlus) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let rounds = rng.random_range(1..4);
    for _ in 0..rounds {
        let n = lines.len().max(1);
        match rng.random_range(0..10) {
            0 if !lines.is_empty() => {
                lines.remove(rng.random_range(0..n));
            }
            1 if !lines.is_empty() => {
                let l = lines[rng.random_range(0..n)].clone();
                lines.insert(rng.random_range(0..n), l);
            }
            2 if lines.len() > 1 => {
                lines.swap(rng.random_range(0..n), rng.random_range(0..n));
            }
            3..=5 if !lines.is_empty() => {
                // Replace one whitespace token with an interesting one.
                let k = rng.random_range(0..n);
                let mut toks: Vec<String> =
                    lines[k].split_whitespace().map(str::to_string).collect();
                if !toks.is_empty() {
                    let t = rng.random_range(0..toks.len());
                    toks[t] = TOKENS[rng.random_range(0..TOKENS.len())].to_string();
                }
                lines[k] = toks.join(" ");
            }
            6 => lines.insert(
                rng.random_range(0..=lines.len()),
                TOKENS[rng.random_range(0..TOKENS.len())].to_string(),
            ),
            7 => return truncate(&lines.join("\n"), rng),
            8 => {
                let mut b = lines.join("\r\n").into_bytes();
                if !b.is_empty() {
                    let k = rng.random_range(0..b.len());
                    b[k] = rng.random();
                }
                return b;
            }
            _ => {}
        }
    }
    lines.join("\n").into_bytes()
}

fn truncate(text: &str, rng: &mut Xoshiro256PlusPlus) -> Vec<u8> {
    let at = rng.random_range(0..=text.len());
    text.as_bytes()[..at].to_vec()
}

/// One input: the name it is read under, its bytes, and the format given (or detected).
fn input(seed: u64) -> (String, Vec<u8>, Option<FileFormat>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (name, text) = SEEDS[rng.random_range(0..SEEDS.len())];
    let bytes = if rng.random_range(0..8) == 0 {
        // Raw bytes.
        let len = rng.random_range(0..200);
        (0..len).map(|_| rng.random()).collect()
    } else {
        mutate(text, &mut rng)
    };
    let format = if rng.random_range(0..3) == 0 {
        Some(FileFormat::ALL[rng.random_range(0..FileFormat::ALL.len())])
    } else {
        None
    };
    // A detected name without its extension sometimes, so content detection runs.
    let name = if rng.random_range(0..3) == 0 {
        name.split('.').next().unwrap_or(name).to_string()
    } else {
        name.to_string()
    };
    (name, bytes, format)
}

/// Reads, encodes and decodes one input: `Ok(true)` when accepted, `Ok(false)` when refused
/// properly, `Err` describing a broken promise.
fn check(name: &str, bytes: &[u8], format: Option<FileFormat>) -> Result<bool, String> {
    let text = String::from_utf8_lossy(bytes);
    let path = Path::new(name);
    let vartype = (format == Some(FileFormat::Coo)).then_some(Vartype::Binary);
    let one_line = |e: &dyn std::fmt::Display| -> Result<bool, String> {
        let m = e.to_string();
        if m.contains('\n') {
            return Err(format!("a multi-line error: {m:?}"));
        }
        if !m.starts_with(name) && !m.starts_with("invalid vartype") {
            return Err(format!("an error that does not start with the file: {m}"));
        }
        Ok(false)
    };
    let loaded = match parse(&text, path, format, vartype) {
        Ok(l) => l,
        Err(e) => return one_line(&e),
    };
    let enc = match loaded.encode(Default::default(), Default::default()) {
        Ok(e) => e,
        Err(e) => return one_line(&e.in_file(path)),
    };
    enc.qubo
        .validate()
        .map_err(|e| format!("an invalid model: {e}"))?;
    if !enc.qubo.energy_bound().is_finite() {
        return Err("energies can overflow".into());
    }
    let n = enc.qubo.num_vars();
    for x in [vec![0u8; n], vec![1u8; n]] {
        let e = enc.qubo.energy(&x);
        if !e.is_finite() {
            return Err(format!("energy {e}"));
        }
        let d = enc.decode(&x);
        if d.objective.is_some_and(|o| !o.is_finite()) {
            return Err(format!("objective {:?}", d.objective));
        }
    }
    Ok(true)
}

fn budget() -> Duration {
    let s = std::env::var("QUBOFLOW_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(s.max(0.0))
}

#[test]
fn every_reader_survives_mutated_and_random_input() {
    if let Some(seed) = std::env::var("QUBOFLOW_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        let (name, bytes, format) = input(seed);
        eprintln!(
            "replaying seed {seed}: {name} {format:?} {:?}",
            String::from_utf8_lossy(&bytes)
        );
        check(&name, &bytes, format).unwrap();
        return;
    }
    // The seeds themselves are valid and encode.
    for (name, text) in SEEDS {
        let l = parse(text, Path::new(name), None, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        l.encode(Default::default(), Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let t0 = Instant::now();
    let (mut runs, mut accepted) = (0u64, 0u64);
    let mut seed = 0u64;
    while t0.elapsed() < budget() || runs < 500 {
        let (name, bytes, format) = input(seed);
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&name, &bytes, format)));
        match outcome {
            Ok(Ok(ok)) => accepted += u64::from(ok),
            Ok(Err(problem)) => panic!(
                "seed {seed} ({name}, {format:?}, {:?}): {problem}",
                String::from_utf8_lossy(&bytes)
            ),
            Err(_) => panic!(
                "seed {seed} ({name}, {format:?}, {:?}) panicked (QUBOFLOW_FUZZ_SEED={seed} replays it)",
                String::from_utf8_lossy(&bytes)
            ),
        }
        runs += 1;
        seed += 1;
    }
    eprintln!(
        "fuzzed {runs} inputs in {:.1} s ({accepted} accepted)",
        t0.elapsed().as_secs_f64()
    );
}
