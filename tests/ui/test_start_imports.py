"""The window's frame is painted before anything heavy is imported (docs/architecture.md, "How
it stays responsive"): the checks, the tokenizer, the network client come after."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "desktop_app.qt.analysis_store",  # 0.18 s of imports: the checks and their store
    "desktop_app.core.analysis",
    "desktop_app.core.checks",
    "desktop_app.core.convert",
    "tiktoken",
    "openai",
)


def test_the_frame_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import desktop_app.app, desktop_app.ui.main_window\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.strip() == "[]"
