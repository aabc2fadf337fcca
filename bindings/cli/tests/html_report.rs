//! The HTML report in a real browser: headless Chromium loads it, runs its script, logs no
//! console message, and shows one row per solver.
//!
//! Needs Debian's `chromium` (or `$QUBOFLOW_CHROMIUM`); `.ci/run` installs it and sets
//! `QUBOFLOW_REQUIRE_CHROMIUM=1`, so in CI a missing browser fails instead of skipping.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("QUBOFLOW_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn browser_or_skip() -> Option<PathBuf> {
    let b = chromium();
    if b.is_none() {
        assert!(
            std::env::var("QUBOFLOW_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "QUBOFLOW_REQUIRE_CHROMIUM=1 but no chromium was found"
        );
        eprintln!("note: chromium not found; HTML rendering test skipped");
    }
    b
}

fn tmp(name: &str) -> PathBuf {
    common::tmp("html", name)
}

/// Loads `page` headless; returns the DOM after scripts ran and the console lines logged.
fn load(browser: &Path, page: &Path, profile: &str) -> (String, Vec<String>) {
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", tmp(profile).display()))
        .args(["--dump-dom", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).to_string();
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (dom, console)
}

#[test]
fn the_html_report_renders_without_console_errors_and_one_row_per_solver() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    // The check itself: a broken page must show up in the console lines.
    let broken = tmp("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><html><body><script>notDefined();</script></body></html>",
    )
    .unwrap();
    let (_, console) = load(&browser, &broken, "profile-broken");
    assert!(
        console.iter().any(|l| l.contains("notDefined")),
        "the console check sees nothing: {console:?}"
    );

    let g = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/petersen.gset");
    let page = tmp("petersen.html");
    let out = Command::new(env!("CARGO_BIN_EXE_quboflow"))
        .arg("--quiet")
        .arg("compare")
        .arg(&g)
        .args(["--solvers", "exact,descent,sa,tabu", "--repeats", "2"])
        .arg("--report")
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (dom, console) = load(&browser, &page, "profile-report");
    assert!(console.is_empty(), "console messages: {console:#?}");
    // The page's script ran to its end and counted the table's rows.
    assert!(dom.contains("data-ready=\"4\""), "{dom}");
    assert_eq!(dom.matches("class=\"solver-row\"").count(), 4);
    for label in ["exact", "descent", "sa", "tabu"] {
        assert!(dom.contains(&format!("data-solver=\"{label}\"")));
    }
    assert_eq!(dom.matches("<svg").count(), 3);
}
