"""Running ftstudio in tests: in this process through main(argv), or as `python -m desktop_app.cli`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.cli.main import main

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def ftstudio(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """Run ftstudio in this process and capture what it prints."""

    def run(*argv: str | os.PathLike[str]) -> Ran:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


@pytest.fixture
def ftstudio_process() -> Callable[..., Ran]:
    """Run `python -m desktop_app.cli` in a child process, from the checkout, without a network."""

    def run(*argv: str | os.PathLike[str], cwd: Path | None = None) -> Ran:
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app.cli", *map(str, argv)],
            cwd=cwd or REPO,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return run
