"""Where the app keeps its own files (settings, recovery copies, job records, logs).

Everything lives under platformdirs' per-user folders, or under one folder named by the
`FINETUNE_STUDIO_HOME` environment variable (used by tests and by portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "FinetuneStudio"
APP_AUTHOR = "FinetuneStudio"
HOME_ENV = "FINETUNE_STUDIO_HOME"


def _base(kind: str) -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / kind
    getter = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
        "cache": platformdirs.user_cache_dir,
        "logs": platformdirs.user_log_dir,
    }[kind]
    return Path(getter(APP_NAME, APP_AUTHOR))


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Preferences (settings.json)."""
    return _ensure(_base("config"))


def data_dir() -> Path:
    """Job records, the upload cache, provenance copies (jobs.sqlite3, provenance/)."""
    return _ensure(_base("data"))


def recovery_dir() -> Path:
    """Autosaved copies of unsaved work, offered back after a crash."""
    return _ensure(_base("data") / "recovery")


def cache_dir() -> Path:
    return _ensure(_base("cache"))


def log_dir() -> Path:
    return _ensure(_base("logs"))
