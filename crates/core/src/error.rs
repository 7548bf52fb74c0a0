//! Errors of the domain, told to users in French or English.

use crate::bundle::BundleError;
use crate::lang::{Lang, Localize};
use crate::programme::Problem;

#[derive(Debug, thiserror::Error, Localize)]
pub enum Error {
    #[error("the programme has {}, nothing was imported:\n{}", Lang::En.count(.0.len(), "problem", "problems"), list(.0, Lang::En))]
    #[fr("le programme comporte {}, rien n'a été importé :\n{}", Lang::Fr.count(_0.len(), "problème", "problèmes"), list(_0, lang))]
    InvalidProgramme(Vec<Problem>),
    #[error("malformed {what} id: {value:?}")]
    #[fr("identifiant de {} mal formé : « {value} »", french(what))]
    MalformedId { what: &'static str, value: String },
    #[error("malformed document name: {0:?}")]
    #[fr("nom de document mal formé : « {0} »")]
    MalformedDocName(String),
    #[error("unknown kind {0:?}: use proposal, concrete_action, obstacle or question")]
    #[fr("type « {0} » inconnu : utilisez proposition, action, frein ou question")]
    UnknownKind(String),
    #[error("unknown status {0:?}: use draft, retained or set_aside")]
    #[fr("statut « {0} » inconnu : utilisez brouillon, retenue ou écartée")]
    UnknownStatus(String),
    #[error("no proposal with id {0}")]
    #[fr("aucune proposition n'a l'identifiant {0}")]
    UnknownProposal(String),
    #[error("the proposal “{0}” is deleted (on this device or another): bring it back to change it (Ctrl+Z or Annuler after its deletion, or `recolte proposal restore ID`); nothing was changed")]
    #[fr("la proposition « {0} » est supprimée (sur cet appareil ou un autre) : faites-la revenir pour la modifier (Ctrl+Z ou Annuler après sa suppression, ou `recolte proposal restore ID`) ; rien n'a été modifié")]
    DeletedNotEdited(String),
    #[error("no sub-group with id or name {0:?} in this session")]
    #[fr("aucun sous-groupe « {0} » dans cette session")]
    UnknownSubgroup(String),
    #[error("no consolidated proposal with id {0}")]
    #[fr("aucune proposition consolidée n'a l'identifiant {0}")]
    UnknownConsolidated(String),
    #[error("no comment with id {0}")]
    #[fr("aucun commentaire n'a l'identifiant {0}")]
    UnknownComment(String),
    #[error("unknown reason {0:?} to set a proposal aside: use off_topic, exact_duplicate or other")]
    #[fr("raison « {0} » inconnue pour mettre une proposition de côté : utilisez off_topic (hors sujet), exact_duplicate (doublon exact) ou other (autre)")]
    UnknownSetAsideReason(String),
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

fn list(problems: &[Problem], lang: Lang) -> String {
    problems.iter().map(|p| format!("  - {}", p.localize(lang))).collect::<Vec<_>>().join("\n")
}

fn french(what: &str) -> &str {
    match what {
        "event" => "l'événement",
        "session" => "session",
        "sub-group" => "sous-groupe",
        "proposal" => "proposition",
        "consolidated proposal" => "proposition consolidée",
        "comment" => "commentaire",
        other => other,
    }
}
