//! The blocking HTTP client of the IonQ API: authentication, the retry rule, capped
//! exponential backoff with jitter on an injectable clock, and typed errors.

use std::fmt;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde_json::Value;

use crate::error::{Error, Result};

/// Time as the client sees it: real in use, virtual in tests (so a test of a 60-s backoff
/// takes no time and cannot hang).
pub trait Clock: Send + Sync + fmt::Debug {
    /// Time since some fixed start.
    fn now(&self) -> Duration;
    /// Waits `d` (a virtual clock only advances).
    fn sleep(&self, d: Duration);
}

/// The real clock.
#[derive(Debug)]
pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// A virtual clock for tests: `sleep` advances it at once and is recorded.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: Mutex<Duration>,
    sleeps: Mutex<Vec<Duration>>,
}

impl ManualClock {
    /// Every sleep so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.now.lock().map(|t| *t).unwrap_or_default()
    }
    fn sleep(&self, d: Duration) {
        if let Ok(mut t) = self.now.lock() {
            *t += d;
        }
        if let Ok(mut s) = self.sleeps.lock() {
            s.push(d);
        }
    }
}

/// How hard the client retries and how it polls. The defaults follow IonQ's guidance and
/// qiskit-ionq: retry 429, 502–504 and 520–529 (409 on reads only), never 500 or another
/// 4xx; back off ×2 from `backoff_initial` to `backoff_cap` plus up to `jitter`, or as long
/// as a `Retry-After` header says.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts of a read (GET, PUT cancel) before giving up. Default 5.
    pub read_attempts: u32,
    /// Attempts of a job create (each one after the first first checks that the earlier
    /// one did not in fact create the job). Default 3.
    pub create_attempts: u32,
    /// First backoff. Default 0.5 s.
    pub backoff_initial: Duration,
    /// Largest backoff. Default 60 s.
    pub backoff_cap: Duration,
    /// Random extra per backoff, uniform in [0, jitter]. Default 1 s.
    pub jitter: Duration,
    /// Whole-request timeout (connect, send, receive). Default 30 s.
    pub request_timeout: Duration,
    /// First wait between status polls. Default 0.5 s.
    pub poll_initial: Duration,
    /// Largest wait between status polls. Default 30 s.
    pub poll_cap: Duration,
    /// Longest a job may stay unfinished before the run gives up on it (the job is canceled).
    /// Default 24 h (QPU queues can take hours).
    pub job_deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            read_attempts: 5,
            create_attempts: 3,
            backoff_initial: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(60),
            jitter: Duration::from_secs(1),
            request_timeout: Duration::from_secs(30),
            poll_initial: Duration::from_millis(500),
            poll_cap: Duration::from_secs(30),
            job_deadline: Duration::from_secs(24 * 3600),
        }
    }
}

/// The API key: read from `IONQ_API_KEY`, sent only in the `Authorization` header, and
/// printed as `***` by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key in `IONQ_API_KEY`, if set and non-empty.
    pub fn from_env() -> Option<Self> {
        std::env::var("IONQ_API_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .map(|k| ApiKey(k.trim().to_string()))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// One request's outcome before the retry rule.
enum Attempt<T = Value> {
    Done(T),
    /// Worth retrying; `after` from a `Retry-After` header.
    Retry {
        why: String,
        after: Option<Duration>,
    },
    Fatal(Error),
}

/// Counters of what the client did, for reports and for the overhead benchmark.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ClientStats {
    /// HTTP requests sent.
    pub requests: u64,
    /// Of which retries.
    pub retries: u64,
    /// Time spent waiting in backoff and between polls (virtual under a test clock).
    pub waited_ms: f64,
}

/// The HTTP side of the IonQ backend.
pub(crate) struct Client {
    base: String,
    key: Option<ApiKey>,
    agent: ureq::Agent,
    pub(crate) policy: RetryPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    rng: Mutex<Xoshiro256PlusPlus>,
    pub(crate) stats: Mutex<ClientStats>,
    /// Set by the run's cancel/abort flags: waits end early and report `Cancelled`.
    pub(crate) stop: Mutex<Vec<Arc<AtomicBool>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(
        base: &str,
        key: Option<ApiKey>,
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
        seed: u64,
    ) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(policy.request_timeout))
            .http_status_as_error(false)
            .user_agent(format!("quboflow/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            base: base.trim_end_matches('/').to_string(),
            key,
            agent,
            policy,
            clock,
            rng: Mutex::new(Xoshiro256PlusPlus::seed_from_u64(seed)),
            stats: Mutex::new(ClientStats::default()),
            stop: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn stopped(&self) -> bool {
        self.stop
            .lock()
            .map(|s| s.iter().any(|f| f.load(Ordering::Relaxed)))
            .unwrap_or(false)
    }

    /// Sleeps `d` in slices, ending early (with `Cancelled`) when the run is stopped.
    pub(crate) fn wait(&self, d: Duration) -> Result<()> {
        if let Ok(mut s) = self.stats.lock() {
            s.waited_ms += d.as_secs_f64() * 1e3;
        }
        let slice = Duration::from_millis(50);
        let end = self.clock.now() + d;
        loop {
            if self.stopped() {
                return Err(Error::Core(quboflow::Error::Cancelled));
            }
            let now = self.clock.now();
            if now >= end {
                return Ok(());
            }
            self.clock.sleep((end - now).min(slice));
        }
    }

    /// The k-th retry backoff (k from 0): capped doubling plus up to `policy.jitter`.
    pub(crate) fn backoff(&self, k: u32, initial: Duration, cap: Duration) -> Duration {
        self.backoff_with(k, initial, cap, self.policy.jitter)
    }

    /// The k-th wait of a capped doubling from `initial`, plus a uniform extra in [0, jitter].
    pub(crate) fn backoff_with(
        &self,
        k: u32,
        initial: Duration,
        cap: Duration,
        jitter: Duration,
    ) -> Duration {
        let base = initial.saturating_mul(1u32 << k.min(20)).min(cap);
        let jitter = jitter.as_secs_f64();
        let extra = if jitter > 0.0 {
            self.rng
                .lock()
                .map(|mut r| r.random_range(0.0..jitter))
                .unwrap_or(0.0)
        } else {
            0.0
        };
        base + Duration::from_secs_f64(extra)
    }

    /// A URL for `path`: relative to the base (`/jobs/…`), or to the host when the service
    /// hands back an absolute path (`/v0.4/jobs/…/results/probabilities`).
    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            return path.to_string();
        }
        let version_prefix = self
            .base
            .rfind('/')
            .map(|i| &self.base[i..])
            .filter(|v| v.starts_with("/v"));
        match version_prefix {
            Some(v) if path.starts_with(&format!("{v}/")) => {
                format!("{}{}", &self.base[..self.base.len() - v.len()], path)
            }
            _ => format!("{}{}", self.base, path),
        }
    }

    fn once(&self, method: Method, path: &str, body: Option<&Value>) -> Attempt {
        self.once_as(method, path, body, &|text| serde_json::from_str(text))
    }

    /// One request whose 2xx body `parse` reads. A body that is not JSON (truncated,
    /// garbled) is retried as a transport fault; JSON that does not mean what the protocol
    /// says is `Malformed`.
    fn once_as<T>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        parse: &dyn Fn(&str) -> serde_json::Result<T>,
    ) -> Attempt<T> {
        if let Ok(mut s) = self.stats.lock() {
            s.requests += 1;
        }
        let url = self.url(path);
        let auth = self
            .key
            .as_ref()
            .map(|k| format!("apiKey {}", k.0))
            .unwrap_or_default();
        let sent = match method {
            Method::Get => self
                .agent
                .get(&url)
                .header("Authorization", &auth)
                .header("Accept", "application/json")
                .call(),
            Method::Post => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .send(body.map(|b| b.to_string()).unwrap_or_default()),
            Method::Put => self
                .agent
                .put(&url)
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .send(body.map(|b| b.to_string()).unwrap_or_else(|| "{}".into())),
        };
        let mut resp = match sent {
            Ok(r) => r,
            // Timeouts, refused or dropped connections: the service may be fine a moment later.
            Err(e) => {
                return Attempt::Retry {
                    why: format!("transport: {}", transport_message(&e)),
                    after: None,
                };
            }
        };
        let status = resp.status().as_u16();
        let after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(3600.0)));
        let text = match resp
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_string()
        {
            Ok(t) => t,
            Err(e) => {
                return Attempt::Retry {
                    why: format!(
                        "transport: the response body broke off ({})",
                        transport_message(&e)
                    ),
                    after: None,
                };
            }
        };
        if (200..300).contains(&status) {
            return match parse(&text) {
                Ok(v) => Attempt::Done(v),
                Err(e) if e.classify() == serde_json::error::Category::Data => {
                    Attempt::Fatal(Error::Malformed {
                        what: format!("{} {path}", method.name()),
                        message: e.to_string(),
                    })
                }
                // A truncated or garbled body is retried as a transport fault (a create's
                // retry first checks whether the job exists).
                Err(e) => Attempt::Retry {
                    why: format!("malformed JSON ({e})"),
                    after: None,
                },
            };
        }
        let parsed: std::result::Result<Value, _> = serde_json::from_str(&text);
        let message = parsed
            .ok()
            .and_then(|v| {
                let m = v["message"].as_str().or(v["error"].as_str())?.to_string();
                Some(m)
            })
            .unwrap_or_else(|| text.chars().take(200).collect());
        let retry = matches!(status, 429 | 502 | 503 | 504 | 520..=529)
            || (status == 409 && method == Method::Get);
        if retry {
            return Attempt::Retry {
                why: format!("HTTP {status}: {message}"),
                after,
            };
        }
        Attempt::Fatal(match status {
            401 | 403 => Error::Unauthorized { status, message },
            _ => Error::Http {
                method: method.name(),
                path: path.to_string(),
                status,
                message,
            },
        })
    }

    /// A read (GET or cancel PUT) under the retry rule.
    pub(crate) fn read(&self, method: Method, path: &str) -> Result<Value> {
        self.read_as(method, path, &|text| serde_json::from_str(text))
    }

    /// A read whose body `parse` reads, under the retry rule.
    pub(crate) fn read_as<T>(
        &self,
        method: Method,
        path: &str,
        parse: &dyn Fn(&str) -> serde_json::Result<T>,
    ) -> Result<T> {
        let attempts = self.policy.read_attempts.max(1);
        let mut last = String::new();
        for k in 0..attempts {
            if k > 0 {
                if let Ok(mut s) = self.stats.lock() {
                    s.retries += 1;
                }
            }
            match self.once_as(method, path, None, parse) {
                Attempt::Done(v) => return Ok(v),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry { why, after } => {
                    last = why;
                    if k + 1 < attempts {
                        let d = after.unwrap_or_else(|| {
                            self.backoff(k, self.policy.backoff_initial, self.policy.backoff_cap)
                        });
                        self.wait(d)?;
                    }
                }
            }
        }
        Err(Error::Unavailable {
            what: format!("{} {path}", method.name()),
            attempts,
            last,
        })
    }

    /// One create attempt: `Ok(Some(v))` created, `Ok(None)` worth retrying after `after`.
    pub(crate) fn try_create(
        &self,
        body: &Value,
    ) -> Result<std::result::Result<Value, (String, Option<Duration>)>> {
        match self.once(Method::Post, "/jobs", Some(body)) {
            Attempt::Done(v) => Ok(Ok(v)),
            Attempt::Fatal(e) => Err(e),
            Attempt::Retry { why, after } => Ok(Err((why, after))),
        }
    }
}

/// A transport error's text, without anything that could carry the key (ureq never puts
/// headers in its errors; this keeps it to the kind and the message).
fn transport_message(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(t) => format!("timed out ({t:?})"),
        ureq::Error::Io(io) => format!("{}", io.kind()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_never_printed() {
        let k = ApiKey::new("secret-123");
        assert!(!format!("{k:?}").contains("secret"));
        let c = Client::new(
            "http://127.0.0.1:9/v0.4",
            Some(k),
            RetryPolicy::default(),
            Arc::new(ManualClock::default()),
            1,
        );
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn urls_join_the_base_and_absolute_paths() {
        let c = Client::new(
            "http://h:1/v0.4/",
            None,
            RetryPolicy::default(),
            Arc::new(ManualClock::default()),
            1,
        );
        assert_eq!(c.url("/jobs/a"), "http://h:1/v0.4/jobs/a");
        assert_eq!(
            c.url("/v0.4/jobs/a/results/probabilities"),
            "http://h:1/v0.4/jobs/a/results/probabilities"
        );
    }

    #[test]
    fn backoff_doubles_to_the_cap() {
        let policy = RetryPolicy {
            jitter: Duration::ZERO,
            ..Default::default()
        };
        let c = Client::new(
            "http://h",
            None,
            policy,
            Arc::new(ManualClock::default()),
            1,
        );
        let b: Vec<u64> = (0..10)
            .map(|k| {
                c.backoff(k, Duration::from_millis(500), Duration::from_secs(60))
                    .as_millis() as u64
            })
            .collect();
        assert_eq!(
            b,
            [
                500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000
            ]
        );
    }
}
