//! The fast engine against a plain dense reference: Pauli matrices built by Kronecker
//! products, layers applied as exponentials of the dense generators (Taylor series with
//! scaling on the vector), energies from `Qubo::energy`. Nothing here shares code with the
//! engine's kernels.

mod common;

use common::{Setup, ansatz, engine};

use quboflow::testing::random_qubo;
use quboflow::{Constraints, KHot, Qubo};
use quboflow_qaoa::{Angles, InitialState, MixerKind, Parallelism, Real, StateVector};

#[derive(Clone, Copy, Debug, PartialEq)]
struct C(f64, f64);
impl C {
    fn mul(self, o: C) -> C {
        C(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
    }
    fn add(self, o: C) -> C {
        C(self.0 + o.0, self.1 + o.1)
    }
    fn scale(self, s: f64) -> C {
        C(self.0 * s, self.1 * s)
    }
}

type Mat = Vec<Vec<C>>;

fn kron(a: &Mat, b: &Mat) -> Mat {
    let (ra, rb) = (a.len(), b.len());
    let mut out = vec![vec![C(0.0, 0.0); ra * rb]; ra * rb];
    for i in 0..ra {
        for j in 0..ra {
            for k in 0..rb {
                for l in 0..rb {
                    out[i * rb + k][j * rb + l] = a[i][j].mul(b[k][l]);
                }
            }
        }
    }
    out
}

fn pauli(name: char) -> Mat {
    let (z, o, i) = (C(0.0, 0.0), C(1.0, 0.0), C(0.0, 1.0));
    match name {
        'I' => vec![vec![o, z], vec![z, o]],
        'X' => vec![vec![z, o], vec![o, z]],
        'Y' => vec![vec![z, i.scale(-1.0)], vec![i, z]],
        _ => unreachable!(),
    }
}

/// The n-qubit operator with `ops[q]` on qubit q (qubit 0 = least significant index bit,
/// so it is the rightmost Kronecker factor).
fn pauli_string(n: usize, ops: &[(usize, char)]) -> Mat {
    let mut m: Mat = vec![vec![C(1.0, 0.0)]];
    for q in (0..n).rev() {
        let p = ops.iter().find(|(k, _)| *k == q).map_or('I', |(_, p)| *p);
        m = kron(&m, &pauli(p));
    }
    m
}

fn add_into(a: &mut Mat, b: &Mat, s: f64) {
    for (ra, rb) in a.iter_mut().zip(b) {
        for (x, y) in ra.iter_mut().zip(rb) {
            *x = x.add(y.scale(s));
        }
    }
}

fn matvec(m: &Mat, v: &[C]) -> Vec<C> {
    m.iter()
        .map(|row| {
            row.iter()
                .zip(v)
                .fold(C(0.0, 0.0), |acc, (a, b)| acc.add(a.mul(*b)))
        })
        .collect()
}

/// e^{-iθG} v for a Hermitian dense G: Taylor series on the vector, θ split into steps of at
/// most 0.5/‖G‖₁ so 40 terms are far past double precision.
fn expm_apply(g: &Mat, theta: f64, v: &mut Vec<C>) {
    let norm = g
        .iter()
        .map(|r| r.iter().map(|c| c.0.hypot(c.1)).sum::<f64>())
        .fold(0.0, f64::max);
    let steps = ((theta.abs() * norm) / 0.5).ceil().max(1.0) as usize;
    let h = theta / steps as f64;
    for _ in 0..steps {
        let mut term = v.clone();
        let mut sum = v.clone();
        for k in 1..40 {
            // term ← (−i h G) term / k
            term = matvec(g, &term)
                .into_iter()
                .map(|c| C(c.1, -c.0).scale(h / k as f64))
                .collect();
            for (s, t) in sum.iter_mut().zip(&term) {
                *s = s.add(*t);
            }
        }
        *v = sum;
    }
}

fn energies(q: &Qubo) -> Vec<f64> {
    let n = q.num_vars();
    (0..1usize << n)
        .map(|x| q.energy(&(0..n).map(|k| (x >> k & 1) as u8).collect::<Vec<_>>()))
        .collect()
}

struct Reference {
    n: usize,
    energy: Vec<f64>,
    x_mixer: Option<Mat>,
    hops: Vec<Mat>,
    trotter: usize,
}

impl Reference {
    fn new(q: &Qubo, x_qubits: &[usize], pairs: &[(usize, usize)], trotter: usize) -> Self {
        let n = q.num_vars();
        let dim = 1 << n;
        let x_mixer = (!x_qubits.is_empty()).then(|| {
            let mut b = vec![vec![C(0.0, 0.0); dim]; dim];
            for &j in x_qubits {
                add_into(&mut b, &pauli_string(n, &[(j, 'X')]), 1.0);
            }
            b
        });
        let hops = pairs
            .iter()
            .map(|&(a, b)| {
                let mut g = pauli_string(n, &[(a, 'X'), (b, 'X')]);
                add_into(&mut g, &pauli_string(n, &[(a, 'Y'), (b, 'Y')]), 1.0);
                g.iter_mut()
                    .for_each(|r| r.iter_mut().for_each(|c| *c = c.scale(0.5)));
                g
            })
            .collect();
        Reference {
            n,
            energy: energies(q),
            x_mixer,
            hops,
            trotter,
        }
    }

    fn run(&self, start: Vec<C>, angles: &Angles) -> Vec<C> {
        let mut v = start;
        for (&g, &b) in angles.gamma.iter().zip(&angles.beta) {
            for (a, e) in v.iter_mut().zip(&self.energy) {
                *a = a.mul(C((g * e).cos(), -(g * e).sin()));
            }
            if let Some(m) = &self.x_mixer {
                expm_apply(m, b, &mut v);
            }
            for _ in 0..self.trotter {
                for h in &self.hops {
                    expm_apply(h, b / self.trotter as f64, &mut v);
                }
            }
        }
        v
    }

    fn expectation(&self, v: &[C]) -> f64 {
        v.iter()
            .zip(&self.energy)
            .map(|(a, e)| (a.0 * a.0 + a.1 * a.1) * e)
            .sum()
    }

    fn plus_state(&self) -> Vec<C> {
        vec![
            C((1u64 << self.n) as f64, 0.0)
                .scale(0.0)
                .add(C((0.5f64).powf(self.n as f64 / 2.0), 0.0));
            1 << self.n
        ]
    }
}

fn max_diff<F: Real>(s: &StateVector<F>, v: &[C]) -> f64 {
    v.iter()
        .enumerate()
        .map(|(x, c)| {
            let (r, i) = s.amplitude(x);
            (r - c.0).abs().max((i - c.1).abs())
        })
        .fold(0.0, f64::max)
}

fn angles(p: usize, seed: u64) -> Angles {
    let f = |k: usize| (seed as f64 * 1.37 + k as f64 * 2.11).sin() * 0.9;
    Angles {
        gamma: (0..p).map(|k| f(k) * 0.7).collect(),
        beta: (0..p).map(|k| f(k + 17)).collect(),
    }
}

fn check_x<F: Real>(tol: f64) {
    for n in 1..=10 {
        for integer in [true, false] {
            let q = random_qubo(n, 0.5, integer, 100 + n as u64);
            let a = angles(2, n as u64);
            let engine = engine::<F>(&q, &Setup::default()).unwrap();
            let s = engine.state(&a).unwrap();
            let r = Reference::new(&q, &(0..n).collect::<Vec<_>>(), &[], 1);
            let v = r.run(r.plus_state(), &a);
            let d = max_diff(&s, &v);
            assert!(d < tol, "n={n} integer={integer}: max amplitude error {d}");
            let (e, er) = (engine.expectation(&a).unwrap(), r.expectation(&v));
            assert!(
                (e - er).abs() < tol * 100.0 * (1.0 + er.abs()),
                "n={n}: {e} vs {er}"
            );
        }
    }
}

#[test]
fn x_mixer_matches_dense_exponentials_complex128() {
    check_x::<f64>(1e-10);
}

#[test]
fn x_mixer_matches_dense_exponentials_complex64() {
    check_x::<f32>(1e-5);
}

/// A 9-variable model with two one-hot groups of 3, a 2-hot group of 3? No: one-hot {0,1,2},
/// {3,4,5}, 2-hot {6,7,8} minus 8 which stays free.
fn grouped_model() -> (Qubo, Constraints) {
    let q = random_qubo(9, 0.6, false, 77);
    let c = Constraints {
        one_hot: vec![vec![0, 1, 2], vec![3, 5, 4]],
        k_hot: vec![KHot {
            vars: vec![6, 7],
            k: 1,
        }],
        ..Default::default()
    };
    (q, c)
}

fn dense_start(n: usize, groups: &[(Vec<usize>, usize)], free: &[usize], basis: bool) -> Vec<C> {
    let mut v: Vec<C> = (0..1usize << n)
        .map(|x| {
            let ok = groups.iter().all(|(vars, k)| {
                if basis {
                    vars.iter()
                        .enumerate()
                        .all(|(i, &q)| (x >> q & 1 == 1) == (i < *k))
                } else {
                    vars.iter().filter(|&&q| x >> q & 1 == 1).count() == *k
                }
            });
            C(if ok { 1.0 } else { 0.0 }, 0.0)
        })
        .collect();
    let norm: f64 = v.iter().map(|c| c.0 * c.0).sum::<f64>().sqrt();
    v.iter_mut().for_each(|c| *c = c.scale(1.0 / norm));
    let _ = free;
    v
}

fn check_xy<F: Real>(tol: f64) {
    let (q, c) = grouped_model();
    let n = q.num_vars();
    for mixer in [MixerKind::XyRing, MixerKind::XyComplete] {
        for (initial, trotter) in [(InitialState::Auto, 1), (InitialState::Basis, 2)] {
            let opts = Setup {
                mixer,
                constraints: Some(c.clone()),
                trotter_steps: trotter,
                initial_state: initial,
                parallelism: Parallelism::Auto,
                ..Default::default()
            };
            let engine = engine::<F>(&q, &opts).unwrap();
            let groups: Vec<(Vec<usize>, usize)> =
                c.groups().map(|(v, k)| (v.to_vec(), k)).collect();
            let plan = ansatz(&q, &opts).unwrap();
            let free = plan.x_qubits();
            assert_eq!(free, vec![8]);
            let r = Reference::new(&q, &free, plan.xy_pairs(), trotter);
            let a = angles(2, 5);
            let v = r.run(
                dense_start(n, &groups, &free, initial == InitialState::Basis),
                &a,
            );
            let s = engine.state(&a).unwrap();
            let d = max_diff(&s, &v);
            assert!(d < tol, "{mixer:?} {initial:?}: max amplitude error {d}");
            // Every basis state with weight off its group's k has zero amplitude.
            for x in 0..1usize << n {
                let feasible = groups
                    .iter()
                    .all(|(vars, k)| vars.iter().filter(|&&q| x >> q & 1 == 1).count() == *k);
                if !feasible {
                    assert!(
                        s.probability(x) < 1e-20,
                        "{mixer:?}: mass on infeasible {x:b}"
                    );
                }
            }
        }
    }
}

#[test]
fn xy_mixers_match_dense_exponentials_complex128() {
    check_xy::<f64>(1e-10);
}

#[test]
fn xy_mixers_match_dense_exponentials_complex64() {
    check_xy::<f32>(1e-5);
}

#[test]
fn ring_and_complete_pairs_are_as_documented() {
    let (q, c) = grouped_model();
    let ring = ansatz(
        &q,
        &Setup {
            mixer: MixerKind::XyRing,
            constraints: Some(c.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        ring.xy_pairs(),
        &[(0, 1), (2, 0), (1, 2), (3, 5), (4, 3), (5, 4), (6, 7)]
    );
    let complete = ansatz(
        &q,
        &Setup {
            mixer: MixerKind::XyComplete,
            constraints: Some(c),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        complete.xy_pairs(),
        &[(0, 1), (0, 2), (1, 2), (3, 5), (3, 4), (5, 4), (6, 7)]
    );
}

#[test]
fn xy_without_groups_is_refused() {
    let q = random_qubo(4, 0.5, true, 1);
    let err = engine::<f64>(
        &q,
        &Setup {
            mixer: MixerKind::XyRing,
            ..Default::default()
        },
    )
    .err()
    .unwrap();
    assert!(
        err.to_string().contains("needs one-hot or k-hot groups"),
        "{err}"
    );
}
