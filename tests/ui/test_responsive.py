"""The window never waits longer than 100 ms in normal use: opening, checking, editing, saving,
switching files, on the sample and on a generated 5,000-example file.

A 10 ms heartbeat timer on the GUI thread measures the longest gap between its ticks beyond those
10 ms; any wait or long piece of work on that thread shows up as such a gap. The time the thread was ready to run but
waited for a core is taken out of each gap (where Linux tells: desktop_app/core/run_queue.py):
these tests share a busy machine, and the scheduler's delays are not the app's. The app runs in a
process of its own, built as `finetune-studio` builds it (responsive_run.py says why).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.dataset.templates import sample_path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LIMIT_MS = 100


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 realistic examples (about 10 MB: checked in processes, searched on disk)."""
    path = tmp_path_factory.mktemp("responsive") / "generated.jsonl"
    script = REPO / "benchmarks" / "generate_dataset.py"
    run = [sys.executable, str(script), "--examples", "5000", "--out", str(path)]
    subprocess.run(run, check=True, capture_output=True)
    return path


def test_the_window_never_waits_long(tmp_path: Path, generated: Path) -> None:
    sample = tmp_path / "brand_voice.jsonl"
    sample.write_bytes(sample_path().read_bytes())
    again = tmp_path / "brand_voice_again.jsonl"
    again.write_bytes(sample_path().read_bytes())
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [sys.executable, str(HERE / "responsive_run.py"), str(sample), str(generated), str(again)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["longest_ms"] <= LIMIT_MS, f"{figures['longest_ms']} ms while {figures['step']}"
    for path in (sample, generated, again):  # every file was saved with its edit
        assert b"Edited while the heartbeat listens." in path.read_bytes(), path.name
