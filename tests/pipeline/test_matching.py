"""The matchers of the links stage (pipeline/matching.py), on names and places from the shipped data."""

from __future__ import annotations

import pytest

from culturegraph.pipeline.matching import (
    Item,
    Thresholds,
    Weights,
    decide,
    distance_m,
    evaluate,
    match,
    name_similarity,
    tokens,
)

MUSEUMS = [
    Item("M1115", ("musée Zadkine",), frozenset({"75056"}), (48.842793, 2.333457)),
    Item("M1103", ("musée Bourdelle",), frozenset({"75056"}), (48.843017, 2.31883)),
    Item("M1116", ("musée de La Poste",), frozenset({"75056"}), (48.84156094062689, 2.3177008959224517)),
    Item("M1107", ("musée Cognacq-Jay,musée du XVIIIe siècle de la ville de Paris",), frozenset({"75056"}),
         (48.857785, 2.361996)),
    Item("M0212", ("musée de Bretagne",), frozenset({"35238"}), (48.105455, -1.674922)),
]


def test_tokens_fold_accents_articles_and_plurals():
    assert tokens("Jardin du musée Zadkine - jardin de sculptures") == (
        "jardin", "muse", "zadkin", "sculptur")
    assert tokens("Musée postal") == tokens("musée des postes")


def test_distinctive_words_weigh_more_than_generic_ones():
    weight = Weights(n for m in MUSEUMS for n in m.names)
    assert weight("zadkin") > weight("muse")
    assert name_similarity("Jardin du musée Zadkine", "musée Zadkine", weight) > 0.8
    assert name_similarity("Musée postal", "musée de La Poste", weight) == 1.0
    assert name_similarity("La poste", "musée de La Poste", weight) > 0.75  # names alone would link it...
    assert name_similarity("Institut suédois", "musée Cognacq-Jay", weight) == 0.0


def test_distance():
    assert distance_m((48.842793, 2.333457), (48.842793, 2.333457)) == 0
    assert 50 < distance_m((48.842793, 2.333457), (48.84326, 2.333457)) < 53  # 0.000467° of latitude


def test_name_place_links_the_museum_and_not_its_neighbour():
    venues = [
        Item("zadkine", ("Musée Zadkine",), frozenset({"75056"}), (48.843, 2.333)),
        Item("la-poste", ("La poste",), frozenset({"75056"}), (48.8667, 2.3333)),  # a post office, 3 km away
        Item("suedois", ("Institut suédois",), frozenset({"75056"}), (48.8583, 2.3625)),  # 59 m from M1107
        Item("frac", ("Frac Bretagne",), frozenset({"35238"}), (48.1333, -1.6667)),
    ]
    results = {(s.subject, s.object): s for s in match("name-place", venues, MUSEUMS)}
    assert results[("zadkine", "M1115")].verdict == "accepted"
    assert results[("la-poste", "M1116")].verdict == "ambiguous"  # same commune, similar name, far: curators
    assert results[("suedois", "M1107")].verdict == "rejected"  # near, but nearness alone never links
    assert results[("suedois", "M1107")].distance_m < 100
    assert results[("frac", "M0212")].verdict in ("ambiguous", "rejected")  # "Bretagne" only, 3 km
    assert not any(s.verdict == "accepted" for s in results.values() if s.subject != "zadkine")


def test_far_objects_of_another_commune_are_not_candidates():
    venue = Item("v", ("musée Zadkine",), frozenset({"35238"}), (48.105, -1.675))
    assert match("name-place", [venue], MUSEUMS) == [] or all(
        s.object != "M1115" for s in match("name-place", [venue], MUSEUMS))


def test_key_and_name_matchers():
    photos = [Item("photo", keys=frozenset({"PA00087673", "PA0000"}))]
    museums = [Item("M5077", keys=frozenset({"PA00087673"})), Item("M0001", keys=frozenset({"PA00000001"}))]
    [link] = match("key", photos, museums)
    assert (link.object, link.score, link.verdict) == ("M5077", 1.0, "accepted")
    communes = [Item("75056", ("Paris",), frozenset({"75014", "75015"})),
                Item("92048", ("Meudon",), frozenset({"92190"}))]
    [found] = match("name", [Item("lieu", ("Paris",), frozenset({"75014"}))], communes)
    assert (found.object, found.verdict) == ("75056", "accepted")


def test_two_objects_as_good_as_each_other_are_ambiguous_not_linked():
    museums = [Item("a", ("musée de la Marine",), frozenset({"x"})),
               Item("b", ("musée de la Marine",), frozenset({"x"}))]
    results = match("name", [Item("v", ("Musée de la marine",), frozenset({"x"}))], museums)
    assert {s.verdict for s in results} == {"ambiguous"}
    assert {s.verdict for s in match("name", [Item("v", ("Musée de la marine",), frozenset({"x"}))], museums,
                                     Thresholds(many=True))} == {"accepted"}


def test_excluded_pairs_are_not_scored():
    venue = Item("zadkine", ("Musée Zadkine",), frozenset({"75056"}), (48.843, 2.333))
    assert not [s for s in match("name-place", [venue], MUSEUMS, exclude=frozenset({("zadkine", "M1115")}))
                if s.object == "M1115"]


def test_decide_keeps_a_few_rejected_candidates_only():
    from culturegraph.pipeline.matching import Scored

    scored = [Scored("s", f"o{i}", 0.1, "name", names=0.1) for i in range(10)]
    assert len(decide(scored, Thresholds(keep_rejected=3))) == 3


def test_evaluate_counts_errors():
    from culturegraph.pipeline.matching import Scored

    results = [Scored("a", "1", 0.9, "name", "accepted"), Scored("b", "2", 0.9, "name", "accepted")]
    ev = evaluate(results, [("a", "1", True), ("b", "2", False), ("c", "3", True), ("d", "4", False)])
    assert (ev.true_positive, ev.false_positive, ev.false_negative, ev.true_negative) == (1, 1, 1, 1)
    assert ev.precision == pytest.approx(0.5) and ev.recall == pytest.approx(0.5)


def test_unknown_matcher_is_refused():
    with pytest.raises(ValueError, match="unknown matcher"):
        match("soundex", [], [])
