//! The machine a comparison ran on, for the report header.

use super::record::Machine;

/// CPU model, cores, solver threads and OS of this machine.
pub fn this_machine() -> Machine {
    Machine {
        cpu_model: cpu_model().unwrap_or_else(|| "unknown".into()),
        logical_cores: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        threads: rayon::current_num_threads(),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

/// The first `model name` of `/proc/cpuinfo` (Linux); `None` elsewhere.
fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .find(|l| l.starts_with("model name") || l.starts_with("Model"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
