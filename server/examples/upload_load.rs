//! Uploads of 10 MB files against a running server: the throughput of one upload at a time,
//! and how far the server's resident memory rises while 20 upload at once (they stream to the
//! spool, so it should hardly move). Run by `scripts/bench-uploads`, which starts a release
//! server on demo data and passes its address and process id.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MB: usize = 1024 * 1024;
const PASSWORD: &str = "velvet orbit harbor lantern";
const SEQUENTIAL: usize = 10;
/// Concurrent uploads, spread over people so each stays within the per-person upload budget.
const CONCURRENT_PEOPLE: [&str; 4] = [
    "demo@gatehouse.test",
    "morgan.avery@gatehouse.test",
    "priya.nair@gatehouse.test",
    "sam.patel@gatehouse.test",
];
const PER_PERSON: usize = 5;

fn token_of(page: &str) -> String {
    let marker = r#"name="csrf-token" content=""#;
    let start = page.find(marker).expect("a CSRF token") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

/// A signed-in client, the customer it made for the run, and its CSRF token.
async fn person(base: &str, email: &str) -> (reqwest::Client, String, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let page = c
        .get(format!("{base}/signin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = c
        .post(format!("{base}/api/accounts/sign_in"))
        .header("x-csrf-token", token_of(&page))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success(),
        "sign-in of {email}: {}",
        res.status()
    );
    let page = c
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = token_of(&page);
    let created: serde_json::Value = c
        .post(format!("{base}/api/customers/create"))
        .header("x-csrf-token", &token)
        .form(&[
            ("name", "Upload bench"),
            ("email", "bench@example.com"),
            ("phone", ""),
            ("company", ""),
            ("tax_id", ""),
            ("notes", ""),
            ("assigned_user_id", ""),
            ("team_id", ""),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = created["id"].as_str().expect("a customer").to_owned();
    (c, customer, token)
}

async fn upload(base: &str, who: &(reqwest::Client, String, String), body: &[u8]) -> Duration {
    let (c, customer, token) = who;
    let part = reqwest::multipart::Part::bytes(body.to_vec()).file_name("scan.pdf");
    let started = Instant::now();
    let res = c
        .post(format!("{base}/files/customers/{customer}"))
        .header("x-csrf-token", token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let status = res.status();
    assert_eq!(
        status.as_u16(),
        201,
        "upload: {}",
        res.text().await.unwrap_or_default()
    );
    started.elapsed()
}

fn rss_of(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("the server's address");
    let pid = args.next().expect("the server's process id");
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend((0..10 * MB - 16).map(|i| (i * 31 % 251) as u8));
    body.extend_from_slice(b"\n%%EOF\n");

    let one = person(&base, "lukas.berg@gatehouse.test").await;
    upload(&base, &one, &body).await;
    let mut times = Vec::new();
    for _ in 0..SEQUENTIAL {
        times.push(upload(&base, &one, &body).await.as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let total: f64 = times.iter().sum();
    println!(
        "one at a time: {SEQUENTIAL} uploads of 10 MB, p50 {:.0} ms, {:.0} MB/s",
        times[SEQUENTIAL / 2] * 1000.0,
        (SEQUENTIAL * 10) as f64 / total
    );

    let mut people = Vec::new();
    for email in CONCURRENT_PEOPLE {
        people.push(Arc::new(person(&base, email).await));
    }
    let before = rss_of(&pid);
    let peak = Arc::new(AtomicU64::new(before));
    let sampler = {
        let (peak, pid) = (peak.clone(), pid.clone());
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_of(&pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let body = Arc::new(body);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for who in &people {
        for _ in 0..PER_PERSON {
            let (who, body, base) = (who.clone(), body.clone(), base.clone());
            tasks.push(tokio::spawn(
                async move { upload(&base, &who, &body).await },
            ));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    sampler.abort();
    let n = CONCURRENT_PEOPLE.len() * PER_PERSON;
    println!(
        "{n} at once: {secs:.1} s, {:.0} MB/s in all; server RSS {:.0} MB before, peak growth {:.1} MB",
        (n * 10) as f64 / secs,
        before as f64 / 1e6,
        peak.load(Ordering::Relaxed).saturating_sub(before) as f64 / 1e6
    );
}
