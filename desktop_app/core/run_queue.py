"""How long the calling thread has waited for a core (for measuring the window's stalls).

On a busy machine a thread that is ready to run may wait for the scheduler; that time is not the
app's doing. Linux counts it per thread (`/proc/self/task/<tid>/schedstat`, second field, in
nanoseconds); elsewhere this reports 0, so measurements fall back to plain wall-clock time.
"""

from __future__ import annotations

import threading


def queued_seconds() -> float:
    """Seconds this thread has spent ready to run but waiting for a core (0 where unknown)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0
