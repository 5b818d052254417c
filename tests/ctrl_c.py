"""Children that a test stops with Ctrl+C (SIGINT).

A test run started in the background (`cmd &`, nohup, some CI runners) inherits SIGINT as
ignored, and a Python started with SIGINT ignored never raises KeyboardInterrupt: the child would
not stop and the test would time out. `interruptible` gives the child Ctrl+C's default back
before it starts, as a terminal would have it.
"""

from __future__ import annotations

import signal


def interruptible() -> None:
    """preexec_fn for subprocess.Popen: SIGINT back to its default in the child."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
