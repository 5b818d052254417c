"""`ftstudio validate` runs the voice checks: --style, --no-voice, --epochs and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DPO = "microsoft-foundry_fine-tuning__Sample_Datasets_Direct_Preference_Optimization_orca_dpo_pairs_validation.jsonl"


def rows(count: int) -> list[Any]:
    return [
        {
            "messages": [
                {"role": "user", "content": f"Question {i} about topic {i}?"},
                {"role": "assistant", "content": f"We can delve into topic {i} together."},
            ]
        }
        for i in range(count)
    ]


def test_style_file_epochs_and_json(ftstudio: Any, tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows(30)))
    words = tmp_path / "words.txt"
    words.write_text("delve => look\n")
    ran = ftstudio("validate", data, "--style", words, "--epochs", "20", "--json")
    report = json.loads(ran.out)
    assert report["problem_counts"]["banned_phrase"] == 30
    assert report["problem_counts"]["too_many_epochs"] == 1
    assert report["estimate"]["suggested_epochs"] == 3
    fix = next(p for p in report["problems"] if p["code"] == "banned_phrase")["fix"]
    assert fix == {
        "code": "replace_phrase",
        "label": "Replace with “look”",
        "args": ["delve", "look"],
    }
    assert report["voice"]["replies"] == 30
    plain = ftstudio("validate", data, "--no-voice", "--json")
    assert json.loads(plain.out)["voice"] is None


def test_voice_findings_on_a_real_file(ftstudio: Any, realworld_dir: Path) -> None:
    report = json.loads(ftstudio("validate", realworld_dir / DPO, "--json").out)
    counts = report["problem_counts"]
    assert counts.get("teaches_facts", 0) > 0  # general-knowledge answers state facts
    assert 0 < report["voice"]["teaches_facts_share"] < 0.5
    assert report["errors"] == 0


def test_an_unreadable_style_file_is_a_plain_error(ftstudio: Any, tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows(12)))
    ran = ftstudio("validate", data, "--style", tmp_path / "missing.txt")
    assert ran.code == 2 and "could not be read" in ran.err and "Traceback" not in ran.err
