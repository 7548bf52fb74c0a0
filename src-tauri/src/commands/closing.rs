//! Closing the window. A card's field is saved 300 ms after the typing stops: the window,
//! asked to close, first tells the interface (`closing`), which sends what its fields still
//! hold and says so (`window_close_ready`); then the window goes. It waits for that word
//! [`GRACE`] at most, so an interface that does not answer never keeps it open, and a second
//! request (the close button pressed again) closes it at once.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tauri::{Emitter, Manager};

use crate::error::ApiError;
use crate::state::AppState;

/// How long the window waits for the interface's last saves.
pub const GRACE: Duration = Duration::from_secs(3);

/// The window's close request: held back until the interface has sent its last saves.
pub fn on_window_event(window: &tauri::Window, event: &tauri::WindowEvent) {
    let tauri::WindowEvent::CloseRequested { api, .. } = event else { return };
    let asked_before =
        window.try_state::<AppState>().is_none_or(|state| state.close_asked.swap(true, Ordering::SeqCst));
    if asked_before {
        return;
    }
    api.prevent_close();
    if window.emit("closing", ()).is_err() {
        let _ = window.destroy();
        return;
    }
    let window = window.clone();
    std::thread::spawn(move || {
        std::thread::sleep(GRACE);
        let _ = window.destroy();
    });
}

/// The interface has sent what its fields held: the window goes.
#[tauri::command(async)]
pub fn window_close_ready(window: tauri::Window) -> Result<(), ApiError> {
    window.destroy().map_err(|e| ApiError::invalid(e.to_string()))
}
