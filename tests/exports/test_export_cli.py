"""`ftstudio export`: end to end, in this process and as a real `python -m desktop_app.cli` run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.exports.cases import TARGETS
from tests.exports.validators import VALIDATORS

from desktop_app.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("target", TARGETS)
def test_export_writes_a_valid_folder_and_reports_the_changes(
    target: str, chat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    code, stdout, stderr = run(capsys, "export", chat_file, "--target", target, "--out", out)
    assert code == 0, stderr
    VALIDATORS[target](out)
    assert f"to {out}/" in stdout and "README.md" in stdout and "Next: open" in stdout
    assert "What was changed on the way:" in stderr
    assert "Left out 1 blank line (line 2)." in stderr


def test_validation_file_and_base_model(
    chat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    validation = tmp_path / "valid.jsonl"
    validation.write_text(
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "Hours?"},
                    {"role": "assistant", "content": "9-5."},
                ]
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "export"
    code, stdout, _ = run(
        capsys,
        "export",
        chat_file,
        "--target",
        "axolotl",
        "--out",
        out,
        "--validation-file",
        validation,
        "--base-model",
        "google/gemma-3-1b-it",
    )
    assert code == 0
    rows = VALIDATORS["axolotl"](out)
    assert len(rows["valid"]) == 1 and "and 1 example for validation" in stdout
    assert "google/gemma-3-1b-it" in (out / "config.yml").read_text(encoding="utf-8")


def test_validation_fraction_and_force(
    chat_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    args = ["export", chat_file, "--target", "trl", "--out", out, "--validation-fraction", "25%"]
    assert run(capsys, *args)[0] == 0
    code, _, stderr = run(capsys, *args)
    assert (
        code == 1 and "is not empty" in stderr and "--force" in stderr and "Traceback" not in stderr
    )
    assert run(capsys, *args, "--force")[0] == 0
    assert VALIDATORS["trl"](out)["valid"]


def test_usage_mistakes_and_unreadable_files_are_plain(
    tmp_path: Path, chat_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = run(
        capsys, "export", tmp_path / "missing.jsonl", "--target", "trl", "--out", tmp_path / "o"
    )
    assert code == 2 and "could not be found" in stderr
    code, _, stderr = run(
        capsys, "export", chat_file, "--target", "torchtune", "--out", tmp_path / "o"
    )
    assert code == 2 and "invalid choice" in stderr
    code, _, stderr = run(
        capsys,
        "export",
        chat_file,
        "--target",
        "trl",
        "--out",
        tmp_path / "o",
        "--validation-file",
        chat_file,
        "--validation-fraction",
        "0.1",
    )
    assert code == 2 and "not allowed with" in stderr
    assert not (tmp_path / "o").exists()


def test_preference_pairs_for_mlx_lm_are_refused_in_plain_words(
    preference_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = run(
        capsys, "export", preference_file, "--target", "mlx-lm", "--out", tmp_path / "o"
    )
    assert code == 1
    assert "MLX-LM cannot train on preference pairs" in stderr and "TRL" in stderr


def test_real_command_line_run(chat_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app.cli",
            "export",
            str(chat_file),
            "--target",
            "llama-factory",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    VALIDATORS["llama-factory"](out)
    assert "Traceback" not in done.stderr
