"""Spell checking without Qt: what is checked, the dictionaries, the word lists and the sidecar."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.review import ReviewStore, build_sidecar, read_sidecar, write_sidecar
from desktop_app.core.dataset.spelling import (
    LANGUAGES,
    DatasetSpelling,
    ParagraphSpans,
    PersonalDictionary,
    SpellCheck,
    load_speller,
    words_to_check,
)
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.folders import config_dir


def checked(text: str) -> list[str]:
    return [span.word for span in words_to_check(text)]


def test_words_are_found_with_their_positions() -> None:
    text = "Our roaster’s beans, well-roasted."
    spans = words_to_check(text)
    assert [s.word for s in spans] == ["Our", "roaster’s", "beans", "well", "roasted"]
    assert all(text[s.start : s.end] == s.word for s in spans)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("https://exmple.com/pth?q=wrd", []),
        ("www.exmple.org", []),
        ("write to hlep@exmple.com", ["write", "to"]),
        ("run `pip instal` now", ["run", "now"]),
        ("```\ndef fnuction():\n    retrn 1\n```", []),
        ("set my_varible or fooBarr", ["set", "or"]),
        ("open C:\\Usres\\docs or /usr/lcal/bin", ["open", "or"]),
        ("rename fiel.txt", ["rename"]),
        ("Hello {frist_name} <tgg>", ["Hello"]),
        ("NASAA and IBMM", ["and"]),
        ("3rd 10amm mp3s", []),
        ("a b c", []),
    ],
)
def test_urls_emails_code_caps_numbers_are_skipped(text: str, words: list[str]) -> None:
    assert checked(text) == words


def test_misspelled_words_are_found_and_known_ones_pass() -> None:
    check = SpellCheck(load_speller("en"))
    bad = check.misspelled("Our roaster sells freshh coffe every mornign.")
    assert [s.word for s in bad] == ["freshh", "coffe", "mornign"]


def test_language_changes_the_verdict() -> None:
    english, german = SpellCheck(load_speller("en")), SpellCheck(load_speller("de"))
    assert english.is_correct("color") and not german.is_correct("color")
    assert german.is_correct("Farbe") and not english.is_correct("Farbe")


def test_an_english_paragraph_in_another_languages_dataset_is_judged_in_english() -> None:
    """The Umbundu–Portuguese file: its English system prompt was underlined word for word."""
    check = SpellCheck(load_speller("pt"), english=load_speller("en"))
    prompt = (
        "You are an Umbundu to Portuguese and Portuguese to Umbundu translator. If the "
        "translation is not in the data provided then answer based on your knowledge."
    )
    assert [s.word for s in check.misspelled(prompt)] == ["Umbundu", "Umbundu"]
    in_portuguese = [s.word for s in SpellCheck(load_speller("pt")).misspelled(prompt)]
    assert len(in_portuguese) >= 12 and "translator" in in_portuguese  # as it was
    typo = "You are a translater: answer based on your knowledge of the language."
    assert [s.word for s in check.misspelled(typo)] == ["translater"]  # English typos too
    portuguese = "Você é um tradutor: responda com base no seu conhecimento da língua."
    assert check.judge_for(portuguese) == check.is_correct  # Portuguese stays Portuguese
    assert [s.word for s in check.misspelled("Tradutor de palavrass para o inglês.")] == [
        "palavrass"
    ]
    mixed = "Translate the word casa into English, please, and explain it briefly."
    assert check.misspelled(mixed) == []  # the word to translate is right too
    short = "Translate this"  # too few words to tell: the dataset's language judges
    assert check.judge_for(short) is None  # asked again as it grows


def test_a_paragraph_typed_in_english_is_judged_in_english_once_it_says_enough() -> None:
    check = SpellCheck(load_speller("pt"), english=load_speller("en"))
    spans = ParagraphSpans()
    sentence = "Please answer in Portuguese and keep the tone friendly"
    for end in range(1, len(sentence) + 1):  # typed a letter at a time
        typed = sentence[:end]
        found = spans.update(typed, check)
    assert [s.word for s in found] == []
    assert spans.update(typed + " alwayss", check)[-1].word == "alwayss"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_shipped_language_loads(language: str) -> None:
    speller = load_speller(language)
    common = {"en": "house", "es": "casa", "fr": "maison", "de": "Haus", "pt": "casa"}
    assert speller.knows(common[language])
    assert not speller.knows("qxzvbnmw")


def test_suggestions_come_most_frequent_first_in_the_words_case() -> None:
    speller = load_speller("en")
    assert speller.suggestions("coffe")[0] == "coffee"
    assert speller.suggestions("Mornign")[0] == "Morning"  # two edits away
    assert speller.suggestions("qwrtzpsdfgkl", budget_s=0.05) == []  # gives up in time


def test_extra_word_lists_are_accepted() -> None:
    brand = {"brewlab"}
    check = SpellCheck(load_speller("en"), [brand])
    assert check.is_correct("Brewlab")
    assert not SpellCheck(load_speller("en")).is_correct("Brewlab")


def test_personal_dictionary_persists_in_the_config_folder() -> None:
    path = config_dir() / PersonalDictionary.FILE_NAME
    first = PersonalDictionary(path)
    first.add("Kaffeeklatschery")
    first.add("kaffeeklatschery")  # once only
    again = PersonalDictionary(path)
    assert "KAFFEEKLATSCHERY" in again
    assert path.read_text(encoding="utf-8") == "Kaffeeklatschery\n"


def test_dataset_spelling_round_trips_through_the_sidecar(tmp_path: Path) -> None:
    dataset_path = tmp_path / "brand.jsonl"
    spelling = DatasetSpelling(language="de").with_word("Brewlab").with_word("brewlab")
    assert spelling.words == ("Brewlab",)
    write_sidecar(dataset_path, build_sidecar([], [], sections={"spelling": spelling.to_json()}))
    data = read_sidecar(dataset_path)
    assert data is not None
    assert DatasetSpelling.from_json(data["spelling"]) == spelling


def test_a_sidecar_without_spelling_or_entries_is_not_written(tmp_path: Path) -> None:
    dataset_path = tmp_path / "plain.jsonl"
    write_sidecar(dataset_path, build_sidecar([], [], sections={"spelling": {}}))
    assert read_sidecar(dataset_path) is None


def test_review_store_keeps_spelling_and_unknown_sections() -> None:
    store = ReviewStore(Dataset())
    events: list[bool] = []
    store.spelling_changed.connect(lambda: events.append(True))
    store.load({}, [], {"spelling": {"language": "fr", "words": ["Brewlab"]}, "future": {"x": 1}})
    assert store.spelling == DatasetSpelling("fr", ("Brewlab",))
    store.set_spelling(store.spelling.with_language("pt"))
    assert store.to_json()["spelling"] == {"language": "pt", "words": ["Brewlab"]}
    assert store.to_json()["future"] == {"x": 1}  # a newer version's section is never dropped
    assert store.has_data() and len(events) == 2


def test_unknown_language_in_a_sidecar_falls_back_to_the_default() -> None:
    assert DatasetSpelling.from_json({"language": "xx", "words": [3, "ok"]}) == DatasetSpelling(
        None, ("ok",)
    )


_PIECES = [
    "coffe",
    "beans",
    " ",
    "roastd",
    "it's",
    "-",
    "x_y",
    "a.b",
    "3rd",
    "\t",
    "Hous",
    "`",
    "{",
    "}",
    "@",
]


@given(
    st.sampled_from(
        [
            "Our roastr sells fresh coffe beans to the hous next door, it's 3rd time. " * 3,
            "Run `pip instal coffe` then ```brew roastd``` and `mix` beens at x_`y` " * 2,
        ]
    ),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),
            st.integers(min_value=0, max_value=6),
            st.lists(st.sampled_from(_PIECES), max_size=4).map("".join),
        ),
        min_size=1,
        max_size=12,
    ),
)
@settings(max_examples=200, deadline=None)
def test_paragraph_spans_after_edits_equal_a_full_check(
    text: str, edits: list[tuple[int, int, str]]
) -> None:
    """Re-checking only around each change gives the same verdicts as checking everything."""
    check = SpellCheck(load_speller("en"))
    paragraph = ParagraphSpans()
    paragraph.update(text, check)
    for at, removed, inserted in edits:
        at = min(at, len(text))
        text = text[:at] + inserted + text[at + removed :]
        assert paragraph.update(text, check) == check.misspelled(text), text


def test_paragraph_spans_follow_typing_in_the_middle_and_at_the_end() -> None:
    check = SpellCheck(load_speller("en"))
    paragraph = ParagraphSpans()
    text = "good coffe here and roastd beans"
    assert [s.word for s in paragraph.update(text, check)] == ["coffe", "roastd"]
    text = "good coffee here and roastd beans"  # corrected in the middle
    assert [(s.word, s.start) for s in paragraph.update(text, check)] == [("roastd", 21)]
    text += " brwn"  # typed at the end
    assert [s.word for s in paragraph.update(text, check)] == ["roastd", "brwn"]
    text = "x " + text  # typed at the start: later spans move
    assert [(s.word, s.start) for s in paragraph.update(text, check)] == [
        ("roastd", 23),
        ("brwn", 36),
    ]


def test_a_dictionary_that_cannot_be_written_says_so_plainly(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    mine = PersonalDictionary(blocker / PersonalDictionary.FILE_NAME)
    with pytest.raises(UserFacingError) as caught:
        mine.add("Brewlab")
    assert "could not be added to your dictionary" in caught.value.message
    assert "Brewlab" not in mine  # nothing pretends to be saved


def test_chinese_japanese_and_korean_words_are_never_checked() -> None:
    text = "我们今天很好 こんにちは、ありがとう 안녕하세요 Narrator이다 and teh rest café"
    assert [span.word for span in words_to_check(text)] == ["and", "teh", "rest", "café"]


def test_spanish_plurals_and_question_words_are_known_misspellings_are_not() -> None:
    spanish = load_speller("es")
    plurals = "personas años mujeres veces flexiones talones exámenes jóvenes ejercicios ingleses"
    assert [w for w in plurals.split() if not spanish.knows(w)] == []
    assert [w for w in ("Qué", "cómo", "Dónde") if not spanish.knows(w)] == []
    typos = "personaz mujerez flexionez ejerzicios casass quéé"
    assert [w for w in typos.split() if spanish.knows(w)] == []
    assert not load_speller("en").knows("ejercicios")  # the forms are Spanish only
