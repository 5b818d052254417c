"""The model facts file: what it says, how names resolve, and that it can be swapped without code."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop_app.core.files.resources import resource
from desktop_app.core.models.catalog import (
    DEFAULT_MODEL,
    METHODS,
    ModelDataError,
    base_model_name,
    default_model,
    find_model,
    load_models,
)
from desktop_app.core.tokens.counts import ENCODINGS, encoding_name_for_model


def test_bundled_file_is_dated_and_complete() -> None:
    catalog = load_models()
    assert catalog.checked == date(2026, 12, 7)
    assert catalog.source == resource("models.json")
    ids = [(m.provider, m.id) for m in catalog.models]  # Azure lists OpenAI's ids again
    assert len(ids) == len(set(ids))
    for model in catalog.models:
        assert model.encoding in ENCODINGS
        assert set(model.methods) <= set(METHODS) and model.methods
        assert model.status in ("available", "shut_down", "legacy")
        assert model.label


def test_openai_provider_facts() -> None:
    openai = load_models().provider("openai")
    assert openai.min_examples == 10
    assert openai.recommended_examples == 50
    assert openai.max_file_bytes == 512 * 1024 * 1024
    assert openai.upload_part_bytes == 64 * 1024 * 1024
    assert openai.max_upload_bytes == 8 * 1024**3
    assert openai.no_new_jobs_from == date(2027, 1, 6)
    with pytest.raises(KeyError):
        load_models().provider("nobody")


def test_default_model() -> None:
    assert DEFAULT_MODEL == "gpt-4.1-mini-2025-04-14"
    model = default_model()
    assert model.id == DEFAULT_MODEL
    assert model.training_price_per_million == 5.0
    assert model.supports("supervised") and model.supports("dpo")
    assert not model.supports("vision")


@pytest.mark.parametrize(
    ("model_id", "training", "inference", "price"),
    [
        ("gpt-4o-2024-08-06", 65536, 128000, 25.0),
        ("gpt-4o-mini-2024-07-18", 65536, 128000, 3.0),
        ("gpt-4.1-2025-04-14", 65536, None, 25.0),
        ("gpt-4.1-mini-2025-04-14", 65536, None, 5.0),
        ("gpt-4.1-nano-2025-04-14", 65536, None, 1.5),
        ("gpt-3.5-turbo-0125", 16385, 16385, 8.0),
        ("gpt-3.5-turbo-1106", 16385, 16385, 8.0),
        ("gpt-3.5-turbo-0613", 4096, 16385, 8.0),
        ("davinci-002", None, None, 6.0),
        ("babbage-002", None, None, 0.4),
        ("o4-mini-2025-04-16", None, None, None),
    ],
)
def test_limits_and_prices(
    model_id: str, training: int | None, inference: int | None, price: float | None
) -> None:
    model = find_model(model_id)
    assert model is not None and model.id == model_id
    assert model.training_context == training
    assert model.inference_context == inference
    assert model.training_price_per_million == price


def test_unconfirmed_gpt41_limit_is_said_so() -> None:
    for model_id in ("gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14"):
        model = find_model(model_id)
        assert model is not None and "not confirmed" in model.notes


def test_reinforcement_model_is_priced_per_hour() -> None:
    model = find_model("o4-mini")
    assert model is not None
    assert model.methods == ("reinforcement",)
    assert model.training_price_per_hour == 100.0


def test_vision_on_openais_gpt4o_and_azures_gpt4o_and_gpt41() -> None:
    found = [(m.provider, m.id) for m in load_models().models if m.supports("vision")]
    assert found == [
        ("openai", "gpt-4o-2024-08-06"),
        ("azure", "gpt-4o-2024-08-06"),
        ("azure", "gpt-4.1-2025-04-14"),
    ]


@pytest.mark.parametrize(
    ("model_id", "shutdown"),
    [
        ("gpt-4o-2024-08-06", date(2027, 1, 14)),
        ("gpt-4o-mini-2024-07-18", date(2027, 1, 14)),
        ("gpt-4.1-2025-04-14", date(2027, 1, 14)),
        ("gpt-4.1-mini-2025-04-14", date(2027, 1, 14)),
        ("gpt-4.1-nano-2025-04-14", date(2026, 10, 23)),
        ("o4-mini-2025-04-16", date(2026, 10, 23)),
    ],
)
def test_shutdown_dates(model_id: str, shutdown: date) -> None:
    model = find_model(model_id)
    assert model is not None
    assert model.shutdown_date == shutdown
    assert model.is_shut_down(date(2027, 1, 14))
    if shutdown == date(2026, 10, 23):
        assert model.status == "shut_down" and model.is_shut_down(date(2026, 1, 1))
    else:
        assert model.status == "available"
        assert not model.is_shut_down(date(2026, 11, 25))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"),
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini-2025-04-14"),
        ("GPT-4.1-Mini", "gpt-4.1-mini-2025-04-14"),
        ("  gpt-4o  ", "gpt-4o-2024-08-06"),
        ("gpt-4o-2024-11-20", "gpt-4o-2024-08-06"),  # another dated gpt-4o: same family facts
        ("gpt-3.5-turbo", "gpt-3.5-turbo-0125"),
        ("gpt-3.5-turbo-0613", "gpt-3.5-turbo-0613"),
        ("gpt-4", "gpt-4-0613"),
        ("ft:gpt-4.1-mini-2025-04-14:acme:support-bot:abc123", "gpt-4.1-mini-2025-04-14"),
        ("ft:gpt-4.1-2025-04-14:acme:bot:abc123:ckpt-step-88", "gpt-4.1-2025-04-14"),
        ("ft:gpt-4o-mini:acme::7p4lURel", "gpt-4o-mini-2024-07-18"),
        ("ft:gpt-3.5-turbo-1106:acme::x", "gpt-3.5-turbo-1106"),
        ("o4-mini", "o4-mini-2025-04-16"),
    ],
)
def test_find_model_resolves_names(name: str, expected: str) -> None:
    model = find_model(name)
    assert model is not None and model.id == expected


@pytest.mark.parametrize(
    "name", ["", "   ", "ft:", "gpt-9", "gpt-4-turbo", "claude-3", "gpt-3.5-turbo-0301"]
)
def test_unknown_names(name: str) -> None:
    assert find_model(name) is None


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("ft:gpt-4o-mini-2024-07-18:org:suffix:id", "gpt-4o-mini-2024-07-18"),
        ("ft:gpt-4o-mini-2024-07-18:org:suffix:id:ckpt-step-10", "gpt-4o-mini-2024-07-18"),
        ("gpt-4o", "gpt-4o"),
        (" ft:x:y ", "x"),
        # Azure names a tuned model BASE.ft-JOBID (PROVIDERS.md §2.2)
        ("gpt-4.1-mini-2025-04-14.ft-0123abcd", "gpt-4.1-mini-2025-04-14"),
        ("gpt-4.1.ft-", "gpt-4.1.ft-"),
        (".ft-abc", ".ft-abc"),
    ],
)
def test_base_model_name(name: str, base: str) -> None:
    assert base_model_name(name) == base


def test_every_listed_encoding_agrees_with_the_counter() -> None:
    for model in load_models().models:
        assert encoding_name_for_model(model.id) == model.encoding
        assert encoding_name_for_model(f"ft:{model.id}:org::abc") == model.encoding


# ---- another file, same code --------------------------------------------------------------------
def _bundled_json() -> dict:
    return json.loads(resource("models.json").read_text(encoding="utf-8"))


def test_a_different_file_can_be_loaded(tmp_path: Path) -> None:
    data = _bundled_json()
    data["checked"] = "2027-02-01"
    data["providers"]["openai"]["min_examples"] = 25
    data["models"].append(
        {
            "id": "gpt-6-mini-2027-01-01",
            "family": "gpt-6-mini",
            "aliases": ["gpt-6-mini"],
            "encoding": "o200k_base",
            "training_context": 131072,
            "inference_context": 400000,
            "training_price_per_million": 2.5,
            "methods": ["supervised"],
            "status": "available",
            "shutdown_date": None,
        }
    )
    path = tmp_path / "models.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    catalog = load_models(path)
    assert catalog.checked == date(2027, 2, 1)
    assert catalog.provider().min_examples == 25
    model = find_model("gpt-6-mini", catalog)
    assert model is not None
    assert model.training_context == 131072
    assert model.label == "gpt-6-mini-2027-01-01"  # label falls back to the id
    assert find_model("gpt-6-mini") is None  # the bundled catalogue is untouched


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"checked": "2026-11-25", "providers": {}}', "missing or has the wrong type"),
        (
            '{"checked": "yesterday", "providers": {}, "models": []}',
            "missing or has the wrong type",
        ),
        ("[]", "missing or has the wrong type"),
    ],
)
def test_damaged_file_is_a_plain_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "models.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelDataError) as info:
        load_models(path)
    assert reason in info.value.message
    assert "models.json" in info.value.message
    assert info.value.next_step


@pytest.mark.parametrize(
    ("field", "value"),
    [("training_context", "65k"), ("training_price_per_million", True), ("methods", ["teleport"])],
)
def test_wrong_types_in_a_model_are_refused(tmp_path: Path, field: str, value: object) -> None:
    data = _bundled_json()
    data["models"][0][field] = value
    path = tmp_path / "models.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelDataError):
        load_models(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelDataError) as info:
        load_models(tmp_path / "nope.json")
    assert "could not be read" in info.value.message


def test_default_model_missing_from_a_file(tmp_path: Path) -> None:
    data = _bundled_json()
    data["models"] = [m for m in data["models"] if not m["id"].startswith("gpt-4.1-mini")]
    path = tmp_path / "models.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelDataError):
        default_model(load_models(path))
