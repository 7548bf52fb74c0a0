//! One window per data folder. A second start on the same folder (an invitation link clicked
//! while Récolte is open: the system starts `recolte-app recolte://join?…`) hands its link to
//! the window already open, which comes to the front and shows the join dialog, and exits. Per
//! folder rather than per user, because a folder is a device: two folders on one computer are
//! two devices (as the tests run them). The way in is a socket in the data folder, which only
//! its owner can write to. Unix only; elsewhere each start opens a window of its own.
#![cfg_attr(not(unix), allow(unused_imports, unused_variables))]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

const SOCKET: &str = "app.socket";

/// What a start found.
#[derive(Debug)]
pub enum Start {
    /// No window is open on this folder: this start opens it, and listens for the next ones.
    First(Option<Listener>),
    /// A window is open on this folder and has the link: this start has nothing left to do.
    Handed,
}

#[derive(Debug)]
pub struct Listener {
    #[cfg(unix)]
    socket: std::os::unix::net::UnixListener,
    path: PathBuf,
}

#[cfg(unix)]
pub fn claim(dir: &Path, link: Option<&str>) -> Start {
    use std::os::unix::net::{UnixListener, UnixStream};
    let path = dir.join(SOCKET);
    if let Ok(mut stream) = UnixStream::connect(&path) {
        // The open window answers once it has the link; a window that is closing does not.
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(3)));
        let mut answer = String::new();
        if writeln!(stream, "{}", link.unwrap_or("")).is_ok()
            && BufReader::new(&stream).take(16).read_line(&mut answer).is_ok()
            && answer.trim() == "ok"
        {
            return Start::Handed;
        }
    }
    // Nobody answers: a socket left by a window that crashed or is closing, or none.
    let _ = std::fs::remove_file(&path);
    Start::First(UnixListener::bind(&path).ok().map(|socket| Listener { socket, path }))
}

#[cfg(not(unix))]
pub fn claim(_dir: &Path, _link: Option<&str>) -> Start {
    Start::First(None)
}

impl Listener {
    /// Brings the window to the front for each later start, with its link if it had one.
    pub fn serve(self, app: AppHandle) {
        #[cfg(unix)]
        std::thread::spawn(move || {
            for mut stream in self.socket.incoming().flatten() {
                // A caller that never says its line must not hold the door for the next ones.
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut line = String::new();
                if BufReader::new(&stream).take(8192).read_line(&mut line).is_err() {
                    continue;
                }
                let link = line.trim().to_owned();
                let Some(window) = app.get_webview_window("main") else { continue };
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
                let _ = writeln!(stream, "ok");
                if link.starts_with("recolte://") {
                    *app.state::<AppState>().pending_link.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(link.clone());
                    let _ = app.emit("invitation-link", link);
                }
            }
        });
    }

    /// The socket file, to remove when the window closes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
