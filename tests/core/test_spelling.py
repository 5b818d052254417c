"""Spell checking without Qt: what is checked, the dictionaries, the word lists and the sidecar."""

from __future__ import annotations

import json
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


def test_english_words_are_right_in_a_dataset_in_another_language() -> None:
    """The Umbundu–Portuguese file: its English system prompt was underlined word for word (and
    the Spanish fitness file's "press", "cardio", "curls")."""
    check = SpellCheck(load_speller("pt"), english=load_speller("en"))
    prompt = (
        "You are an Umbundu to Portuguese and Portuguese to Umbundu translator. If the "
        "translation is not in the data provided then answer based on your knowledge."
    )
    assert [s.word for s in check.misspelled(prompt)] == ["Umbundu", "Umbundu"]
    in_portuguese = [s.word for s in SpellCheck(load_speller("pt")).misspelled(prompt)]
    assert len(in_portuguese) >= 12 and "translator" in in_portuguese  # as it was
    typos = "You are a translater. Tradutor de palavrass para o inglês."
    assert [s.word for s in check.misspelled(typos)] == ["translater", "palavrass"]
    english = load_speller("en")
    assert SpellCheck(english, english=english).english is None  # English datasets: one list


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


def test_french_elisions_are_known_and_their_misspellings_are_not() -> None:
    """“c'est”, “l'équipe”, “qu'il”, “n'y”, “jusqu'à” were underlined: the list holds the words,
    not the pairs French joins with an apostrophe."""
    french = SpellCheck(load_speller("fr"), english=load_speller("en"))
    text = (
        "Il n'y a pas de problème, c'est l'équipe qu'il faut contacter jusqu'à midi. "
        "D’accord, j’ai reçu votre commande ; lorsqu'elle arrivera, quelqu'un m'appellera."
    )
    assert [w.word for w in french.misspelled(text)] == []
    assert [w.word for w in french.misspelled("l'équippe c'estt x'est")] == [
        "l'équippe",
        "c'estt",
        "x'est",
    ]
    assert not load_speller("en").knows("l'équipe")  # French elision for French only
    assert load_speller("fr").suggestions("L’équippe")[0] == "L’équipe"  # the small word kept


def test_everyday_product_words_and_brazilian_spellings_are_known() -> None:
    """“Open the app and send a screenshot” had two words underlined, and Brazil's “econômico”
    and “contato” (the list spells as Portugal: económico, contacto) too."""
    english = SpellCheck(load_speller("en"))
    text = "Connect to the Wi-Fi, open the app and send a screenshot from your inbox."
    assert [w.word for w in english.misspelled(text)] == []
    assert [w.word for w in english.misspelled("the appp and a screnshot")] == ["appp", "screnshot"]
    german = SpellCheck(load_speller("de"), english=load_speller("en"))
    assert german.misspelled("Öffnen Sie die App.") == []  # through the English list
    portuguese = load_speller("pt")
    brazil = "contato econômico gênero acadêmico fenômeno tênis Antônio ônibus registro planilha"
    assert [w for w in brazil.split() if not portuguese.knows(w)] == []
    assert [w for w in ["econômicoo", "contatto", "gênerro"] if portuguese.knows(w)] == []
    assert not load_speller("es").knows("econômico")  # Brazil's spelling for Portuguese only


def test_german_words_with_sharp_s_are_known() -> None:
    """Every word with ß was underlined: the lookup casefolded "Straße" to "strasse"."""
    german = load_speller("de")
    words = "regelmäßig Straße groß weiß Fuß heißt Größe"
    assert [w for w in words.split() if not german.knows(w)] == []
    assert not german.knows("regelmässigg")


def test_german_compounds_of_listed_words_are_known() -> None:
    """The chimney sweep's file: Temperaturregelung, Verbrennungsluftzufuhr, Heizkessels… were
    underlined (12 % of its words): the list holds their parts, not every compound."""
    german = load_speller("de")
    compounds = (
        "Temperaturregelung Wärmeisolierung Abgasabführung Gaslecks Brandsicherheit "
        "Funkenschutz Verbrennungsluftzufuhr Kalkablagerungen Heizkessels Brennwerttherme"
    )
    assert [w for w in compounds.split() if not german.knows(w)] == []
    typos = "Wärmeisolirung Abgasabführng Brandsicherheitt Gaslekcs Heizkesel Funkenschuts"
    assert [w for w in typos.split() if german.knows(w)] == []
    assert not load_speller("en").knows("Gaslecks")  # compounds for German only


def test_spanish_verb_forms_are_known_when_their_infinitive_is() -> None:
    """The Spanish fitness file: recomiendo, incluye, enfócate… were underlined (the list holds
    recomendar and incluir, not their forms)."""
    spanish = load_speller("es")
    forms = (
        "recomiendas recomiendo trabaja incluye enfócate aumenta practica asegura combínalo "
        "balanceada quieren modificadas recuerda depende previene caminando dominadas descuides "
        "empieza pide varía usará"
    )
    assert [w for w in forms.split() if not spanish.knows(w)] == []
    typos = "recomiendoo aumentta practicaa caminandoo incluyee qwerta"
    assert [w for w in typos.split() if spanish.knows(w)] == []
    assert not load_speller("pt").knows("recomiendo")  # Spanish forms for Spanish only


def test_spanish_irregular_verbs_and_their_compounds_are_known() -> None:
    """“Su pedido está en camino; hay dos opciones y le enviaremos…”: the list lacks está, hay,
    va, vamos, hemos, tendrá (it holds estar, haber, ir, tener), so such a reply was underlined
    every few words."""
    spanish = load_speller("es")
    forms = (
        "está están estoy estuvo hay hemos han va van voy vamos fueron tendrá habrá hizo puso "
        "digo sé según aún obtuvo mantendrá propuso contiene previene deshizo predijo obtenga "
        "detén propón"
    )
    assert [w for w in forms.split() if not spanish.knows(w)] == []
    typos = "estaa vamoss tendra hizzo obtubo predijeo"
    assert [w for w in typos.split() if spanish.knows(w)] == []
    assert not load_speller("en").knows("tendrá")  # Spanish forms for Spanish only


def test_the_spanish_file_is_mostly_known_after_repair(realworld_dir) -> None:
    from desktop_app.core.convert.opening import plan_for
    from desktop_app.core.dataset.records import Dataset

    plan = plan_for(
        Dataset.open(realworld_dir / "Danielcreux_Entrenamiento-IA__training_data.jsonl")
    )
    check = SpellCheck(load_speller("es"), english=load_speller("en"))
    words = unknown = 0
    for record in plan.records:
        for message in json.loads(record.raw)["messages"]:
            words += len(words_to_check(message["content"]))
            unknown += len(check.misspelled(message["content"]))
    assert unknown / words < 0.08, (unknown, words)  # 28 % before the verb forms
