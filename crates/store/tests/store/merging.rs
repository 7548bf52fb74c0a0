//! Merging proposals into a theme's synthesis, and what helps the rapporteur and the panel
//! choose: duplicate suggestions that follow every change, alike proposals across themes, and
//! the lexicon that only a merge the suggestions missed teaches.

use recolte_core::ids::ProposalId;
use recolte_store::{Error, ProposalFilter, Store};

use crate::{capture, first_session, new_store};

#[test]
fn merging_keeps_sources_and_marks_originals() {
    let (_dir, mut store, event) = new_store();
    let sessions = store.sessions(event, Some(8)).unwrap();
    let a = capture(&mut store, sessions[0].id, "Créer une base de retours d'expérience");
    let b = capture(&mut store, sessions[1].id, "Base commune des retours d'expériences");
    let theme_1 = first_session(&store, event, 1);
    let other_theme = capture(&mut store, theme_1, "Autre chose");
    let err = store.merge(event, 8, "x", "", &[a, other_theme], None).unwrap_err();
    assert!(matches!(err, Error::NotInTheme { actual: 1, .. }), "{err}");

    let merged = store
        .merge(event, 8, "Une base commune de retours d'expérience", "", &[a, b, a], Some("Rapporteur 8"))
        .unwrap();
    let synthesis = store.consolidated(event, 8, false).unwrap();
    assert_eq!(synthesis.len(), 1);
    assert_eq!(synthesis[0].sources.len(), 2);
    let proposals = store.proposals(event, &ProposalFilter { theme: Some(8), ..Default::default() }).unwrap();
    assert!(proposals.iter().all(|p| p.merged_into == [merged]));

    // Undoing the merge frees the originals.
    store.set_consolidated_deleted(merged, true).unwrap();
    let proposals = store.proposals(event, &ProposalFilter { theme: Some(8), ..Default::default() }).unwrap();
    assert!(proposals.iter().all(|p| p.merged_into.is_empty()));
}

#[test]
fn the_summary_names_consolidated_proposals_of_different_themes_that_say_the_same_thing() {
    let (_dir, mut store, event) = new_store();
    let mut merged = Vec::new();
    for (theme, title) in [
        (2, "Un glossaire commun de l'innovation publique"),
        (5, "Rédiger un lexique commun de l'innovation publique"),
        (5, "Ouvrir un tiers-lieu pour les agents"),
        (8, "Financer les expérimentations des communes rurales"),
    ] {
        let session = first_session(&store, event, theme);
        let source = capture(&mut store, session, title);
        merged.push(store.merge(event, theme, title, "", &[source], None).unwrap());
    }
    let summary = store.panel_summary(event).unwrap();
    assert_eq!(summary.alike.len(), 1, "{:?}", summary.alike);
    let mut alike = summary.alike[0].consolidated.clone();
    alike.sort();
    let mut expected = vec![merged[0], merged[1]];
    expected.sort();
    assert_eq!(alike, expected);
    assert!(summary.alike[0].reason.contains("glossaire ≈ lexique"), "{}", summary.alike[0].reason);
    // Within one theme it is the rapporteur's business, not the summary's.
    store.set_consolidated_deleted(merged[0], true).unwrap();
    let session = first_session(&store, event, 5);
    let twin = capture(&mut store, session, "Un glossaire commun de l'innovation publique");
    store.merge(event, 5, "Un glossaire commun de l'innovation publique", "", &[twin], None).unwrap();
    assert!(store.panel_summary(event).unwrap().alike.is_empty());
}

#[test]
fn duplicate_suggestions_follow_every_change_from_this_handle_or_another() {
    let (dir, mut app, event) = new_store();
    let mut cli = Store::open(dir.path()).unwrap();
    let session = first_session(&app, event, 2);
    let appli = capture(&mut app, session, "Créer une appli de covoiturage pour les agents");
    let application = capture(&mut app, session, "Créer une application de covoiturage pour les agents");
    let members = |store: &mut Store| -> Vec<Vec<ProposalId>> {
        store.suggest_duplicates(event, 2).unwrap().into_iter().map(|s| s.proposals).collect()
    };
    assert_eq!(members(&mut app), vec![vec![appli, application]]);
    assert_eq!(members(&mut app), vec![vec![appli, application]], "asked again, nothing changed");

    // Another handle on the store (the sync engine, the command line) adds a third one.
    let third = capture(&mut cli, session, "Une appli de covoiturage pour les agents");
    assert_eq!(members(&mut app).concat().len(), 3, "the other handle's proposal is suggested");

    // And sets one aside: it leaves the suggestions.
    cli.set_proposal_aside(third, Some(recolte_core::schema::SetAsideReason::ExactDuplicate)).unwrap();
    assert_eq!(members(&mut app), vec![vec![appli, application]]);

    // Another theme is another question.
    assert!(members(&mut app).iter().all(|group| group.len() == 2));
    assert_eq!(app.suggest_duplicates(event, 3).unwrap(), Vec::new());
    assert_eq!(members(&mut app), vec![vec![appli, application]]);
}

#[test]
fn only_a_merge_the_suggestions_missed_teaches_the_lexicon() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let appli = capture(&mut store, session, "Créer une appli de covoiturage pour les agents");
    let application = capture(&mut store, session, "Créer une application de covoiturage pour les agents");
    let glossaire = capture(&mut store, session, "Une gazette");
    let lexique = capture(&mut store, session, "Un bulletin");
    assert!(store.suggest_duplicates(event, 2).unwrap().iter().all(|s| !s.proposals.contains(&glossaire)));

    let (_, learned) = store.merge_and_learn(event, 2, "Covoiturage", "", &[appli, application], None).unwrap();
    assert_eq!(learned, Vec::new(), "suggested together: nothing to learn");
    let (_, learned) = store.merge_and_learn(event, 2, "Glossaire", "", &[glossaire, lexique], None).unwrap();
    assert_eq!(learned, vec![("bulletin".to_owned(), "gazette".to_owned())]);
    let lexicon = store.triage(event, 2).unwrap().lexicon;
    assert!(lexicon.iter().any(|e| (e.a.as_str(), e.b.as_str()) == ("bulletin", "gazette")), "{lexicon:?}");
}
