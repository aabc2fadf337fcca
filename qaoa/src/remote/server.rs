//! A minimal HTTP/1.1 server on 127.0.0.1 for the emulator: one thread per connection,
//! keep-alive, `Content-Length` bodies, each answer written in one piece with `TCP_NODELAY`.
//!
//! It replaced `tiny_http`, which writes headers and body separately without `TCP_NODELAY`:
//! on a kept-alive connection the body's last segment waited for the client's delayed ACK,
//! and one job in three took 40 ms longer (client overhead 26 ms per job at n = 12 instead of
//! the ~1 ms measured since; `benches/NOTES.md`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One request.
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: String,
}

/// One answer.
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<u32>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Send half the body, then close the connection (a connection dropped mid-answer).
    pub drop: bool,
}

pub(crate) type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Limits of the server's own loops.
pub(crate) struct Limits {
    pub idle_timeout: Duration,
    pub max_requests: u64,
}

/// Serves `listener` until `stop` is set, nothing arrives for `idle_timeout`, or
/// `max_requests` have been answered.
pub(crate) fn serve(
    listener: TcpListener,
    handler: Handler,
    limits: Limits,
    stop: Arc<AtomicBool>,
) {
    let start = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let count = Arc::new(AtomicU64::new(0));
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    let elapsed_ms = move || start.elapsed().as_millis() as u64;
    loop {
        let idle = Duration::from_millis(elapsed_ms().saturating_sub(last.load(Ordering::Relaxed)));
        if stop.load(Ordering::Relaxed)
            || idle >= limits.idle_timeout
            || count.load(Ordering::Relaxed) >= limits.max_requests
        {
            break;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                last.store(elapsed_ms(), Ordering::Relaxed);
                let (h, stop, last, count) =
                    (handler.clone(), stop.clone(), last.clone(), count.clone());
                let max = limits.max_requests;
                std::thread::spawn(move || {
                    connection(stream, h, stop, max, &count, &|| {
                        last.store(elapsed_ms(), Ordering::Relaxed)
                    })
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    // Connections notice the flag at their next read timeout and close.
    stop.store(true, Ordering::Relaxed);
}

fn connection(
    stream: TcpStream,
    handler: Handler,
    stop: Arc<AtomicBool>,
    max: u64,
    count: &AtomicU64,
    touch: &dyn Fn(),
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let Ok(mut out) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while !stop.load(Ordering::Relaxed) && count.load(Ordering::Relaxed) < max {
        let req = match read_request(&mut reader, &stop) {
            Ok(Some(r)) => r,
            _ => return,
        };
        touch();
        count.fetch_add(1, Ordering::Relaxed);
        let reply = handler(&req);
        if let Some(d) = reply.delay {
            std::thread::sleep(d);
        }
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            reply.status,
            reason(reply.status),
            reply.body.len()
        );
        if let Some(r) = reply.retry_after {
            head.push_str(&format!("Retry-After: {r}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        let body = reply.body.as_bytes();
        bytes.extend_from_slice(if reply.drop {
            &body[..body.len() / 2]
        } else {
            body
        });
        if out.write_all(&bytes).is_err() || reply.drop {
            let _ = out.shutdown(std::net::Shutdown::Both);
            return;
        }
        touch();
    }
}

/// Reads one request; `None` at the end of the connection (or when stopped while idle).
fn read_request(
    r: &mut BufReader<TcpStream>,
    stop: &AtomicBool,
) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    // Wait for the request line, noticing the stop flag at each read timeout.
    loop {
        match r.read_line(&mut line) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if stop.load(Ordering::Relaxed) {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e),
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (method, path) = (method.to_string(), path.to_string());
    let mut length = 0usize;
    let mut authorization = None;
    let mut header_bytes = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h)? == 0 {
            return Ok(None);
        }
        header_bytes += h.len();
        if header_bytes > 64 << 10 {
            return Ok(None);
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            let v = v.trim();
            if k.eq_ignore_ascii_case("content-length") {
                length = v.parse().unwrap_or(0).min(64 << 20);
            } else if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.to_string());
            }
        }
    }
    let mut body = vec![0u8; length];
    r.read_exact(&mut body)?;
    Ok(Some(Request {
        method,
        path,
        authorization,
        body: String::from_utf8_lossy(&body).into_owned(),
    }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
