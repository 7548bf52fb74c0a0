//! Tauri commands: each takes the state, parses its arguments, calls one core function and
//! maps the error. No SQL, no business rules here.

pub mod app;
pub mod capture;
pub mod closing;
pub mod export;
pub mod files;
pub mod history;
pub mod hub;
pub mod organisation;
pub mod panel;
pub mod sync;
pub mod synthesis;

use std::str::FromStr;

use recolte_core::Localize;

use crate::error::ApiError;
use crate::state::AppState;

/// Parses an id (or a kind, a status…) sent by the UI.
pub(crate) fn parse<T>(state: &AppState, text: &str) -> Result<T, ApiError>
where
    T: FromStr<Err = recolte_core::Error>,
{
    text.parse().map_err(|e: recolte_core::Error| ApiError::invalid(e.localize(state.lang())))
}

/// What a live-saved field showed before the typing being saved (a card's or a wording's title
/// and text): the store rebases the typing onto the text as it is now, so a colleague's words
/// that arrived meanwhile stay. Absent: the field showed what the store holds.
#[derive(serde::Deserialize, Default, ts_rs::TS)]
pub struct TextBases {
    #[serde(default)]
    #[ts(optional)]
    pub title_base: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub body_base: Option<String>,
}
