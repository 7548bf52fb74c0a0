//! Errors of the store. Each keeps its cause and says, in French or English, what the user
//! can do about it. Whatever the error, the transaction was rolled back: nothing that was
//! saved before is lost or changed.

use std::path::PathBuf;

use recolte_core::ids::EventId;
use recolte_core::schema::DocName;
use recolte_core::{Lang, Localize};
use rusqlite::ErrorCode;

use crate::undo::UndoAction;

#[derive(Debug, thiserror::Error, Localize)]
#[localize(then = with_advice)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] recolte_core::Error),
    #[error(transparent)]
    Token(recolte_core::token::TokenError),
    #[error("this device does not hold the signing key of the event “{0}”: only the organiser's device that created the event can invite, issue tokens and revoke")]
    #[fr("cet appareil ne détient pas la clé de signature de l'événement « {0} » : seul l'appareil de l'organisation qui a créé l'événement peut inviter, émettre des jetons et révoquer")]
    NoEventKey(String),
    #[error("invalid validity “{0}”: write for example 12h, 3d or 2w, or “event” (until the end of the day after the event)")]
    #[fr("durée de validité invalide « {0} » : écrivez par exemple 12h, 3d ou 2w, ou « event » (jusqu'à la fin du lendemain de l'événement)")]
    InvalidValidity(String),
    #[error("the event's last day, {0}, is more than 6 months away: an invitation for the event would stay valid that long; make them closer to the event, or choose a length (2w, for instance)")]
    #[fr("le dernier jour de l'événement, le {0}, est à plus de 6 mois : une invitation pour l'événement resterait valable jusque-là ; faites-les plus près de l'événement, ou choisissez une durée (2w, par exemple)")]
    EventTooFar(String),
    #[error("cannot open the store {path}: {source}")]
    #[fr("impossible d'ouvrir le stockage {} : {}", path.display(), sqlite_fr(source))]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("the store {path} is read-only (read-only disk or no permission): nothing can be saved; make its folder writable and try again")]
    #[fr("le stockage {} est en lecture seule (disque en lecture seule ou droits insuffisants) : rien ne peut être enregistré ; rendez son dossier accessible en écriture puis recommencez", path.display())]
    ReadOnly { path: PathBuf },
    #[error("the store {} is open for reading only ({}): nothing was saved; you can still read and export (to a USB key, for instance); {}, then try again", path.display(), why.en(), why.remedy_en())]
    #[fr("le stockage {} n'est ouvert qu'en lecture ({}) : rien n'a été enregistré ; vous pouvez encore lire et exporter (vers une clé USB par exemple) ; {}, puis recommencez", path.display(), why.fr(), why.remedy_fr())]
    OpenForReading { path: PathBuf, why: crate::db::Unwritable },
    #[error("{context}: {source}")]
    #[fr("{context_fr} : {}", sqlite_fr(source))]
    Sqlite { context: &'static str, context_fr: &'static str, source: rusqlite::Error },
    #[error("{} is a file, not a data folder: give a folder (--data-dir, RECOLTE_DATA_DIR)", path.display())]
    #[fr("{} est un fichier, pas un dossier de données : donnez un dossier (--data-dir, RECOLTE_DATA_DIR)", path.display())]
    DataDirIsFile { path: PathBuf },
    #[error("this event cannot be restored: {}; nothing was changed", detail.en)]
    #[fr("cet événement ne peut pas être restauré : {} ; rien n'a été modifié", detail.fr)]
    InvalidRestore { detail: recolte_core::Both },
    #[error("{context} {}: {}", path.display(), recolte_core::lang::io_en(source))]
    #[fr("{context_fr} {} : {}", path.display(), recolte_core::lang::io_fr(source))]
    Io { context: &'static str, context_fr: &'static str, path: PathBuf, source: std::io::Error },
    #[error("applying migration {name}: {source}")]
    #[fr("échec de la migration {name} : {}", sqlite_fr(source))]
    Migration { name: &'static str, source: rusqlite::Error },
    #[error(
        "this store was written by a newer Récolte (schema {found}, this version knows {supported}); update Récolte"
    )]
    #[fr("ce stockage a été écrit par une version plus récente de Récolte (schéma {found}, cette version connaît {supported}) : mettez Récolte à jour")]
    StoreTooNew { found: usize, supported: usize },
    #[error("the store holds no event yet: join one with the invitation you were given (recolte join --invitation LINK), or bring it in a bundle (recolte bundle import FILE); the organisers create it from its programme (recolte event import FILE.json)")]
    #[fr("le stockage ne contient encore aucun événement : rejoignez-en un avec l'invitation reçue (recolte join --invitation LIEN), ou apportez-le dans un paquet (recolte bundle import FICHIER) ; l'organisation crée un événement à partir de son programme (recolte event import FICHIER.json)")]
    NoEvent,
    #[error("the invitation is saved, but the event has not arrived yet: it comes with the first sync with its hub (recolte sync, or the app's sync once the hub answers); nothing else to do")]
    #[fr("l'invitation est enregistrée, mais l'événement n'est pas encore arrivé : il viendra à la première synchronisation avec son serveur (recolte sync, ou la synchronisation de l'app dès que le serveur répondra) ; rien d'autre à faire")]
    EventNotArrivedYet,
    #[error("the store holds several events, say which one with --event: {}", list_events(.0, Lang::En))]
    #[fr("le stockage contient plusieurs événements, précisez lequel avec --event : {}", list_events(_0, Lang::Fr))]
    AmbiguousEvent(Vec<(EventId, String)>),
    #[error("two sub-groups of this session are called “{name}” (made on two devices apart, one renamed meanwhile): name the one meant by its id ({}), or rename one of them; nothing was changed", .ids.join(", "))]
    #[fr("deux sous-groupes de cette session s'appellent « {name} » (créés sur deux appareils séparés, l'un renommé entre-temps) : désignez celui que vous voulez par son identifiant ({}), ou renommez l'un d'eux ; rien n'a été modifié", ids.join(", "))]
    AmbiguousSubgroup { name: String, ids: Vec<String> },
    #[error("{record} belongs to another event than {event}: nothing was changed")]
    #[fr("{record} appartient à un autre événement que {event} : rien n'a été modifié")]
    OtherEvent { record: String, event: String },
    #[error("the store is too damaged to be rebuilt in place (SQLite: {cause}): export a bundle (`recolte bundle export`, which reads the documents only) and import it into a new data folder; nothing was changed")]
    #[fr("le stockage est trop endommagé pour être refait sur place (SQLite : {cause}) : exportez un paquet (`recolte bundle export`, qui ne lit que les documents) et importez-le dans un dossier de données neuf ; rien n'a été modifié")]
    TooDamagedToRebuild { cause: String },
    #[error("the search index is damaged (SQLite: {cause}): `recolte store rebuild` makes it again from the documents, losing nothing (if it cannot: export a bundle and import it into a new data folder)")]
    #[fr(
        "l'index de recherche est endommagé (SQLite : {cause}) : `recolte store rebuild` le refait depuis les documents, sans rien perdre (s'il n'y parvient pas : exportez un paquet et importez-le dans un dossier de données neuf)"
    )]
    SearchIndexDamaged { cause: String },
    #[error("no name to vote with: give this device a name (Settings in the app, `recolte device name NAME`) or the member's (`--member`); nothing was saved")]
    #[fr("aucun nom pour voter : donnez un nom à cet appareil (Réglages dans l'app, `recolte device name NOM`) ou celui du membre (`--member`) ; rien n'a été enregistré")]
    NoVoterName,
    #[error("no event with id {0} in this store")]
    #[fr("aucun événement n'a l'identifiant {0} dans ce stockage")]
    UnknownEvent(String),
    #[error("the event “{0}” is already in this store: restore it into an empty data folder")]
    #[fr("l'événement « {0} » est déjà dans ce stockage : restaurez-le dans un dossier de données vide")]
    EventExists(String),
    #[error("this device holds another event already ({held}): the restored “{name}” would sit beside it, and every command would then have to name its event; nothing was restored (restore it into an empty data folder, or add it beside)")]
    #[fr("cet appareil a déjà un autre événement ({held}) : « {name} », restauré, se mettrait à côté, et chaque commande devrait alors nommer son événement ; rien n'a été restauré (restaurez-le dans un dossier de données vide, ou ajoutez-le à côté)")]
    RestoreBesideAnotherEvent { name: String, held: String },
    #[error("no invitation with id {0} for this event on this device")]
    #[fr("aucune invitation n'a l'identifiant {0} pour cet événement sur cet appareil")]
    UnknownInvitation(String),
    #[error(transparent)]
    Invitation(#[from] recolte_core::invitation::InvitationError),
    #[error("{}", too_many_dots(member, *theme, *limit, *elsewhere, Lang::En))]
    #[fr("{}", too_many_dots(member, *theme, *limit, *elsewhere, Lang::Fr))]
    TooManyDots { member: String, theme: u32, limit: u32, elsewhere: u32 },
    #[error("{dots} dots on one proposal is more than {} each member has for theme {theme}", dots_words(*limit, "the one dot", "the", "dots"))]
    #[fr("{dots} points sur une proposition, c'est plus que {} de chaque membre pour le thème {theme}", dots_words(*limit, "le seul point", "les", "points"))]
    MoreDotsThanTheTheme { dots: u32, theme: u32, limit: u32 },
    #[error("this proposal is merged into {}: undo {} first to set it aside", quoted_titles(titles, Lang::En), if titles.len() > 1 { "those merges" } else { "that merge" })]
    #[fr("cette proposition est fusionnée dans {} : défaites d'abord {} pour la mettre de côté", quoted_titles(titles, Lang::Fr), if titles.len() > 1 { "ces fusions" } else { "cette fusion" })]
    MergedNotSetAside { titles: Vec<String> },
    #[error("“{title}” is set aside: take it back first to merge it; nothing was merged")]
    #[fr("« {title} » est mise de côté : reprenez-la d'abord pour la fusionner ; rien n'a été fusionné")]
    SetAsideNotMerged { title: String },
    #[error("the session's clock is not running (before its start, or after its end): nothing to pause, resume, extend or skip; nothing was changed")]
    #[fr("l'horloge de la session ne tourne pas (avant son début, ou après sa fin) : rien à mettre en pause, reprendre, prolonger ni passer ; rien n'a été changé")]
    ClockNotRunning,
    #[error("the session's clock was started already and runs (phase “{phase}”): pause it, extend it or go to the next phase; nothing was changed")]
    #[fr("l'horloge de la session a déjà été démarrée et tourne (phase « {phase} ») : mettez-la en pause, prolongez-la ou passez à la phase suivante ; rien n'a été changé")]
    ClockStarted { phase: String },
    #[error("the session's clock has moved on to the phase “{phase}” meanwhile (the phase's time ran out, or another device went on to the next): nothing was extended; extend this phase if it needs more time")]
    #[fr("l'horloge de la session est passée entre-temps à la phase « {phase} » (le temps de la phase était écoulé, ou un autre appareil est passé à la suivante) : rien n'a été prolongé ; prolongez cette phase si elle a besoin de plus de temps")]
    ClockMovedOn { phase: String },
    #[error("no phase {phase} in the session's run-sheet: it has {count}, numbered from 0 as `recolte session clock` gives phase_index; nothing was changed")]
    #[fr("pas de phase {phase} dans le déroulé de la session : il en a {count}, numérotées à partir de 0 comme `recolte session clock` donne phase_index ; rien n'a été changé")]
    UnknownPhase { phase: usize, count: usize },
    #[error("no version {version}: this record has {count} (see recolte history)")]
    #[fr("pas de version {version} : cet enregistrement en a {count} (voir recolte history)")]
    UnknownVersion { version: usize, count: usize },
    #[error("no session with id {0} in this event")]
    #[fr("aucune session n'a l'identifiant {0} dans cet événement")]
    UnknownSession(String),
    #[error("no theme number {0} in this event")]
    #[fr("aucun thème n° {0} dans cet événement")]
    UnknownTheme(u32),
    #[error("proposal {proposal} belongs to theme {actual}, not to theme {theme}")]
    #[fr("la proposition {proposal} appartient au thème {actual}, pas au thème {theme}")]
    NotInTheme { proposal: String, theme: u32, actual: u32 },
    #[error("a facilitator's access must name the sessions they run: this one names none, so its holder could write nowhere")]
    #[fr("un accès d'animation doit nommer les sessions animées : celui-ci n'en nomme aucune, son porteur ne pourrait écrire nulle part")]
    NoSessionGranted,
    #[error("a rapporteur's access must name the themes they consolidate: this one names none, so its holder could write nowhere")]
    #[fr("un accès de rapporteur doit nommer les thèmes consolidés : celui-ci n'en nomme aucun, son porteur ne pourrait écrire nulle part")]
    NoThemeGranted,
    #[error(
        "only a facilitator's access names sessions: this access is of another role, which would silently ignore them"
    )]
    #[fr(
        "seul un accès d'animation nomme des sessions : cet accès est d'un autre rôle, qui les ignorerait sans le dire"
    )]
    SessionsForAnotherRole,
    #[error(
        "only a rapporteur's access names themes: this access is of another role, which would silently ignore them"
    )]
    #[fr(
        "seul un accès de rapporteur nomme des thèmes : cet accès est d'un autre rôle, qui les ignorerait sans le dire"
    )]
    ThemesForAnotherRole,
    #[error("this bundle is of another event, “{name}”, which this device does not hold (it holds: {held}): nothing was imported; that event can be added beside this device's")]
    #[fr("ce paquet est celui d'un autre événement, « {name} », que cet appareil n'a pas (il a : {held}) : rien n'a été importé ; cet événement peut être ajouté à côté de celui de cet appareil")]
    BundleOfAnotherEvent { name: String, held: String },
    #[error("this bundle is of another event with the same name, “{name}”: its programme was imported separately on another device, so they are two events (a device joins an event with an invitation, not by importing its programme again); nothing was imported; it can be added beside this device's as an event of its own")]
    #[fr("ce paquet est celui d'un autre événement qui porte le même nom, « {name} » : son programme a été importé à part sur un autre appareil, ce sont donc deux événements (un appareil rejoint un événement par une invitation, pas en important de nouveau son programme) ; rien n'a été importé ; il peut être ajouté à côté de celui de cet appareil, comme un événement à part")]
    BundleOfAnotherEventSameName { name: String },
    #[error("this bundle is of the event “{name}”, but signed with another key: one of the two was restored from its open data; a restored event is an archive and does not merge with the original; nothing was imported (open it in an empty data folder)")]
    #[fr("ce paquet est celui de l'événement « {name} », mais signé d'une autre clé : l'un des deux a été restauré depuis ses données ouvertes ; un événement restauré est une archive, qui ne se fusionne pas avec l'original ; rien n'a été importé (ouvrez-le dans un dossier de données vide)")]
    BundleOfAnotherKey { name: String },
    #[error("{} must be between {} and {} ({value} given)", .what.en(), .what.range().start(), .what.range().end())]
    #[fr("{} doit être entre {} et {} ({value} donné)", what.fr(), what.range().start(), what.range().end())]
    OutOfRange { what: Setting, value: i64 },
    #[error("“{0}” and itself: a pair of the lexicon is two different words")]
    #[fr("« {0} » et lui-même : une paire du lexique, ce sont deux mots différents")]
    SameWord(String),
    #[error("“{0}” has no letter nor digit: the duplicate suggestions compare words; nothing was saved")]
    #[fr(
        "« {0} » n'a ni lettre ni chiffre : les suggestions de doublons comparent des mots ; rien n'a été enregistré"
    )]
    NoLetterInWord(String),
    #[error("“not duplicates” is said of two proposals or more")]
    #[fr("« pas des doublons » se dit d'au moins deux propositions")]
    OneProposal,
    #[error("a merge needs at least one proposal: tick the ones it brings together; nothing was merged")]
    #[fr("une fusion réunit au moins une proposition : cochez celles qu'elle rassemble ; rien n'a été fusionné")]
    NothingToMerge,
    #[error("this session already has a sub-group called “{0}”: give this one another name")]
    #[fr("cette session a déjà un sous-groupe « {0} » : donnez un autre nom à celui-ci")]
    SubgroupExists(String),
    #[error("the merge that made “{0}” was undone by the theme's rapporteur: it is no longer before the panel, and cannot be voted, marked, commented or worded")]
    #[fr("la fusion qui a donné « {0} » a été défaite par le rapporteur du thème : elle n'est plus soumise au panel, et ne peut plus être votée, marquée, commentée ni reformulée")]
    UndoneMerge(String),
    #[error(
        "the proposal “{0}” was deleted in its session: take it out of the selection (or have it restored), then merge"
    )]
    #[fr("la proposition « {0} » a été supprimée dans sa session : retirez-la de la sélection (ou faites-la restaurer), puis fusionnez")]
    DeletedProposal(String),
    #[error("the proposal “{0}” is deleted: bring it back first (Annuler after its deletion, or `recolte proposal restore ID`), then one of its versions; nothing was changed")]
    #[fr("la proposition « {0} » est supprimée : faites-la d'abord revenir (Annuler après sa suppression, ou `recolte proposal restore ID`), puis l'une de ses versions ; rien n'a été changé")]
    DeletedNotReworded(String),
    #[error("a {} cannot be empty", .0.en())]
    #[fr("le champ {} ne peut pas être vide", _0.fr())]
    Empty(Field),
    #[error("a {} holds at most {longest} characters, this one has {length}: nothing was saved", .field.en())]
    #[fr("le champ {} tient en {} caractères au plus, celui-ci en a {} : rien n'a été enregistré", field.fr(), french_number(*longest), french_number(*length))]
    TooLong { field: Field, longest: usize, length: usize },
    #[error("the setting {key} of this device cannot be read ({reason}): it was left as it is and nothing was changed (Récolte wrote it: please report it with this message)")]
    #[fr("le réglage {key} de cet appareil est illisible ({reason}) : il est laissé tel quel et rien n'a été modifié (Récolte l'a écrit : merci de signaler ce message)")]
    CorruptSetting { key: String, reason: String },
    #[error("document {doc}: the stored update #{seq} cannot be read ({reason}); the store is damaged: in a new data folder, import a bundle from another device of the event")]
    #[fr("document {doc} : la mise à jour enregistrée n° {seq} est illisible (données altérées) ; le stockage est endommagé : dans un dossier de données neuf, importez un paquet d'un autre appareil de l'événement")]
    CorruptLog { doc: String, seq: i64, reason: String },
    #[error("nothing to {} {}: {}", action_en(*.action), place_en(.doc), match (*.action, *.compacted) {
        (UndoAction::Undo, false) => "no change made on this device is left to undo (changes from other devices are theirs to undo)",
        (UndoAction::Undo, true) => "no change made on this device is left to undo; the store was compacted (recolte store compact) and changes made before that cannot be undone one by one any more: a snapshot taken before them restores them (recolte snapshot list)",
        (UndoAction::Redo, _) => "nothing was undone since the last change",
    })]
    #[fr("{}", nothing_to_fr(*action, doc, *compacted))]
    NothingTo {
        action: UndoAction,
        doc: DocName,
        /// A compaction folded this document's log: what was made before it is no longer a step.
        compacted: bool,
    },
    #[error("no version at {0}: the record did not exist yet on this device")]
    #[fr("aucune version à {0} : l'enregistrement n'existait pas encore sur cet appareil")]
    NoVersionYet(String),
    #[error("{0:?} is not a moment: write 15:30, 2025-10-01 15:30, or 2025-10-01T15:30:00+02:00")]
    #[fr("« {0} » n'est pas un moment : écrivez 15:30, 2025-10-01 15:30 ou 2025-10-01T15:30:00+02:00")]
    BadMoment(String),
    #[error("no snapshot {0} on this device (see recolte snapshot list)")]
    #[fr("aucun instantané {0} sur cet appareil (voir recolte snapshot list)")]
    UnknownSnapshot(String),
    #[error("the invitation this device syncs with ({}) does not let it write {}: the hub would refuse the change, so it would never be shared; nothing was saved (ask the organisers for an invitation that covers it)", .role.label(Lang::En), place_en(.doc))]
    #[fr("l'invitation avec laquelle cet appareil se synchronise ({}) ne lui permet pas d'écrire {} : le serveur refuserait ce changement, qui ne serait jamais partagé ; rien n'a été enregistré (demandez à l'équipe d'organisation une invitation qui le couvre)", role.label(Lang::Fr), place_fr(doc))]
    OutOfRights { doc: DocName, role: recolte_core::access::Role },
    #[error("{} holds nothing yet on this device: there is nothing to take a snapshot of", doc_en(.0))]
    #[fr("{} ne contient encore rien sur cet appareil : il n'y a rien à photographier", doc_fr(_0))]
    NothingToSnapshot(DocName),
}

fn action_en(action: UndoAction) -> &'static str {
    match action {
        UndoAction::Undo => "undo",
        UndoAction::Redo => "redo",
    }
}

fn place_en(doc: &DocName) -> &'static str {
    match doc {
        DocName::Event(_) => "in the programme",
        DocName::Session(..) => "in this session",
        DocName::Synthesis(..) => "in this theme's synthesis",
        DocName::Panel(_) => "in the panel",
    }
}

fn place_fr(doc: &DocName) -> &'static str {
    match doc {
        DocName::Event(_) => "dans le programme",
        DocName::Session(..) => "dans cette session",
        DocName::Synthesis(..) => "dans la synthèse de ce thème",
        DocName::Panel(_) => "au panel",
    }
}

/// A member asked for more dots on a proposal than they have left for its theme: how many they
/// gave elsewhere, and how many may still go here (they gave them all: one must be taken back).
fn too_many_dots(member: &str, theme: u32, limit: u32, elsewhere: u32, lang: Lang) -> String {
    let left = limit.saturating_sub(elsewhere);
    match (lang, left) {
        (Lang::Fr, 0) => format!(
            "{member} a déjà donné {} du thème {theme} : retirez-en d'abord un à une autre proposition",
            dots_words(limit, "son point", "ses", "points")
        ),
        (Lang::En, 0) => format!(
            "{member} has given {} of theme {theme} already: take one back from another proposal first",
            dots_words(limit, "their one dot", "their", "dots")
        ),
        (Lang::Fr, _) => format!(
            "{member} a donné {elsewhere} de ses {limit} points du thème {theme} à d'autres propositions : {} au plus sur celle-ci, ou retirez-en d'abord ailleurs",
            dots_words(left, "un point", "", "points").trim_start()
        ),
        (Lang::En, _) => format!(
            "{member} has given {elsewhere} of their {limit} dots of theme {theme} to other proposals: {} at most on this one, or take some back elsewhere first",
            dots_words(left, "one dot", "", "dots").trim_start()
        ),
    }
}

/// Dots in words: `one` for a single dot ("son point"), else "`before` N `after`" ("ses 3
/// points"): "ses 1 points" is not French.
fn dots_words(limit: u32, one: &str, before: &str, after: &str) -> String {
    if limit == 1 {
        one.to_owned()
    } else {
        format!("{before} {limit} {after}")
    }
}

/// A document in words, for a message (its name is the ids the log keeps).
fn doc_fr(doc: &DocName) -> String {
    match doc {
        DocName::Event(_) => "le programme de l'événement".to_owned(),
        DocName::Session(_, session) => format!("la session {session}"),
        DocName::Synthesis(_, theme) => format!("la synthèse du thème {theme}"),
        DocName::Panel(_) => "le document du panel".to_owned(),
    }
}

fn doc_en(doc: &DocName) -> String {
    match doc {
        DocName::Event(_) => "the event's programme".to_owned(),
        DocName::Session(_, session) => format!("session {session}"),
        DocName::Synthesis(_, theme) => format!("the synthesis of theme {theme}"),
        DocName::Panel(_) => "the panel's document".to_owned(),
    }
}

/// Titles in the reader's quotation marks, joined as a sentence says them.
fn quoted_titles(titles: &[String], lang: Lang) -> String {
    let quoted: Vec<String> = titles
        .iter()
        .map(|title| match lang {
            Lang::Fr => format!("« {title} »"),
            Lang::En => format!("“{title}”"),
        })
        .collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            let and = if lang == Lang::Fr { "et" } else { "and" };
            format!("{} {and} {last}", rest.join(", "))
        }
        _ => quoted.concat(),
    }
}

/// Each event with its name and, since two can bear the same (the same programme imported on
/// two organisers' laptops), when it was made, on this device's clock.
fn list_events(events: &[(EventId, String)], lang: Lang) -> String {
    let made = |id: &EventId| {
        let at = id.created_at().map(|at| recolte_core::moment::local_moment(&at, None)).unwrap_or_default();
        match lang {
            Lang::Fr => format!(", créé le {at}"),
            Lang::En => format!(", made on {at}"),
        }
    };
    events.iter().map(|(id, name)| format!("{id} ({name}{})", made(id))).collect::<Vec<_>>().join(", ")
}

impl Error {
    /// Why the store could not write, when that is what failed (a full disk, a read-only
    /// folder): the store may then still be opened for reading, and what was refused may be
    /// written once space is freed.
    pub fn unwritable(&self) -> Option<crate::db::Unwritable> {
        use crate::db::Unwritable;
        match self {
            Error::ReadOnly { .. } => Some(Unwritable::ReadOnly),
            // Opened for reading because of it: the same cause, still there.
            Error::OpenForReading { why, .. } => Some(*why),
            _ => match self.sqlite_code()? {
                // (which of a full or a failing disk: asked of the disk, see `db::open_or_read`)
                ErrorCode::DiskFull | ErrorCode::SystemIoFailure => Some(Unwritable::DiskFull),
                ErrorCode::ReadOnly | ErrorCode::PermissionDenied => Some(Unwritable::ReadOnly),
                _ => None,
            },
        }
    }

    /// What SQLite said, for an error that came from it (in its own words, English).
    pub(crate) fn sqlite_cause(&self) -> Option<String> {
        match self {
            Error::Open { source, .. } | Error::Sqlite { source, .. } | Error::Migration { source, .. } => {
                Some(source.to_string())
            }
            _ => None,
        }
    }

    /// Whether SQLite found the file (or an index in it) damaged.
    pub(crate) fn is_corrupt(&self) -> bool {
        matches!(self.sqlite_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
    }

    /// The SQLite error code, if this error came from SQLite.
    fn sqlite_code(&self) -> Option<ErrorCode> {
        match self {
            Error::Open { source, .. } | Error::Sqlite { source, .. } | Error::Migration { source, .. } => {
                source.sqlite_error_code()
            }
            _ => None,
        }
    }

    /// Advice for the conditions a user can fix: full disk, read-only or locked store.
    fn advice(&self, lang: Lang) -> Option<&'static str> {
        Some(match self.sqlite_code()? {
            ErrorCode::DiskFull => lang.pick(
                "le disque est plein : rien n'a été enregistré ; libérez de la place puis recommencez",
                "the disk is full: nothing was saved; free some space and try again",
            ),
            ErrorCode::ReadOnly | ErrorCode::PermissionDenied => lang.pick(
                "le stockage est en lecture seule : rien n'a été enregistré ; vérifiez les droits du dossier de données",
                "the store is read-only: nothing was saved; check the permissions of the data folder",
            ),
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => lang.pick(
                "un autre programme garde le stockage verrouillé ; réessayez dans un instant",
                "another program keeps the store locked; try again in a moment",
            ),
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => lang.pick(
                "ce fichier n'est pas un stockage Récolte lisible (fichier corrompu ou d'un autre programme)",
                "this file is not a readable Récolte store (corrupted, or another program's file)",
            ),
            ErrorCode::SystemIoFailure => lang.pick(
                "le disque ne répond pas comme attendu (plein, retiré ou défaillant) : rien n'a été enregistré ; libérez de la place ou vérifiez le disque, puis recommencez",
                "the disk does not answer as expected (full, removed or failing): nothing was saved; free some space or check the disk, then try again",
            ),
            ErrorCode::CannotOpen => lang.pick(
                "impossible d'ouvrir le fichier ; vérifiez que le dossier de données existe et est accessible",
                "cannot open the file; check that the data folder exists and is accessible",
            ),
            _ => return None,
        })
    }
}

/// What SQLite said, in French: it says it in English only ("database or disk is full"). A
/// case not named here keeps SQLite's words.
/// What SQLite said, in `lang`.
pub(crate) fn sqlite_words(error: &rusqlite::Error, lang: Lang) -> String {
    match lang {
        Lang::Fr => sqlite_fr(error),
        Lang::En => error.to_string(),
    }
}

fn sqlite_fr(error: &rusqlite::Error) -> String {
    let said = match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => "le disque est plein",
        Some(ErrorCode::SystemIoFailure) => "erreur d'entrée-sortie sur le disque",
        Some(ErrorCode::ReadOnly) => "le stockage est en lecture seule",
        Some(ErrorCode::PermissionDenied) => "accès refusé",
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "le stockage est verrouillé par un autre programme"
        }
        Some(ErrorCode::NotADatabase) => "ce fichier n'est pas une base de données",
        Some(ErrorCode::DatabaseCorrupt) => "la base de données est endommagée",
        Some(ErrorCode::CannotOpen) => "impossible d'ouvrir le fichier",
        Some(ErrorCode::OutOfMemory) => "mémoire insuffisante",
        _ => return error.to_string(),
    };
    said.to_owned()
}

/// Puts the advice for a condition the user can fix (full disk, read-only or locked store)
/// first, and what failed after it.
fn with_advice(error: &Error, lang: Lang, text: String) -> String {
    match error.advice(lang) {
        Some(advice) => format!("{advice} ({text})"),
        None => text,
    }
}

fn nothing_to_fr(action: UndoAction, doc: &DocName, compacted: bool) -> String {
    match action {
        UndoAction::Undo if compacted => format!(
            "rien à annuler {} : aucune modification faite sur cet appareil ne reste à annuler ; le stockage a été compacté (recolte store compact) et les modifications d'avant ne s'annulent plus une à une : un instantané pris avant elles les restaure (recolte snapshot list)",
            place_fr(doc)
        ),
        UndoAction::Undo => format!(
            "rien à annuler {} : aucune modification faite sur cet appareil ne reste à annuler (celles des autres appareils ne s'annulent que là-bas)",
            place_fr(doc)
        ),
        UndoAction::Redo => {
            format!("rien à rétablir {} : rien n'a été annulé depuis la dernière modification", place_fr(doc))
        }
    }
}

/// A number in thousands as French writes it (20 000), with a narrow no-break space.
fn french_number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

/// A number a person sets: named in both languages, with the values it may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Dots,
    Priority,
}

impl Setting {
    pub const fn range(self) -> std::ops::RangeInclusive<i64> {
        match self {
            Setting::Dots => 1..=recolte_core::schema::MAX_DOTS_PER_THEME as i64,
            Setting::Priority => 1..=999,
        }
    }

    pub(crate) fn check(self, value: i64) -> Result<(), Error> {
        match self.range().contains(&value) {
            true => Ok(()),
            false => Err(Error::OutOfRange { what: self, value }),
        }
    }

    fn en(self) -> &'static str {
        match self {
            Setting::Dots => "the dots per theme",
            Setting::Priority => "a priority (1 is the first)",
        }
    }

    fn fr(self) -> &'static str {
        match self {
            Setting::Dots => "le nombre de points par thème",
            Setting::Priority => "une priorité (1 est la première)",
        }
    }
}

/// A field a person types: named in both languages in one place, with its longest text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Title,
    Body,
    Name,
    Word,
    Tag,
    Comment,
}

impl Field {
    fn en(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Body => "text",
            Field::Name => "name",
            Field::Word => "word",
            Field::Tag => "tag",
            Field::Comment => "comment",
        }
    }

    fn fr(self) -> &'static str {
        match self {
            Field::Title => "titre",
            Field::Body => "texte",
            Field::Name => "nom",
            Field::Word => "mot",
            Field::Tag => "mot-clé",
            Field::Comment => "commentaire",
        }
    }

    /// The longest text a person types in this field, in characters: far above what a
    /// proposal, a name or a comment needs (Decidim keeps a title to 150). Beyond it, it is a
    /// paste gone wrong, which would travel to every device of the event.
    pub const fn longest(self) -> usize {
        match self {
            Field::Title => 500,
            Field::Body => 20_000,
            Field::Name | Field::Word | Field::Tag => 200,
            Field::Comment => 5_000,
        }
    }
}

/// Adds what was being done to a SQLite error, in both languages.
pub(crate) trait ResultExt<T> {
    fn ctx(self, fr: &'static str, en: &'static str) -> Result<T, Error>;
}

impl<T> ResultExt<T> for Result<T, rusqlite::Error> {
    fn ctx(self, fr: &'static str, en: &'static str) -> Result<T, Error> {
        self.map_err(|source| Error::Sqlite { context: en, context_fr: fr, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_field_is_named_in_the_reader_s_language() {
        assert_eq!(Error::Empty(Field::Comment).localize(Lang::Fr), "le champ commentaire ne peut pas être vide");
        assert_eq!(Error::Empty(Field::Comment).localize(Lang::En), "a comment cannot be empty");
        assert_eq!(Error::Empty(Field::Word).localize(Lang::Fr), "le champ mot ne peut pas être vide");
        let long = Error::TooLong { field: Field::Title, longest: 500, length: 100_000 };
        assert_eq!(
            long.localize(Lang::Fr),
            "le champ titre tient en 500 caractères au plus, celui-ci en a 100\u{202f}000 : rien n'a été enregistré"
        );
        assert_eq!(
            long.localize(Lang::En),
            "a title holds at most 500 characters, this one has 100000: nothing was saved"
        );
    }

    #[test]
    fn each_language_gets_its_own_message_and_wrapped_errors_keep_theirs() {
        // Written once per variant, beside each other: English never falls back to French.
        let key = Error::NoEventKey("e1".into());
        assert!(
            key.localize(Lang::En).starts_with("this device does not hold the signing key"),
            "{}",
            key.localize(Lang::En)
        );
        assert!(key.localize(Lang::Fr).starts_with("cet appareil ne détient pas"));
        let wrapped = Error::Core(recolte_core::Error::UnknownProposal("p1".into()));
        assert_eq!(wrapped.localize(Lang::Fr), "aucune proposition n'a l'identifiant p1");
        assert_eq!(wrapped.localize(Lang::En), "no proposal with id p1");
        let busy = Error::Sqlite {
            context: "saving",
            context_fr: "enregistrement",
            source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None),
        };
        assert!(
            busy.localize(Lang::Fr).starts_with("le disque est plein : rien n'a été enregistré"),
            "{}",
            busy.localize(Lang::Fr)
        );
        assert!(
            busy.localize(Lang::Fr).ends_with("(enregistrement : le disque est plein)"),
            "{}",
            busy.localize(Lang::Fr)
        );
        assert!(busy.localize(Lang::En).starts_with("the disk is full"));
    }
}
