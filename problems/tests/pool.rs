//! Route pools, the route-pool encoding and its search, the CVRP generator, the decomposition
//! solver on encoded instances, and the pictures reports draw. Every cost is recomputed from
//! the decoded routes on the instance's own distances.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::data;
use quboflow::compare::{Comparison, Evaluate, Picture, Target};
use quboflow::solvers::{Decomposer, Exact, Hybrid, Tabu};
use quboflow::{RunControl, Solver};
use quboflow_problems::encodings::pool::encode_pool;
use quboflow_problems::generate::random_cvrp;
use quboflow_problems::pool::{PoolOptions, PoolSearchOptions, RoutePool, pool_search};
use quboflow_problems::{Cvrp, Encoding, Instance, Penalty, Solution, Tsp};

/// Checks routes against the instance: each customer once, capacities kept.
fn assert_feasible(c: &Cvrp, routes: &[Vec<usize>]) {
    assert!(
        c.violations_with_fleet(routes, None).is_empty(),
        "{:?}",
        c.violations_with_fleet(routes, None)
    );
}

#[test]
fn a_pool_holds_distinct_feasible_routes_with_their_true_lengths() {
    let c = random_cvrp(40, 5, 3).unwrap();
    let pool = RoutePool::build(
        &c,
        &PoolOptions {
            iterations: 60,
            ..Default::default()
        },
        None,
    );
    let mut seen = std::collections::HashSet::new();
    for r in pool.routes() {
        assert!(c.load(&r.customers) <= c.capacity);
        assert_eq!(r.cost, c.route_length(&r.customers));
        let mut key = r.customers.clone();
        key.sort_unstable();
        assert!(seen.insert(key), "route {:?} twice", r.customers);
    }
    for cust in c.customers() {
        assert!(pool.find(&[cust]).is_some(), "no singleton for {cust}");
    }
    let (best, cost) = pool.best().unwrap();
    assert_feasible(&c, best);
    assert_eq!(*cost, c.cost(best));
    // The best solution is a selection of the pool: it encodes, and decodes to its cost
    // (or less, when the pool knows a shorter order of one of its routes).
    let enc = encode_pool(&c, &pool, None).unwrap();
    let x = enc
        .decoder
        .encode_solution(&Solution::Routes(best.clone()))
        .unwrap();
    let d = enc.decode(&x);
    assert!(d.feasible);
    assert!(d.objective.unwrap() <= *cost + 1e-9);
    assert_eq!(enc.qubo.energy(&x), d.objective.unwrap());
    assert!(enc.constraints().is_satisfied(&x));
    // Same seed, same pool.
    let again = RoutePool::build(
        &c,
        &PoolOptions {
            iterations: 60,
            ..Default::default()
        },
        None,
    );
    assert_eq!(again.routes(), pool.routes());
}

#[test]
fn the_pool_penalty_makes_every_infeasible_selection_cost_more() {
    let c = random_cvrp(12, 3, 5).unwrap();
    let pool = RoutePool::build(
        &c,
        &PoolOptions {
            iterations: 20,
            ..Default::default()
        },
        None,
    );
    let enc = encode_pool(&c, &pool, None).unwrap();
    let singletons: Vec<Vec<usize>> = c.customers().into_iter().map(|i| vec![i]).collect();
    let all_singles = c.cost(&singletons);
    // Any state breaking a row pays at least the penalty, more than all singletons cost.
    let n = enc.qubo.num_vars();
    let mut rng = 7u64;
    for _ in 0..2000 {
        let x: Vec<u8> = (0..n)
            .map(|_| {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                u8::from(rng >> 60 == 0)
            })
            .collect();
        if !enc.constraints().is_satisfied(&x) {
            assert!(enc.qubo.energy(&x) > all_singles);
        }
    }
}

#[test]
fn pool_search_nears_the_optimum_of_small_instances_with_every_cost_recomputed() {
    for (name, optimum) in [("E-n22-k4", 375.0), ("P-n16-k8", 450.0)] {
        let Some(p) = data(&format!("cvrplib/{name}.vrp")) else {
            return;
        };
        let c = Cvrp::read(&p).unwrap();
        let opts = PoolSearchOptions {
            time_limit: Duration::from_secs(4),
            rounds: 4,
            pool: PoolOptions {
                iterations: 150,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut calls = 0;
        let mut select = |enc: &quboflow_problems::Encoded,
                          warm: Option<Vec<u8>>,
                          _time: Duration,
                          round: usize| {
            calls += 1;
            let tabu = Tabu {
                num_restarts: 30,
                max_stagnation: Some(300),
                initial_states: warm.map(|x| vec![x]),
                timeout: Some(Duration::from_secs(60)),
                ..Default::default()
            };
            Ok(tabu.sample(&enc.qubo, &RunControl::new().seed(round as u64))?)
        };
        let s = pool_search(&c, &opts, &mut select).unwrap();
        assert!(calls >= 1);
        assert_feasible(&c, &s.routes);
        assert_eq!(s.cost, c.cost(&s.routes));
        // Time-limited (growth runs to deadlines), so on a loaded machine it may stop short
        // of the optimum it reaches in about a second here.
        assert!(
            s.cost >= optimum && s.cost <= optimum * 1.03,
            "{name}: {}",
            s.cost
        );
        // The last selection holds the best: its samples decode to it, feasibly.
        let best = s
            .samples
            .samples
            .iter()
            .map(|x| s.encoded.decode(&x.sample))
            .filter(|d| d.feasible)
            .map(|d| d.objective.unwrap())
            .fold(f64::INFINITY, f64::min);
        assert_eq!(best, s.cost, "{name}: selection");
        assert!(s.from_selection);
        assert!(s.rounds.iter().all(|r| r.pool_routes >= c.dimension - 1));
    }
}

#[test]
fn generated_instances_are_reproducible_and_encode_through_the_pool() {
    let a = random_cvrp(100, 10, 11).unwrap();
    let b = random_cvrp(100, 10, 11).unwrap();
    assert_eq!(a.distances, b.distances);
    assert_ne!(random_cvrp(100, 10, 12).unwrap().distances, a.distances);
    assert!(random_cvrp(0, 1, 1).is_err() && random_cvrp(5, 6, 1).is_err());
    let enc = Instance::Cvrp(a.clone())
        .encode_with(Encoding::CvrpRoutePool, Penalty::Safe)
        .unwrap();
    assert_eq!(enc.encoding, "cvrp-route-pool");
    assert!(enc.qubo.num_vars() >= 100);
    // A picture of a decoded solution: one path per route from the depot, on the coordinates.
    let best = enc
        .details
        .get("pool_best_cost")
        .and_then(|v| v.as_f64())
        .unwrap();
    assert!(best > 0.0);
}

#[test]
fn the_decomposition_solves_encoded_instances_with_structural_sub_problems() {
    // A tour: windows of the permutation re-ordered exactly.
    let Some(p) = data("tsplib/sub/att48_first8.tsp") else {
        return;
    };
    let t = Tsp::read(&p).unwrap();
    let enc = Instance::Tsp(t.clone())
        .encode_with(Encoding::Auto, Penalty::Safe)
        .unwrap();
    let h = Hybrid {
        sub_solvers: vec![Arc::new(Exact::default())],
        decomposer: Decomposer::Structure,
        sub_size: 16,
        convergence: 4,
        ..Default::default()
    };
    let ss = h.sample(&enc.qubo, &RunControl::new().seed(3)).unwrap();
    let d = enc.decode(&ss.first().unwrap().sample);
    assert!(d.feasible);
    let Solution::Tour(tour) = &d.solution else {
        panic!("not a tour")
    };
    assert_eq!(d.objective.unwrap(), t.tour_length(tour));
    // A CVRP route pool through the decomposition with tabu sub-problems (energy impact).
    let c = random_cvrp(30, 4, 2).unwrap();
    let pool = RoutePool::build(
        &c,
        &PoolOptions {
            iterations: 50,
            ..Default::default()
        },
        None,
    );
    let enc = encode_pool(&c, &pool, None).unwrap();
    // Warm-started from the pool's best solution, it can only keep or improve it.
    let warm = enc
        .decoder
        .encode_solution(&Solution::Routes(pool.best().unwrap().0.clone()))
        .unwrap();
    let h = Hybrid {
        initial_states: Some(vec![warm]),
        sub_solvers: vec![Arc::new(Tabu {
            num_restarts: 5,
            timeout: Some(Duration::from_secs(30)),
            ..Default::default()
        })],
        sub_size: 24,
        convergence: 3,
        ..Default::default()
    };
    let ss = h.sample(&enc.qubo, &RunControl::new().seed(1)).unwrap();
    let d = enc.decode(&ss.first().unwrap().sample);
    assert!(d.feasible);
    let Solution::Routes(r) = &d.solution else {
        panic!("not routes")
    };
    assert_eq!(d.objective.unwrap(), c.cost(r));
    assert!(d.objective.unwrap() <= *pool.best().unwrap().1 + 1e-9);
}

#[test]
fn reports_draw_routes_on_coordinates_and_fill_charts() {
    let c = random_cvrp(15, 3, 4).unwrap();
    let enc = Instance::Cvrp(c.clone())
        .encode_with(Encoding::CvrpRoutePool, Penalty::Safe)
        .unwrap();
    let tabu = Tabu {
        num_restarts: 10,
        timeout: Some(Duration::from_secs(30)),
        ..Default::default()
    };
    let cmp = Comparison::new().seed(1).solver("tabu", tabu);
    let target = Target::new("gen", &enc.qubo, &enc);
    let report = cmp.run(&target).unwrap();
    let Some(Picture::Routes {
        points,
        depot,
        paths,
        ..
    }) = &report.solvers[0].picture
    else {
        panic!("no route map")
    };
    assert_eq!(points.len(), 16);
    assert_eq!(*depot, Some(0));
    assert!(
        paths
            .iter()
            .all(|p| p.feasible && p.points[0] == 0 && p.closed)
    );
    let served: usize = paths.iter().map(|p| p.points.len() - 1).sum();
    assert_eq!(served, 15);
    let html = quboflow::report::to_html(&report);
    assert!(html.contains("<h2>Solutions</h2>") && html.contains("class=\"route\""));
    assert!(html.contains("class=\"depot\""));
    let text = quboflow::report::to_text(&report);
    assert!(text.contains("tabu: best solution") && text.contains("route 1 (load"));
    // An overloaded route is flagged, in the drawing and in the text.
    let over: Vec<usize> = c.customers();
    let x = vec![0u8; enc.qubo.num_vars()];
    let mut d = enc.decode(&x);
    d.solution = Solution::Routes(vec![over]);
    let pic = enc.decoder.picture(&d).unwrap();
    assert!(pic.lines()[0].contains("INFEASIBLE"));
    // Knapsack: a fill chart.
    let k = quboflow_problems::Knapsack::new("k", vec![5.0, 4.0, 3.0], vec![4.0, 3.0, 2.0], 6.0)
        .unwrap();
    let enc = Instance::Knapsack(k)
        .encode_with(Encoding::Auto, Penalty::Safe)
        .unwrap();
    let x = enc
        .decoder
        .encode_solution(&Solution::Items(vec![0, 2]))
        .unwrap();
    let Some(Picture::Fill { bins }) = enc.picture(&x) else {
        panic!("no fill chart")
    };
    assert_eq!((bins[0].capacity, bins[0].load()), (6.0, 6.0));
    // No coordinates, no map (an explicit matrix).
    let m = Cvrp::from_matrix(
        "m",
        vec![vec![0.0, 1.0], vec![1.0, 0.0]],
        vec![0.0, 1.0],
        1.0,
        0,
    )
    .unwrap();
    let enc = Instance::Cvrp(m)
        .encode_with(Encoding::CvrpSetPartitioning, Penalty::Safe)
        .unwrap();
    assert!(enc.picture(&[1]).is_none());
}
