//! Encodings: the exact ground state decodes to the listed optimum, and every feasible
//! state's energy is its native cost (offset included).

mod common;

use common::{data, table};
use quboflow::solvers::Exact;
use quboflow::{RunControl, Solver};
use quboflow_problems::encodings::{
    binpacking, coloring, cvrp, facility, jobshop, knapsack, maxcut, tsp,
};
use quboflow_problems::{Cvrp, Knapsack, Solution, Tsp};

fn ground(q: &quboflow::Qubo) -> (f64, Vec<u8>) {
    let ss = Exact::default()
        .sample(q, &RunControl::new().seed(1))
        .unwrap();
    let best = ss.first().unwrap();
    assert_eq!(q.energy(&best.sample), best.energy);
    (best.energy, best.sample.clone())
}

fn permutations(k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(k - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, k - 1);
            out.push(q);
        }
    }
    out
}

#[test]
fn tsp_sub_instances_ground_state_is_the_optimal_tour() {
    let rows = table("tsplib/subinstances_optimal.csv");
    let mut solved = 0;
    for r in &rows {
        let k: usize = r["k"].parse().unwrap();
        let tsp = Tsp::read(&data(&format!("tsplib/sub/{}.tsp", r["instance"])).unwrap()).unwrap();
        let enc = tsp::encode(&tsp, &Default::default()).unwrap();
        assert_eq!(enc.qubo.num_vars(), (k - 1) * (k - 1));
        let opt: f64 = r["optimal_length"].parse().unwrap();
        if k <= 7 {
            // Every feasible state (every tour with city 0 first): energy = tour length.
            for p in permutations(k - 1) {
                let tour: Vec<usize> = std::iter::once(0).chain(p.iter().map(|c| c + 1)).collect();
                let x = enc
                    .decoder
                    .encode_solution(&Solution::Tour(tour.clone()))
                    .unwrap();
                assert_eq!(enc.qubo.energy(&x), tsp.tour_length(&tour));
                let d = enc.decode(&x);
                assert!(d.feasible && d.objective == Some(tsp.tour_length(&tour)));
                assert!(enc.constraints().is_satisfied(&x));
            }
        }
        if enc.qubo.num_vars() <= 25 {
            let (e, x) = ground(&enc.qubo);
            let d = enc.decode(&x);
            assert!(d.feasible, "{}", r["instance"]);
            assert_eq!(d.objective, Some(opt), "{}", r["instance"]);
            assert_eq!(e, opt);
            solved += 1;
        }
    }
    if !rows.is_empty() {
        assert_eq!(solved, 24);
    }
}

#[test]
fn tsp_decoder_flags_and_repairs_broken_tours() {
    let tsp = Tsp::from_matrix(
        "sq",
        (0..5)
            .map(|i| {
                (0..5)
                    .map(|j| if i == j { 0.0 } else { (i + j) as f64 })
                    .collect()
            })
            .collect(),
    )
    .unwrap();
    let enc = tsp::encode(&tsp, &Default::default()).unwrap();
    let x = vec![0u8; 16];
    let d = enc.decode(&x);
    assert!(!d.feasible && d.objective.is_none());
    assert_eq!(d.violations.len(), 8);
    let r = enc.decoder.repair(&x).unwrap();
    assert!(r.repaired && r.feasible && !r.repair_steps.is_empty());
    let Solution::Tour(t) = &r.solution else {
        panic!()
    };
    assert!(tsp.is_tour(t));
    // A penalty state costs more than the optimum: A = max W + 1.
    assert_eq!(enc.penalties["A"], 8.0);
}

#[test]
fn cvrp_sub_instances_ground_state_is_the_optimum() {
    let rows = table("cvrplib/subinstances_optimal.csv");
    let mut solved = 0;
    for r in &rows {
        let c = Cvrp::read(&data(&format!("cvrplib/sub/{}.vrp", r["instance"])).unwrap()).unwrap();
        let enc = cvrp::encode(&c, &Default::default()).unwrap();
        let opt: f64 = r["optimal_cost"].parse().unwrap();
        // The listed optimal routes encode to a state whose energy is the optimum.
        let routes: Vec<Vec<usize>> = r["optimal_routes_sol_ids"]
            .split('|')
            .map(|rt| rt.split_whitespace().map(|c| c.parse().unwrap()).collect())
            .collect();
        let x = enc
            .decoder
            .encode_solution(&Solution::Routes(routes.clone()))
            .unwrap();
        assert!(enc.qubo.energy(&x) <= c.cost(&routes));
        assert_eq!(enc.qubo.energy(&x), opt, "{}", r["instance"]);
        let n = enc.qubo.num_vars();
        if n <= 20 {
            // Every state: feasible ones (exact covers) have energy = total distance.
            for mask in 0..1u32 << n {
                let x: Vec<u8> = (0..n).map(|i| (mask >> i & 1) as u8).collect();
                let d = enc.decode(&x);
                if d.feasible {
                    assert_eq!(enc.qubo.energy(&x), d.objective.unwrap());
                } else {
                    assert!(enc.qubo.energy(&x) > opt);
                }
            }
        }
        if n <= 30 {
            let (e, x) = ground(&enc.qubo);
            let d = enc.decode(&x);
            assert!(
                d.feasible && d.objective == Some(opt) && e == opt,
                "{}",
                r["instance"]
            );
            solved += 1;
        }
    }
    if !rows.is_empty() {
        assert!(solved >= 8, "{solved}");
    }
}

#[test]
fn full_cvrp_set_partitioning_holds_the_published_optimum() {
    for (name, vars, opt) in [("P-n16-k8", 164, 450.0), ("E-n13-k4", 538, 247.0)] {
        let Some(p) = data(&format!("cvrplib/{name}.vrp")) else {
            return;
        };
        let c = Cvrp::read(&p).unwrap();
        let enc = cvrp::encode(&c, &Default::default()).unwrap();
        assert_eq!(enc.qubo.num_vars(), vars);
        let sol = quboflow_problems::readers::cvrplib::read_solution(
            &data(&format!("cvrplib/{name}.sol")).unwrap(),
        )
        .unwrap();
        let x = enc
            .decoder
            .encode_solution(&Solution::Routes(sol.routes))
            .unwrap();
        assert_eq!(enc.qubo.energy(&x), opt);
    }
}

fn knapsack_instance(name: &str) -> Option<Knapsack> {
    let p = data(&format!("knapsack/low-dimensional/{name}"))?;
    Some(Knapsack::read(&p).unwrap())
}

#[test]
fn knapsack_ground_state_is_the_optimum_and_feasible_energy_is_minus_value() {
    for name in [
        "f3_l-d_kp_4_20",
        "f4_l-d_kp_4_11",
        "f7_l-d_kp_7_50",
        "f9_l-d_kp_5_80",
    ] {
        let Some(k) = knapsack_instance(name) else {
            return;
        };
        let enc = knapsack::encode(&k, &Default::default()).unwrap();
        let n = k.len();
        for mask in 0..1u32 << n {
            let items: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
            let sel: Vec<u8> = (0..n).map(|i| (mask >> i & 1) as u8).collect();
            match enc.decoder.encode_solution(&Solution::Items(items)) {
                Some(x) => {
                    assert!(k.is_feasible(&sel));
                    assert_eq!(enc.qubo.energy(&x), -k.value(&sel));
                }
                None => assert!(!k.is_feasible(&sel)),
            }
        }
        let (e, x) = ground(&enc.qubo);
        let d = enc.decode(&x);
        assert!(d.feasible);
        assert_eq!(d.objective, k.optimum, "{name}");
        assert_eq!(e, -k.optimum.unwrap());
        // Unbalanced: n variables, heuristic.
        let u = knapsack::encode(
            &k,
            &knapsack::KnapsackOptions {
                method: knapsack::KnapsackMethod::unbalanced_default(),
                penalty: None,
            },
        )
        .unwrap();
        assert_eq!(u.qubo.num_vars(), n);
        assert_eq!(
            u.energy_meaning,
            quboflow_problems::EnergyMeaning::Heuristic
        );
    }
}

#[test]
fn knapsack_repair_drops_then_fills() {
    let k = Knapsack::new("t", vec![10.0, 7.0, 1.0], vec![5.0, 5.0, 1.0], 6.0).unwrap();
    let enc = knapsack::encode(&k, &Default::default()).unwrap();
    let x = vec![1, 1, 0, 0, 0, 0];
    assert!(!enc.decode(&x).feasible);
    let r = enc.decoder.repair(&x).unwrap();
    assert!(r.repaired && r.feasible);
    assert_eq!(r.solution, Solution::Items(vec![0, 2]));
    assert!(
        knapsack::encode(
            &Knapsack::new("r", vec![1.0], vec![0.5], 1.0).unwrap(),
            &Default::default()
        )
        .is_err()
    );
}

#[test]
fn small_encodings_ground_states_are_optimal() {
    // Max-Cut of a 5-cycle: 4.
    let g = maxcut::Graph::new(5, (0..5).map(|i| (i, (i + 1) % 5, 1.0)).collect()).unwrap();
    let enc = maxcut::encode(&g).unwrap();
    let (e, x) = ground(&enc.qubo);
    assert_eq!((e, enc.decode(&x).objective), (-4.0, Some(4.0)));
    // 3-colouring of the 5-cycle: no conflicts; 2 colours: one conflict.
    let enc = coloring::encode(&g, 3, None).unwrap();
    let (e, x) = ground(&enc.qubo);
    assert!(enc.decode(&x).feasible && e == 0.0);
    let enc = coloring::encode(&g, 2, None).unwrap();
    let (e, x) = ground(&enc.qubo);
    assert_eq!((e, enc.decode(&x).objective), (1.0, Some(1.0)));
    // Bin packing: weights 3,3,2,2 into capacity 5 → 2 bins.
    let bp = binpacking::BinPacking {
        weights: vec![3.0, 3.0, 2.0, 2.0],
        capacity: 5.0,
    };
    let enc = binpacking::encode(&bp, None).unwrap();
    let (e, x) = ground(&enc.qubo);
    let d = enc.decode(&x);
    assert!(d.feasible && d.objective == Some(2.0) && e == 2.0, "{d:?}");
    let opt = enc
        .decoder
        .encode_solution(&Solution::Bins(vec![vec![0, 2], vec![1, 3]]))
        .unwrap();
    assert_eq!(enc.qubo.energy(&opt), 2.0);
    // Facility location: 2 facilities, 2 customers; opening facility 0 alone is best.
    let fl = facility::FacilityLocation {
        fixed_costs: vec![3.0, 4.0],
        capacities: vec![2.0, 2.0],
        demands: vec![1.0, 1.0],
        costs: vec![vec![1.0, 2.0], vec![2.0, 1.0]],
    };
    let enc = facility::encode(&fl, None).unwrap();
    let (e, x) = ground(&enc.qubo);
    let d = enc.decode(&x);
    assert!(d.feasible && d.objective == Some(6.0) && e == 6.0, "{d:?}");
    // Job shop: two jobs sharing machine 0; makespan 3 is feasible, 2 is not.
    let js = jobshop::JobShop {
        jobs: vec![vec![(0, 1), (1, 2)], vec![(0, 2)]],
    };
    let enc = jobshop::encode(&js, 3, None).unwrap();
    let (e, x) = ground(&enc.qubo);
    assert!(e == 0.0 && enc.decode(&x).feasible);
    let enc = jobshop::encode(&js, 2, None);
    assert!(enc.is_err() || ground(&enc.unwrap().qubo).0 > 0.0);
}

#[test]
fn sizes_no_machine_can_hold_are_refused_before_allocating() {
    use quboflow_problems::Error;
    use quboflow_problems::encodings::binpacking::BinPacking;
    use quboflow_problems::encodings::{binpacking, coloring, jobshop};
    let too_large = |r: Result<quboflow_problems::Encoded, Error>| match r {
        Err(Error::TooLarge { .. }) => true,
        Err(Error::Core(quboflow::Error::OutOfMemory { .. })) => true,
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => false,
    };
    let g = maxcut::Graph::new(4, vec![(0, 1, 1.0), (1, 2, 1.0)]).unwrap();
    // n·k and n·k² overflow usize; once they panicked ("capacity overflow").
    assert!(too_large(coloring::encode(&g, usize::MAX, None)));
    assert!(too_large(coloring::encode(&g, 1 << 40, None)));
    // A horizon of 10^15 steps: once an attempted 16 PB allocation aborted the process.
    let js = jobshop::JobShop {
        jobs: vec![vec![(0, 1)], vec![(0, 2)]],
    };
    assert!(too_large(jobshop::encode(&js, 1_000_000_000_000_000, None)));
    assert!(too_large(jobshop::encode(&js, usize::MAX, None)));
    // 3000 items: about 1.5·10⁹ terms, refused up front rather than after a minute of
    // building 24 GB of them.
    let bp = BinPacking {
        weights: vec![1.0; 3000],
        capacity: 10.0,
    };
    assert!(too_large(binpacking::encode(&bp, None)));
}
