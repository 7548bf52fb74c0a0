//! Errors of the domain, told to users in French or English.

use crate::bundle::BundleError;
use crate::lang::{Lang, Localize};
use crate::programme::Problem;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the programme has {} problem(s):\n{}", .0.len(), list(.0, Lang::En))]
    InvalidProgramme(Vec<Problem>),
    #[error("malformed {what} id: {value:?}")]
    MalformedId { what: &'static str, value: String },
    #[error("malformed document name: {0:?}")]
    MalformedDocName(String),
    #[error("unknown kind {0:?}: use proposal, concrete_action, obstacle or question")]
    UnknownKind(String),
    #[error("unknown status {0:?}: use draft, retained or set_aside")]
    UnknownStatus(String),
    #[error("no proposal with id {0}")]
    UnknownProposal(String),
    #[error("no sub-group with id or name {0:?} in this session")]
    UnknownSubgroup(String),
    #[error("no consolidated proposal with id {0}")]
    UnknownConsolidated(String),
    #[error("no comment with id {0}")]
    UnknownComment(String),
    #[error("unknown reason {0:?} to set a proposal aside: use off_topic, exact_duplicate or other")]
    UnknownSetAsideReason(String),
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

fn list(problems: &[Problem], lang: Lang) -> String {
    problems.iter().map(|p| format!("  - {}", p.localize(lang))).collect::<Vec<_>>().join("\n")
}

impl Localize for Error {
    fn localize(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Error::InvalidProgramme(problems) => {
                format!(
                    "le programme comporte {} problème(s), rien n'a été importé :\n{}",
                    problems.len(),
                    list(problems, lang)
                )
            }
            Error::MalformedId { what, value } => {
                format!("identifiant de {} mal formé : « {value} »", french(what))
            }
            Error::MalformedDocName(name) => format!("nom de document mal formé : « {name} »"),
            Error::UnknownKind(kind) => {
                format!("type « {kind} » inconnu : utilisez proposition, action, frein ou question")
            }
            Error::UnknownStatus(status) => {
                format!("statut « {status} » inconnu : utilisez brouillon, retenue ou écartée")
            }
            Error::UnknownProposal(id) => format!("aucune proposition n'a l'identifiant {id}"),
            Error::UnknownSubgroup(id) => format!("aucun sous-groupe « {id} » dans cette session"),
            Error::UnknownConsolidated(id) => {
                format!("aucune proposition consolidée n'a l'identifiant {id}")
            }
            Error::UnknownComment(id) => format!("aucun commentaire n'a l'identifiant {id}"),
            Error::UnknownSetAsideReason(reason) => format!(
                "raison « {reason} » inconnue pour mettre une proposition de côté : utilisez off_topic (hors sujet), exact_duplicate (doublon exact) ou other (autre)"
            ),
            Error::Bundle(e) => e.localize(lang),
        }
    }
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

impl Localize for BundleError {
    fn localize(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (BundleError::NotABundle, _) => "ce fichier n'est pas un paquet Récolte".into(),
            (BundleError::UnsupportedVersion(v), _) => {
                format!("ce paquet utilise la version {v} du format, que cette version de Récolte ne lit pas : mettez Récolte à jour")
            }
            (BundleError::Truncated, _) => "le paquet est tronqué (copie interrompue ?)".into(),
            (BundleError::Corrupted, _) => "le paquet est corrompu (sa somme de contrôle ne correspond pas)".into(),
            (BundleError::Malformed(detail), _) => format!("le paquet est mal formé : {detail}"),
            (BundleError::InvalidUpdate { doc, reason }, _) => {
                format!("le document {doc} du paquet contient une mise à jour invalide : {reason}")
            }
            (BundleError::ForeignDocument { doc }, _) => {
                format!("le document {doc} du paquet appartient à un autre événement")
            }
        }
    }
}
