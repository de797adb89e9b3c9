//! A real SMTP server on loopback that records every message it accepts. Latch talks to it
//! exactly as it would to Postfix: over TCP, with lettre's SMTP client.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The whole message as sent after `DATA` (headers and body, dot-unstuffed).
    pub data: String,
}

/// Recipients containing this are refused with a permanent `550` (an unknown mailbox).
pub const UNKNOWN_MAILBOX: &str = "unknown";

#[derive(Clone)]
pub struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    running: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
    /// How long the server takes to accept a message after its data (a slow server), in ms.
    delay_ms: Arc<AtomicU64>,
    /// Messages whose data has arrived and that the server has not accepted yet.
    accepting: Arc<AtomicUsize>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding SMTP port");
        let server = Self {
            port: listener.local_addr().unwrap().port(),
            received: Arc::new(Mutex::new(Vec::new())),
            running: Arc::new(Mutex::new(None)),
            delay_ms: Arc::default(),
            accepting: Arc::default(),
        };
        server.serve(listener);
        server
    }

    fn serve(&self, listener: TcpListener) {
        let (sink, delay) = (self.received.clone(), self.delay_ms.clone());
        let accepting = self.accepting.clone();
        let task = tokio::spawn(async move {
            // Sessions live in this set: stopping the server drops them all.
            let mut sessions = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let (sink, delay, accepting) = (sink.clone(), delay.clone(), accepting.clone());
                sessions.spawn(serve_session(stream, sink, delay, accepting));
            }
        });
        *self.running.lock().unwrap() = Some(task);
    }

    /// The server goes away: open connections are cut and new ones refused.
    pub async fn stop(&self) {
        if let Some(task) = self.running.lock().unwrap().take() {
            task.abort();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    /// The server comes back on the same port.
    pub async fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("rebinding the SMTP port");
        self.serve(listener);
    }

    /// From now on, each message is accepted only `delay` after its data arrived.
    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// How many messages are being sent right now: their data has arrived, and the server
    /// has not yet answered (see [`SmtpServer::set_delay`]).
    pub fn accepting(&self) -> usize {
        self.accepting.load(Ordering::Relaxed)
    }

    /// Waits up to `timeout` until a message is being accepted; true when one is.
    pub async fn wait_until_accepting(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.accepting() == 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits up to `timeout` for at least `count` messages.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mails = self.received();
            if mails.len() >= count || tokio::time::Instant::now() >= deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn serve_session(
    stream: TcpStream,
    sink: Arc<Mutex<Vec<ReceivedMail>>>,
    delay_ms: Arc<AtomicU64>,
    accepting: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    // Reply at once, as real servers do (Nagle's delay would dominate every timing here).
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    writer.write_all(b"220 localhost test SMTP\r\n").await?;
    let mut mail = ReceivedMail {
        from: String::new(),
        to: Vec::new(),
        data: String::new(),
    };
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-localhost\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            mail = ReceivedMail {
                from: address_in(&line),
                to: Vec::new(),
                data: String::new(),
            };
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") && line.contains(UNKNOWN_MAILBOX) {
            b"550 5.1.1 No such user here\r\n"
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(address_in(&line));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            writer
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            while let Some(data_line) = lines.next_line().await? {
                if data_line == "." {
                    break;
                }
                let unstuffed = data_line.strip_prefix('.').unwrap_or(&data_line);
                mail.data.push_str(unstuffed);
                mail.data.push('\n');
            }
            let delay = delay_ms.load(Ordering::Relaxed);
            accepting.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(delay)).await;
            // Recorded even if the client has gone meanwhile: like a real server, which has
            // taken the message once its data is complete.
            sink.lock().unwrap().push(mail.clone());
            accepting.fetch_sub(1, Ordering::Relaxed);
            b"250 OK: queued\r\n"
        } else if upper == "QUIT" {
            writer.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if upper.starts_with("RSET") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        writer.write_all(reply).await?;
        writer.flush().await?;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), writer.shutdown()).await;
    Ok(())
}

fn address_in(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
