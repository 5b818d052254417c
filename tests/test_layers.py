"""The core stays Qt-free: importing every core module pulls in no Qt at all."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import desktop_app.core

REPO = Path(__file__).resolve().parent.parent


def core_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(desktop_app.core.__path__, prefix="desktop_app.core.")
    ]


def test_core_has_modules_to_check() -> None:
    assert "desktop_app.core.dataset.records" in core_modules()


def test_importing_the_whole_core_loads_no_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == ""
