"""Dedupe: a repost (same words, trimmed or with a prefix) and a translation (same numbers in the
same order, same facts, another language) are one report; two independent reports of the same
fact are two, so corroboration is never inflated by a copy nor deflated by a coincidence."""

from __future__ import annotations

from liaison.osint import dedupe

RU = (
    "Жители сообщают, что 12 марта 2024 года через Белгород прошли колонны 1-й гвардейской "
    "танковой армии. По словам очевидцев, 40 танков и 12 эшелонов разгружались на станции весь "
    "день. Местные власти ситуацию не комментируют. В тот же день части 27-й мотострелковой "
    "дивизии прибыли в Валуйки."
)
EN = (
    "Residents report that on 12 March 2024 columns of the 1st Guards Tank Army passed through "
    "Belgorod. According to eyewitnesses, 40 tanks and 12 trains were unloaded at the station all "
    "day. Local authorities do not comment. On the same day elements of the 27th Motor Rifle "
    "Division arrived in Valuyki."
)
OTHER = (
    "Наш корреспондент видел 1-ю гвардейскую танковую армию в Белгороде 12 марта 2024 года; "
    "по его оценке, в городе не меньше 3 батальонов, а на вокзале 7 составов."
)
FACTS = frozenset(
    {(1, "army", "Belgorod", "2024-03-12"), (27, "division", "Valuyki", "2024-03-12")}
)


def _doc(i: str, text: str, lang: str, facts: frozenset = FACTS, order: int = 0) -> dedupe.Doc:
    fp = dedupe.fingerprint(text)
    return dedupe.Doc(i, (order, i), lang, len(text), fp["sig"], fp["numbers"], facts)


def test_repost_and_translation_join_the_original() -> None:
    repost = "РЕПОСТ: " + RU + " Подписывайтесь на канал!"
    head = dedupe.clusters(
        [
            _doc("a", RU, "ru", order=1),
            _doc("b", repost, "ru", order=2),
            _doc("c", EN, "en", order=3),
            _doc("d", OTHER, "ru", frozenset({(1, "army", "Belgorod", "2024-03-12")}), order=4),
        ]
    )
    assert head == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_signature_estimates_jaccard() -> None:
    a = dedupe.signature(RU)
    assert dedupe.jaccard_estimate(a, dedupe.signature(RU)) == 1.0
    assert dedupe.jaccard_estimate(a, dedupe.signature("РЕПОСТ: " + RU)) > 0.8
    assert dedupe.jaccard_estimate(a, dedupe.signature(OTHER)) < 0.2
    assert dedupe.signature("") == dedupe.signature("   ")  # no words: never matches anything


def test_same_language_or_few_numbers_is_not_a_translation() -> None:
    en2 = _doc("x", EN, "ru")  # same numbers, but 'same language' → not a translation test
    assert not dedupe.is_translation(_doc("a", RU, "ru"), en2)
    short_a = _doc("s1", "1-я армия в Белгороде.", "ru")
    short_b = _doc("s2", "The 1st Army in Belgorod.", "en")
    assert not dedupe.is_translation(short_a, short_b)  # too few numbers to tell
    assert dedupe.is_translation(_doc("a", RU, "ru"), _doc("c", EN, "en"))
