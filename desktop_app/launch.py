"""The `finetune-studio` command: imports the app only when it runs.

Kept light on purpose. The checker and search processes are spawned, and a spawned child first
imports the module the app was started from (as `__mp_main__`): from here that costs nothing,
where `desktop_app.app` would load Qt into every child (measured: 0.14 s of CPU each, just when
a file opens and the window needs the cores; 46 MB → 17 MB per search process).
"""

from __future__ import annotations


def main() -> int:
    from desktop_app.app import main as run

    return run()
