"""`ftstudio stats`: text and JSON output on real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.tokens.stats import compute_stats

Run = Callable[..., Any]  # the ftstudio fixtures in conftest.py
TOY = "openai_openai-cookbook__examples_data_toy_chat_fine_tuning.jsonl"


def test_stats_json_matches_the_core(ftstudio_process: Run, realworld_dir: Path) -> None:
    path = realworld_dir / TOY
    ran = ftstudio_process("stats", path, "--model", "gpt-3.5-turbo", "--json")
    assert ran.code == 0, ran.err
    data = json.loads(ran.out)
    expected = compute_stats(Dataset.open(path), "gpt-3.5-turbo").to_json()
    assert data == {"file": str(path), **expected}
    assert data["encoding"] == "cl100k_base" and data["examples"] == 5
    assert data["estimate"]["epochs"] == 20
    assert set(data["tokens"]) == {"count", "total", "min", "max", "mean", "median", "p10", "p90"}


def test_stats_text_report(ftstudio: Run, realworld_dir: Path) -> None:
    ran = ftstudio("stats", realworld_dir / "BradHeff_Python-AI-Model-Trainer__mydata.jsonl")
    assert ran.code == 0
    assert "116 lines" in ran.out
    assert "Examples:        84 examples" in ran.out
    assert "Broken lines:    31" in ran.out and "Blank lines:     1" in ran.out
    assert "median" in ran.out and "p10" in ran.out and "p90" in ran.out
    assert "gpt-4.1-mini-2025-04-14" in ran.out and "o200k_base" in ran.out
    assert "Estimate: 3 epochs (automatic)" in ran.out and "$" in ran.out
    assert ran.err == ""


def test_stats_of_preference_pairs(ftstudio: Run, realworld_dir: Path) -> None:
    name = "microsoft-foundry_fine-tuning__Sample_Datasets_Direct_Preference_Optimization_orca_dpo_pairs_validation.jsonl"
    ran = ftstudio("stats", realworld_dir / name, "--json")
    data = json.loads(ran.out)
    assert data["preference_examples"] == 284 and data["chat_examples"] == 0


def test_unknown_model_is_noted_but_counted(ftstudio: Run, realworld_dir: Path) -> None:
    ran = ftstudio("stats", realworld_dir / TOY, "--model", "my-own-model", "--json")
    assert ran.code == 0
    assert "does not know the model “my-own-model”" in ran.err
    data = json.loads(ran.out)
    assert data["estimate"] is None and data["tokens"]["total"] > 0


def test_file_without_examples(ftstudio: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    ran = ftstudio("stats", path)
    assert ran.code == 0 and "No examples to count tokens in." in ran.out


def test_binary_garbage_is_counted_not_crashed(ftstudio_process: Run, tmp_path: Path) -> None:
    path = tmp_path / "garbage.jsonl"
    path.write_bytes(bytes(range(256)) * 20)
    ran = ftstudio_process("stats", path, "--json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["examples"] == 0
