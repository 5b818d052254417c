"""The app's log file rotates like RotatingFileHandler: newest plus three older files."""

from __future__ import annotations

import logging
from pathlib import Path

from desktop_app.core.files.logfile import LogFile


def _record(text: str) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, text, None, None)


def test_a_big_log_moves_aside_when_the_app_starts(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text("old " * 100, encoding="utf-8")
    (tmp_path / "app.log.1").write_text("older", encoding="utf-8")
    (tmp_path / "app.log.3").write_text("oldest", encoding="utf-8")
    LogFile(path, max_bytes=200, backups=3).close()
    assert (tmp_path / "app.log.1").read_text(encoding="utf-8") == "old " * 100
    assert (tmp_path / "app.log.2").read_text(encoding="utf-8") == "older"
    assert not (tmp_path / "app.log.3").exists()  # the oldest is gone
    assert path.read_text(encoding="utf-8") == ""


def test_a_log_that_grows_moves_aside_while_writing(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    handler = LogFile(path, max_bytes=200, backups=3)
    try:
        for number in range(40):
            handler.emit(_record(f"line {number:02d} é " + "x" * 20))
    finally:
        handler.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2", "app.log.3"]
    kept = [
        line
        for name in ("app.log.3", "app.log.2", "app.log.1", "app.log")
        for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()
    ]
    numbers = [int(line.split()[1]) for line in kept]
    assert numbers == list(range(numbers[0], 40)) and numbers[0] > 0  # newest kept, in order
    assert all(len(p.read_bytes()) < 200 + 40 for p in tmp_path.iterdir())
