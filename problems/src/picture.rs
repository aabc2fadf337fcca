//! Drawings of native solutions for the comparison reports: tours and routes on the node
//! coordinates, knapsack and bin fills.

use quboflow::compare::{FillBin, FillItem, Picture, PicturePath};

use crate::encodings::binpacking::BinPacking;
use crate::readers::cvrplib::Cvrp;
use crate::readers::knapsack::Knapsack;
use crate::readers::tsplib::Tsp;

fn xy(coords: &[[f64; 3]]) -> Vec<[f64; 2]> {
    coords.iter().map(|c| [c[0], c[1]]).collect()
}

fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| i.to_string()).collect()
}

/// A tour on the city coordinates; `None` without coordinates (explicit matrices).
pub(crate) fn tour(tsp: &Tsp, tour: &[usize], feasible: bool) -> Option<Picture> {
    let coords = tsp.coords.as_ref()?;
    Some(Picture::Routes {
        points: xy(coords),
        labels: names(tsp.dimension),
        depot: None,
        paths: vec![PicturePath {
            points: tour.to_vec(),
            closed: true,
            feasible,
            label: format!("tour (length {})", tsp.tour_length(tour)),
        }],
    })
}

/// Vehicle routes from the depot on the node coordinates, each flagged when it breaks the
/// capacity or the route length limit; `None` without coordinates.
pub(crate) fn routes(cvrp: &Cvrp, routes: &[Vec<usize>]) -> Option<Picture> {
    let coords = cvrp.coords.as_ref()?;
    let paths = routes
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let load = cvrp.load(r);
            let length = cvrp.route_length(r);
            let feasible = load <= cvrp.capacity
                && cvrp.distance_limit.is_none_or(|l| length <= l)
                && r.iter().all(|&c| c < cvrp.dimension && c != cvrp.depot);
            PicturePath {
                points: std::iter::once(cvrp.depot)
                    .chain(r.iter().copied())
                    .collect(),
                closed: true,
                feasible,
                label: format!(
                    "route {} (load {load}/{}, length {length})",
                    k + 1,
                    cvrp.capacity
                ),
            }
        })
        .collect();
    Some(Picture::Routes {
        points: xy(coords),
        labels: names(cvrp.dimension),
        depot: Some(cvrp.depot),
        paths,
    })
}

/// The knapsack and the chosen items.
pub(crate) fn knapsack(k: &Knapsack, items: &[usize]) -> Picture {
    Picture::Fill {
        bins: vec![FillBin {
            label: "knapsack".into(),
            capacity: k.capacity,
            items: items
                .iter()
                .filter(|&&i| i < k.weights.len())
                .map(|&i| FillItem {
                    label: (i + 1).to_string(),
                    size: k.weights[i],
                })
                .collect(),
        }],
    }
}

/// Every open bin and its items.
pub(crate) fn bins(bp: &BinPacking, bins: &[Vec<usize>]) -> Picture {
    Picture::Fill {
        bins: bins
            .iter()
            .enumerate()
            .map(|(b, items)| FillBin {
                label: format!("bin {}", b + 1),
                capacity: bp.capacity,
                items: items
                    .iter()
                    .filter(|&&i| i < bp.weights.len())
                    .map(|&i| FillItem {
                        label: (i + 1).to_string(),
                        size: bp.weights[i],
                    })
                    .collect(),
            })
            .collect(),
    }
}
