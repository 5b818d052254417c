"""Entry point of the frozen app: the same `main()` as the `finetune-studio` command.

`multiprocessing.freeze_support()` comes first: the file analysis uses worker processes, which
on Windows and macOS ("spawn") start this same executable; without it each would open the app.

Windowed builds (Windows, macOS) start with sys.stdout and sys.stderr set to None (STYLE.md P12);
a stray print or a library writing a warning would then raise. Give them a sink first.
"""

from __future__ import annotations

import os
import sys


def _ensure_streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    import multiprocessing

    _ensure_streams()
    multiprocessing.freeze_support()
    from desktop_app.app import main

    sys.exit(main())
