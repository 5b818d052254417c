"""`ftstudio split`: two files, counts printed, same result every time, nothing overwritten by surprise."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]  # the ftstudio fixtures in conftest.py


def _write(path: Path, count: int, extra: list[str] | None = None) -> Path:
    lines = [
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": f"Q{i}"},
                    {"role": "assistant", "content": f"A{i}"},
                ]
            }
        )
        for i in range(count)
    ]
    path.write_text("\n".join(lines + (extra or [])) + "\n", encoding="utf-8")
    return path


def test_split_writes_two_files_and_prints_them(ftstudio_process: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "data.jsonl", 50, extra=["", "{broken"])
    ran = ftstudio_process("split", source, "--validation-fraction", "0.2", "--seed", "4")
    assert ran.code == 0, ran.err
    train, validation = tmp_path / "data_train.jsonl", tmp_path / "data_validation.jsonl"
    assert ran.out.splitlines() == [
        f"Training:   {train} (40 examples)",
        f"Validation: {validation} (10 examples)",
    ]
    assert ran.err == "Left out of both files, because blank or not examples: lines 51 and 52.\n"
    assert len(train.read_text().splitlines()) == 40
    assert len(validation.read_text().splitlines()) == 10
    first = (train.read_bytes(), validation.read_bytes())
    again = ftstudio_process(
        "split", source, "--validation-fraction", "20%", "--seed", "4", "--force"
    )
    assert again.code == 0
    assert (train.read_bytes(), validation.read_bytes()) == first


def test_out_dir_is_created(ftstudio: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "data.jsonl", 10)
    out = tmp_path / "parts" / "v1"
    ran = ftstudio("split", source, "--validation-fraction", "0.3", "--out-dir", out)
    assert ran.code == 0, ran.err
    assert (out / "data_train.jsonl").is_file() and (out / "data_validation.jsonl").is_file()


def test_existing_outputs_are_not_replaced_without_force(ftstudio: Run, tmp_path: Path) -> None:
    source = _write(tmp_path / "data.jsonl", 10)
    keep = tmp_path / "data_train.jsonl"
    keep.write_text("my own work\n", encoding="utf-8")
    ran = ftstudio("split", source, "--validation-fraction", "0.3")
    assert ran.code == 1
    assert "already exists" in ran.err and "--force" in ran.err
    assert keep.read_text(encoding="utf-8") == "my own work\n"
    assert not (tmp_path / "data_validation.jsonl").exists()


@pytest.mark.parametrize("share", ["0", "1", "abc", "150%"])
def test_bad_share_is_a_usage_error(ftstudio: Run, tmp_path: Path, share: str) -> None:
    ran = ftstudio("split", _write(tmp_path / "d.jsonl", 4), "--validation-fraction", share)
    assert ran.code == 2
    assert "write it like 0.1 or 10%" in ran.err


def test_too_few_examples(ftstudio: Run, tmp_path: Path) -> None:
    ran = ftstudio("split", _write(tmp_path / "d.jsonl", 1), "--validation-fraction", "0.5")
    assert ran.code == 1
    assert "only one example" in ran.err and "Traceback" not in ran.err


def test_missing_input(ftstudio: Run, tmp_path: Path) -> None:
    ran = ftstudio("split", tmp_path / "none.jsonl", "--validation-fraction", "0.1")
    assert ran.code == 2 and "could not be found" in ran.err
