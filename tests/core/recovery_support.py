"""A recovery copy as a crash leaves it: written by a process that has ended without cleaning
up (os._exit, as a kill or a power cut ends it), whose lock file the system has let go."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_CRASH = """
import os, sys
from pathlib import Path
from desktop_app.core.dataset import recovery
recovery.write_recovery(Path(sys.argv[1]), [sys.stdin.buffer.read()], original_path=None, review=None)
print(os.getpid(), flush=True)
os._exit(0)  # no atexit: the lock file stays behind, unlocked
"""


def crash_with_copy(file: Path) -> int:
    """Rewrite `file` as the copy of a process that crashed (keeping its data and names);
    returns that process's id."""
    magic, header, data = file.read_bytes().split(b"\n", 2)
    done = subprocess.run(
        [sys.executable, "-c", _CRASH, str(file)], input=data, capture_output=True, check=True
    )
    fields = json.loads(header)
    crashed = json.loads(file.read_bytes().split(b"\n", 2)[1])
    fields["pid"], fields["alive_lock"] = crashed["pid"], crashed.get("alive_lock")
    file.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + data)
    return int(done.stdout)
