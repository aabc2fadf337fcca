//! qbsolv `.qubo` files.
//!
//! ```text
//! c comment (anywhere)
//! p qubo <topology> <maxNodes> <nNodes> <nCouplers>
//! i i w      (nNodes linear entries)
//! i j w      (nCouplers couplers, i < j)
//! ```
//! 0-based ids, minimise `Σ w·x_i·x_j`. As real files do, this reader accepts `nNodes` below
//! `maxNodes`, variables that appear only in couplers, and node and coupler lines in any order;
//! it checks both counts against the header (so a truncated file is an error), rejects ids
//! `≥ maxNodes` and repeated entries, and normalises a coupler written `i > j` by swapping.
//! The format has no constant term: quboflow writes a non-zero offset as the comment
//! `c offset <value>` and reads that comment back (other programs ignore it).

use std::fmt::Write as _;
use std::path::Path;

use super::plain_decimal;
use super::scan::{PairSeen, Scanner};
use crate::error::Result;
use crate::qubo::{Qubo, QuboBuilder};

const OFFSET_COMMENT: &str = "c offset ";

/// Reads a qbsolv `.qubo` text.
pub fn read(path: &Path, text: &str) -> Result<Qubo> {
    let mut sc = Scanner::new(path, text);
    let mut offset = 0.0;
    let mut offset_line = None;
    // Comments may hold quboflow's offset; they are checked as they pass.
    let header = loop {
        match sc.next_raw() {
            None => return Err(sc.err(sc.last_line, "expected the header line `p qubo <topology> <maxNodes> <nNodes> <nCouplers>`, found end of file")),
            Some(l) => {
                let t = l.text.trim();
                if t.is_empty() {
                    continue;
                }
                if let Some(rest) = t.strip_prefix(OFFSET_COMMENT) {
                    offset = sc.real(&l, rest.trim(), "offset")?;
                    offset_line = Some(l.number);
                    continue;
                }
                if t.starts_with('c') {
                    continue;
                }
                break l;
            }
        }
    };
    let [p, kind, topology, max_nodes, n_nodes, n_couplers] = sc.tokens::<6>(
        &header,
        "header `p qubo <topology> <maxNodes> <nNodes> <nCouplers>`",
    )?;
    if p != "p" || kind != "qubo" {
        return Err(sc.err_at(
            &header,
            p,
            format!(
                "expected the header `p qubo ...`, found {:?}",
                header.text.trim()
            ),
        ));
    }
    if topology != "0" && topology != "unconstrained" {
        return Err(sc.err_at(
            &header,
            topology,
            format!("expected topology `0` or `unconstrained`, found {topology:?}"),
        ));
    }
    let max_nodes = sc.usize(&header, max_nodes, "maxNodes")?;
    let n_nodes = sc.usize(&header, n_nodes, "nNodes")?;
    let n_couplers = sc.usize(&header, n_couplers, "nCouplers")?;

    let mut b = QuboBuilder::new(max_nodes);
    b.reserve(n_couplers.min(text.len() / 6));
    let mut seen = PairSeen::with_capacity(n_couplers.min(text.len() / 6));
    let (mut nodes, mut couplers) = (0usize, 0usize);
    while let Some(l) = sc.next_raw() {
        let t = l.text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix(OFFSET_COMMENT) {
            if let Some(first) = offset_line {
                return Err(sc.err(
                    l.number,
                    format!("second offset comment (first on line {first})"),
                ));
            }
            offset = sc.real(&l, rest.trim(), "offset")?;
            offset_line = Some(l.number);
            continue;
        }
        if t.starts_with('c') {
            continue;
        }
        let [ti, tj, tw] = sc.tokens::<3>(&l, "an entry `i j w`")?;
        let i = sc.usize(&l, ti, "node id")?;
        let j = sc.usize(&l, tj, "node id")?;
        for (v, tok) in [(i, ti), (j, tj)] {
            if v >= max_nodes {
                return Err(sc.err_at(
                    &l,
                    tok,
                    format!("node id {v} is not below maxNodes = {max_nodes}"),
                ));
            }
        }
        let w = sc.real(&l, tw, "weight")?;
        if let Err(first) = seen.insert(i, j, l.number) {
            return Err(sc.err(l.number, format!("entry ({i}, {j}) repeats line {first}")));
        }
        if i == j {
            nodes += 1;
            b.add_linear(i, w);
        } else {
            couplers += 1;
            b.add_quadratic(i, j, w);
        }
    }
    if nodes != n_nodes || couplers != n_couplers {
        return Err(sc.err(
            header.number,
            format!(
                "header declares {n_nodes} nodes and {n_couplers} couplers, the file has {nodes} and {couplers} (truncated or inconsistent file)"
            ),
        ));
    }
    b.add_offset(offset);
    b.build()
}

/// Writes a qbsolv `.qubo` text: every non-zero linear term as a node line, every
/// interaction once with `i < j`, shortest round-trip decimals.
pub fn write(q: &Qubo) -> String {
    let nodes: Vec<(usize, f64)> = q
        .linear()
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, w)| w != 0.0)
        .collect();
    let mut s = String::with_capacity(32 * (nodes.len() + q.num_interactions()) + 64);
    let _ = writeln!(s, "c written by quboflow {}", crate::VERSION);
    if q.offset() != 0.0 {
        let _ = writeln!(s, "{OFFSET_COMMENT}{}", plain_decimal(q.offset()));
    }
    let _ = writeln!(
        s,
        "p qubo 0 {} {} {}",
        q.num_vars(),
        nodes.len(),
        q.num_interactions()
    );
    for (i, w) in nodes {
        let _ = writeln!(s, "{i} {i} {}", plain_decimal(w));
    }
    for (i, j, w) in q.interactions() {
        let _ = writeln!(s, "{i} {j} {}", plain_decimal(w));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(t: &str) -> Result<Qubo> {
        read(Path::new("t.qubo"), t)
    }

    #[test]
    fn reads_the_spec_example() {
        let q = rd("c two variables, one coupler\np qubo 0 2 2 1\n0 0 -1.5\n1 1 2.0\n0 1 -3.25\n")
            .unwrap();
        assert_eq!(q.linear(), &[-1.5, 2.0]);
        assert_eq!(q.quadratic(0, 1), -3.25);
    }

    #[test]
    fn accepts_sparse_nodes_and_swapped_couplers() {
        let q =
            rd("p qubo unconstrained 5 1 2\n0 0 1\nc mid-file comment\n3 1 2\n4 2 -1\n").unwrap();
        assert_eq!(q.num_vars(), 5);
        assert_eq!(q.quadratic(1, 3), 2.0);
    }

    #[test]
    fn errors_name_the_line() {
        let e = rd("p qubo 0 2 1 1\n0 0 1\n0 1 x\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.qubo:3:5:"), "{e}");
        let e = rd("p qubo 0 2 1 1\n0 0 1\n").unwrap_err().to_string();
        assert!(e.contains("t.qubo:1") && e.contains("truncated"), "{e}");
        let e = rd("p qubo 0 2 0 2\n0 1 1\n1 0 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.qubo:3") && e.contains("repeats line 2"),
            "{e}"
        );
        let e = rd("p qubo 0 2 0 1\n0 2 1\n").unwrap_err().to_string();
        assert!(e.contains("maxNodes"), "{e}");
        let e = rd("p qubo 0 2 0 1\n0 1 1e999\n").unwrap_err().to_string();
        assert!(e.contains("finite"), "{e}");
        assert!(rd("c only comments\n").is_err());
        assert!(rd("p qubo 1 2 0 0\n").is_err());
    }

    #[test]
    fn round_trip_keeps_offset() {
        let mut b = QuboBuilder::new(3);
        b.add_linear(2, 0.1)
            .add_quadratic(0, 1, -1e-9)
            .add_offset(4.25);
        let q = b.build().unwrap();
        let text = write(&q);
        assert!(
            text.lines()
                .filter(|l| !l.starts_with('c'))
                .all(|l| !l.contains('e'))
        );
        assert_eq!(rd(&text).unwrap(), q);
    }
}
