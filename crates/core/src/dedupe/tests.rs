use super::*;

fn candidate(title: &str, body: &str) -> Candidate {
    Candidate { id: ProposalId::new(), title: title.into(), body: body.into() }
}

#[test]
fn accents_case_plurals_elisions_and_the_lexicon_meet() {
    assert_eq!(stems("Former les Élus"), stems("formations des élus"));
    assert_eq!(stems("des décideurs"), stems("les élus"));
    assert_eq!(stems("une appli"), stems("l'application"));
    assert_eq!(stems("la DRH"), stems("les ressources humaines"));
    assert_eq!(stems("de l'open data"), stems("ouvrir les données"));
}

#[test]
fn decomposed_accents_fold_as_composed_ones() {
    let decomposed = "E\u{301}lus, re\u{301}fe\u{301}rent, cre\u{300}che";
    assert_eq!(fold(decomposed), "elus, referent, creche");
    assert_eq!(stems(decomposed), stems("Élus, référent, crèche"));
}

#[test]
fn the_lexicon_is_folded_and_names_each_phrase_once() {
    let mut seen = std::collections::HashSet::new();
    for (phrase, concept) in LEXICON {
        assert!(seen.insert(*phrase), "{phrase:?} is listed twice: only one of its concepts would count");
        let words: Vec<&str> = phrase.split(' ').collect();
        assert!(words.len() <= LONGEST_PHRASE, "{phrase:?} is longer than the engine looks");
        assert_eq!(fold(phrase), *phrase, "{phrase:?} is not folded");
        assert!(phrase.chars().all(|c| c.is_alphanumeric() || c == ' ') && !phrase.contains("  "), "{phrase:?}");
        assert!(!concept.is_empty() && fold(concept) == *concept, "{concept:?}");
    }
    assert_eq!(stems("un glossaire commun"), stems("un lexique commun"));
    assert_eq!(stems("contre les silos"), stems("contre le décloisonnement"));
}

#[test]
fn a_verb_meets_its_noun_and_a_typo_its_word() {
    assert!(near("simplif", "simplifi"));
    assert!(near("experiment", "experimant"), "one letter wrong");
    assert!(!near("form", "format"), "too short to say");
}

#[test]
fn the_word_that_carries_a_phrase_still_meets_its_concept() {
    // « faire remonter » is « signaler » in the lexicon; « la remontée » still meets it.
    let (a, b) = (candidate("Faire remonter les incidents", ""), candidate("La remontée des incidents", ""));
    let found = suggest(&[a.clone(), b.clone(), candidate("Un annuaire des compétences", "")]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].proposals.contains(&a.id) && found[0].proposals.contains(&b.id));
    assert!(found[0].reason.contains("remontée"), "{}", found[0].reason);
    // A phrase of two meaningful words links neither: « prix de l'innovation » is a prize,
    // and « innovation » alone must not meet every prize.
    assert!(phrase_words().get("innov").is_none_or(|concepts| !concepts.iter().any(|c| c.starts_with("troph"))));
}

#[test]
fn paraphrases_are_grouped_with_their_reason_and_near_misses_are_not() {
    let a = candidate("Former les élus à l'innovation", "");
    let b = candidate("Formation des décideurs aux démarches d'innovation", "");
    let c = candidate("Créer un budget participatif", "");
    let suggestions = suggest(&[a.clone(), b.clone(), c]);
    assert_eq!(suggestions.len(), 1, "{suggestions:?}");
    let mut expected = vec![a.id, b.id];
    expected.sort();
    assert_eq!(suggestions[0].proposals, expected);
    assert!(
        suggestions[0].reason.contains("élus") || suggestions[0].reason.contains("elus"),
        "{}",
        suggestions[0].reason
    );
    assert!(suggestions[0].reason.contains('≈'), "{}", suggestions[0].reason);
}

#[test]
fn the_rapporteurs_teach_it_words_and_what_is_not_a_duplicate() {
    // Two words the lexicon does not know as one.
    let a = candidate("Un almanach de l'innovation", "");
    let b = candidate("Un calendrier de l'innovation", "");
    let theme: Vec<Candidate> = [a.clone(), b.clone()]
        .into_iter()
        .chain(["Mesurer l'innovation", "Financer l'innovation", "Un prix de l'innovation"].map(|t| candidate(t, "")))
        .collect();
    assert!(suggest(&theme).is_empty(), "no shared word says almanach ≈ calendrier");
    assert_eq!(learned_pairs(&[a.clone(), b.clone()]), [("almanach".to_owned(), "calendrier".to_owned())]);
    let knowledge = Knowledge { lexicon: learned_pairs(&[a.clone(), b.clone()]), ..Default::default() };
    let found = suggest_knowing(&theme, &knowledge, THRESHOLD);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].reason.contains("almanach ≈ calendrier"), "{}", found[0].reason);
    let dismissed = Knowledge { not_duplicates: [(a.id.min(b.id), a.id.max(b.id))].into_iter().collect(), ..knowledge };
    assert!(suggest_knowing(&theme, &dismissed, THRESHOLD).is_empty(), "dismissed, not suggested again");
}

#[test]
fn a_merge_of_titles_about_different_things_teaches_nothing_and_two_words_pair_in_order() {
    let learned = |a: &str, b: &str| learned_pairs(&[candidate(a, ""), candidate(b, "")]);
    // One word in common for two that differ on each side: not a paraphrase; it taught
    // former ≈ manque, former ≈ temps, manque ≈ élus, temps ≈ élus, for the whole event.
    assert_eq!(learned("Former les élus à la documentation", "Manque de temps pour documenter"), []);
    // Two against two, said alike otherwise: paired in their order, not crossed.
    let pairs = learned("Former les maraîchers au grimoire en mairie", "Former les jardiniers au vademecum en mairie");
    assert_eq!(
        pairs,
        [("grimoire".to_owned(), "vademecum".to_owned()), ("jardiniers".to_owned(), "maraîchers".to_owned())],
        "{pairs:?}"
    );
    // One word for two: a phrase, each of its words.
    let pairs = learned("Un almanach pour les agents", "Un calendrier partagé pour les agents");
    assert_eq!(
        pairs,
        [("almanach".to_owned(), "calendrier".to_owned()), ("almanach".to_owned(), "partagé".to_owned())],
        "{pairs:?}"
    );
}

#[test]
fn a_stock_sentence_in_every_body_does_not_make_one_group() {
    // 24 different proposals whose bodies all repeat the same sentences.
    let topics = [
        "un jardin partagé",
        "la rénovation des écoles",
        "le covoiturage des agents",
        "les horaires d'accueil",
        "un fablab",
        "la cantine bio",
        "les archives numériques",
        "le télétravail",
        "un budget participatif",
        "la signalétique",
        "les marchés publics",
        "le tri des déchets",
    ];
    let candidates: Vec<Candidate> = topics
        .iter()
        .flat_map(|t| {
            [
                candidate(&format!("Lancer {t}"), "À tester d'abord dans deux ou trois collectivités volontaires."),
                candidate(&format!("Évaluer {t} chaque année"), "Proposition portée par tout le sous-groupe."),
            ]
        })
        .collect();
    let suggestions = suggest(&candidates);
    assert!(suggestions.iter().all(|s| s.proposals.len() <= MAX_GROUP), "{suggestions:?}");
    assert!(suggestions.len() <= 12, "no chain of everything: {}", suggestions.len());
}
