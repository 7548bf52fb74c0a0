//! A hub that stops without being told (its handle dropped: the app's « Servir » failing after
//! the start, or a start that fails midway) leaves no thread behind. Its own test binary: the
//! threads of the other tests' hubs would be counted too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use recolte_sync::hub::{self, HubConfig};

/// The threads of this process named `hub-…`.
fn hub_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("hub-"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_dropped_without_stopping_leaves_no_thread_behind() {
    let keys = recolte_core::token::generate_keys().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = HubConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_owned(), vec![keys.public.clone()]);
    let running = hub::start(config).await.unwrap();
    // A thread takes its name from inside itself, once it runs: on a loaded machine `start`
    // can return before it does.
    let deadline = Instant::now() + Duration::from_secs(10);
    while hub_threads() < 2 {
        assert!(Instant::now() < deadline, "the writer and the checkpointer run: {} named", hub_threads());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(running);
    let deadline = Instant::now() + Duration::from_secs(10);
    while hub_threads() > 0 {
        assert!(Instant::now() < deadline, "{} hub threads still run", hub_threads());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A start that fails once its threads would run (the port taken): none is left either.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config = HubConfig::new(taken.local_addr().unwrap(), dir.path().to_owned(), vec![keys.public]);
    assert!(hub::start(config).await.is_err());
    let deadline = Instant::now() + Duration::from_secs(10);
    while hub_threads() > 0 {
        assert!(Instant::now() < deadline, "{} hub threads still run", hub_threads());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
