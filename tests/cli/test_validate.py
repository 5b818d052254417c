"""`ftstudio validate`: the readable report, the JSON report, exit codes and plain errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.tokens.stats import compute_stats

Run = Callable[..., Any]  # the ftstudio fixtures in conftest.py
REPO = Path(__file__).resolve().parents[2]
HOSHINO = "yangzhijiany_hoshino_cat__example.jsonl"
DPO = "microsoft-foundry_fine-tuning__Sample_Datasets_Direct_Preference_Optimization_orca_dpo_pairs_validation.jsonl"
TOY = "openai_openai-cookbook__examples_data_toy_chat_fine_tuning.jsonl"


def lines_of(examples: int, start: int = 0) -> str:
    return "".join(
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": f"Q{i}?"},
                    {"role": "assistant", "content": f"A{i}."},
                ]
            }
        )
        + "\n"
        for i in range(start, start + examples)
    )


def test_clean_file_exits_0(ftstudio: Run, tmp_path: Path) -> None:
    path = tmp_path / "clean.jsonl"
    path.write_text(lines_of(60), encoding="utf-8")
    ran = ftstudio("validate", path, "--no-voice")  # voice: test_voice_cli.py
    assert ran.code == 0, ran.out
    assert "Ready to train. No problems found." in ran.out
    assert ran.err == ""


def test_warnings_alone_exit_0(ftstudio: Run, realworld_dir: Path) -> None:
    ran = ftstudio("validate", realworld_dir / DPO, "--no-voice")
    assert ran.code == 0, ran.out
    assert "Ready to train. 1 warning and 0 notes worth a look." in ran.out
    assert "284 examples (0 chat, 284 preference pairs)" in ran.out
    assert "line 143: The preferred reply still says “[Customer rating]”" in ran.out
    assert ran.err == ""


def test_errors_exit_1_with_a_grouped_report(ftstudio: Run, realworld_dir: Path) -> None:
    ran = ftstudio("validate", realworld_dir / HOSHINO)
    assert ran.code == 1
    out = ran.out
    assert (
        out.index("Result:")
        < out.index("Tokens:")
        < out.index("Errors (1)")
        < out.index("Warnings")
    )
    assert "1 error to fix before training" in out
    assert "line 36: Message 3 is an empty assistant reply" in out
    assert "(in the app: Write the reply)" in out
    assert "[empty_reply]" in out and "Traceback" not in out


def test_json_report_shape(ftstudio: Run, realworld_dir: Path) -> None:
    ran = ftstudio("validate", realworld_dir / HOSHINO, "--json")
    assert ran.code == 1
    data = json.loads(ran.out)
    assert {"examples", "errors", "warnings", "problems", "tokens", "estimate"} <= set(data)
    assert data["examples"] == 37 and data["errors"] == 1
    assert data["warnings"] == sum(1 for p in data["problems"] if p["severity"] == "warning")
    [empty] = [p for p in data["problems"] if p["code"] == "empty_reply"]
    assert empty["line"] == 36 and empty["severity"] == "error" and empty["message_index"] == 2
    assert empty["message"].startswith("Message 3")
    for problem in data["problems"]:
        assert {"line", "severity", "code", "message"} <= set(problem)
        assert problem["severity"] in ("error", "warning", "info")
    stats = compute_stats(Dataset.open(realworld_dir / HOSHINO))
    assert stats.tokens is not None and data["tokens"]["total"] == stats.tokens.total
    assert set(data["tokens"]["per_example"]) == {
        "count",
        "total",
        "min",
        "max",
        "mean",
        "median",
        "p10",
        "p90",
    }
    assert (
        data["estimate"]["epochs"] == 3
        and data["estimate"]["trained_tokens"] == 3 * stats.tokens.total
    )
    assert data["estimate"]["cost_usd"] > 0


def test_tokens_total_counts_every_readable_example(ftstudio: Run, realworld_dir: Path) -> None:
    data = json.loads(
        ftstudio(
            "validate", realworld_dir / "BradHeff_Python-AI-Model-Trainer__mydata.jsonl", "--json"
        ).out
    )
    assert data["examples"] == 84 and data["broken_lines"] == 31 and data["blank_lines"] == 1
    assert data["tokens"]["per_example"]["count"] == 84


def test_missing_file_exits_2(ftstudio: Run, tmp_path: Path) -> None:
    ran = ftstudio("validate", tmp_path / "nope.jsonl")
    assert ran.code == 2 and ran.out == ""
    assert ran.err.startswith("“nope.jsonl” could not be found.")
    assert "Traceback" not in ran.err


def test_folder_exits_2(ftstudio: Run, tmp_path: Path) -> None:
    ran = ftstudio("validate", tmp_path, "--json")
    assert ran.code == 2 and ran.out == "" and "is a folder" in ran.err


def test_empty_file(ftstudio: Run, tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    ran = ftstudio("validate", path, "--json")
    data = json.loads(ran.out)
    assert ran.code == 1 and data["examples"] == 0 and data["tokens"]["total"] == 0
    assert data["estimate"] is None
    assert [p["code"] for p in data["problems"]] == ["too_few_examples"]


def test_validation_file_overlap(ftstudio: Run, tmp_path: Path) -> None:
    training, validation = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    training.write_text(lines_of(60))
    validation.write_text(lines_of(5, start=58))
    data = json.loads(ftstudio("validate", training, "--validation", validation, "--json").out)
    assert [(p["code"], p["line"]) for p in data["problems"]] == [
        ("in_validation_file", 59),
        ("in_validation_file", 60),
    ]


def test_unknown_model_is_a_note(ftstudio: Run, realworld_dir: Path) -> None:
    ran = ftstudio("validate", realworld_dir / TOY, "--model", "my-model", "--json")
    assert "does not know the model “my-model”" in ran.err
    assert json.loads(ran.out)["estimate"] is None


def test_all_lists_every_problem(ftstudio: Run, realworld_dir: Path) -> None:
    path = realworld_dir / "Danielcreux_Entrenamiento-IA__training_data.jsonl"
    short, full = ftstudio("validate", path), ftstudio("validate", path, "--all")
    assert "… and 91 more" in short.out and "add --all" in short.out
    assert full.out.count("line ") >= 96 and "more" not in full.out


def test_big_file_on_several_processes_matches_one(tmp_path: Path) -> None:
    """A 5 MB file goes through the worker processes; the report is the same as in one."""
    path = tmp_path / "big.jsonl"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "generate_dataset.py"),
            "--examples",
            "2500",
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    assert path.stat().st_size > 4 * 1024 * 1024

    def validate(*extra: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app.cli", "validate", str(path), "--json", *extra],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    parallel, single = validate("--jobs", "2"), validate("--jobs", "1")
    assert parallel["voice"] is not None  # the voice checks ran in both, and agree
    parallel, single = validate("--jobs", "2", "--no-voice"), validate("--jobs", "1", "--no-voice")
    assert parallel == single
    assert parallel["examples"] == 2500 and parallel["errors"] == 0
    assert parallel["tokens"]["total"] > 500_000
    assert {p["code"] for p in parallel["problems"]} <= {"email_address", "reply_whitespace"}
