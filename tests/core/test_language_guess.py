"""The spelling language a dataset's words suggest, chosen among the shipped dictionaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.dataset.language_guess import MIN_WORDS, guess_language, sample_words

REALWORLD = Path(__file__).resolve().parent.parent / "data" / "realworld"


def lines(name: str) -> list[bytes]:
    return (REALWORLD / name).read_bytes().splitlines()[:200]


def chat(user: str, reply: str) -> bytes:
    return json.dumps(
        {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]}
    ).encode()


SPANISH = [
    chat(
        "¿Qué ejercicios básicos recomiendas para principiantes?",
        "Para principiantes recomiendo flexiones de rodillas, sentadillas sin peso y una caminata "
        "rápida de treinta minutos. Lo importante es empezar con baja intensidad y buena técnica.",
    ),
    chat(
        "¿Cuántas veces por semana debo entrenar?",
        "Tres días por semana es suficiente al principio. Descansa un día entre cada sesión y "
        "aumenta el tiempo poco a poco cuando te sientas cómodo.",
    ),
]
FRENCH = [
    chat(
        "Pouvez-vous m'aider à choisir un café pour le matin ?",
        "Bien sûr ! Pour le matin, je vous conseille un mélange doux avec des notes de noisette. "
        "Il se prépare très bien en filtre et reste agréable avec un peu de lait.",
    ),
    chat(
        "Quelle est la meilleure façon de conserver les grains ?",
        "Gardez les grains dans une boîte hermétique, à l'abri de la lumière et de la chaleur, "
        "et moulez seulement la quantité nécessaire juste avant la préparation.",
    ),
]


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("ThePyth0nKid_schornsteinfeger-mangelgenerator__training_data_prepared.jsonl", "de"),
        ("vldrco_Translator-Umbundu-Portuguese__fine_tune.jsonl", "pt"),
        (
            "microsoft-foundry_fine-tuning__Sample_Datasets_Direct_Preference_Optimization_orca_dpo_pairs_validation.jsonl",
            "en",
        ),
        ("BradHeff_Python-AI-Model-Trainer__mydata.jsonl", "en"),
        ("yangzhijiany_hoshino_cat__example.jsonl", "en"),  # Chinese is never underlined
    ],
)
def test_real_files_get_the_dictionary_their_words_need(name: str, language: str) -> None:
    assert guess_language(sample_words(lines(name))) == language


def test_written_examples_in_spanish_and_french() -> None:
    assert guess_language(sample_words(SPANISH)) == "es"
    assert guess_language(sample_words(FRENCH)) == "fr"


def test_too_few_words_or_unreadable_lines_stay_english() -> None:
    few = [chat("Hola", "Buenos días, ¿qué tal?")]
    assert len(sample_words(few)) < MIN_WORDS
    assert guess_language(sample_words(few)) == "en"
    assert sample_words([b'{"messages": [', b"not json", b"[1, 2]"]) == []
    assert guess_language([]) == "en"


def test_the_sample_stops_at_its_limit_and_counts_each_word_once() -> None:
    words = sample_words(SPANISH * 50, limit=10)
    assert len(words) == 10 and len(set(words)) == 10
    assert sample_words(SPANISH * 50) == sample_words(SPANISH)
