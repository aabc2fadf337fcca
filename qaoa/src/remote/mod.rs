//! Remote gate-based backends: the IonQ client, its job journal and cost estimate, and a
//! loopback emulator of the IonQ API.

mod cost;
mod emulator;
mod http;
mod ionq;
mod journal;
mod server;
mod wire;

pub use cost::{CostEstimate, Price, PriceTable};
pub use emulator::{Emulator, EmulatorOptions, Fault, Route, SeenRequest};
pub use http::{ApiKey, ClientStats, Clock, ManualClock, RetryPolicy, SystemClock};
pub use ionq::{IONQ_URL, IonQ};
