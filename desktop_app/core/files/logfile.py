"""The app's log file, kept to a few megabytes: the newest file plus three older ones.

logging.handlers.RotatingFileHandler does the same, but importing logging.handlers pulls in
socket, pickle and queue (about 20 ms before the first window); this is the part the app uses.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path


class LogFile(logging.FileHandler):
    """A UTF-8 log that moves to NAME.1 (NAME.2, … up to `backups`) once it passes `max_bytes`."""

    def __init__(self, path: Path, *, max_bytes: int = 2_000_000, backups: int = 3) -> None:
        self.max_bytes, self.backups = max_bytes, backups
        if path.is_file() and path.stat().st_size >= max_bytes:
            _shift(path, backups)
        super().__init__(path, encoding="utf-8")

    def emit(self, record: logging.LogRecord) -> None:
        stream = self.stream
        if stream is not None and stream.tell() >= self.max_bytes:
            self.acquire()
            try:
                self.close()  # closes the stream; the next emit opens a fresh file
                _shift(Path(self.baseFilename), self.backups)
            finally:
                self.release()
        super().emit(record)


def _shift(path: Path, backups: int) -> None:
    """NAME → NAME.1 → NAME.2 …; the oldest beyond `backups` is deleted."""
    try:
        for number in range(backups, 0, -1):
            older = path.with_name(f"{path.name}.{number}")
            if number == backups:
                older.unlink(missing_ok=True)
            newer = path if number == 1 else path.with_name(f"{path.name}.{number - 1}")
            if newer.exists():
                os.replace(newer, older)
    except OSError:
        pass  # a log that cannot be rotated keeps growing; the app must still start
