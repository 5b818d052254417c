"""The user's preferences: a typed record saved as JSON in the config folder.

Window geometry and recent files live in QSettings (desktop_app.qt.ui_state); everything a user
chooses on purpose lives here, with a schema version and migrations for older files. A settings
file that cannot be read is set aside (renamed), never overwritten blindly, and defaults are used.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.files.folders import config_dir
from desktop_app.core.settings.choices import DEFAULT_MODEL, PROVIDERS

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
FILE_NAME = "settings.json"
THEMES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Preferences:
    model: str = DEFAULT_MODEL  # the model the estimate and the checks use
    provider: str = "openai"  # whose rules the checks follow (provider_rules.PROVIDERS)
    epochs: int | None = None  # None: the provider's automatic choice
    theme: str = "system"  # system, light or dark
    autosave_seconds: float = 3.0  # recovery copy this long after the last edit
    sample_shown: bool = False  # the bundled sample opens on the very first start only
    show_welcome: bool = True  # the welcome screen's "Show this screen when … starts"
    spell_check: bool = True  # Edit ▸ Spelling ▸ Check Spelling
    recent_limit: int = 10
    extra: dict[str, Any] = field(
        default_factory=dict
    )  # keys from newer versions, kept as they are

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {"schema_version": SCHEMA_VERSION, **data, **extra}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preferences:
        data = migrate(dict(data))
        known = {f.name for f in fields(cls)} - {"extra"}
        defaults = cls()
        values: dict[str, Any] = {}
        for name in known:
            if name in data:
                values[name] = _coerce(name, data[name], getattr(defaults, name))
        extra = {k: v for k, v in data.items() if k not in known and k != "schema_version"}
        return replace(defaults, **values, extra=extra)


def _coerce(name: str, value: Any, default: Any) -> Any:
    if name == "epochs":
        return value if isinstance(value, int) and 1 <= value <= 50 else None
    if name == "theme":
        return value if value in THEMES else default
    if name == "provider":  # one a newer version knows would have no checks here
        return value if value in PROVIDERS else default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else default
    if isinstance(default, float):
        return float(value) if isinstance(value, int | float) and 0.5 <= value <= 600 else default
    if isinstance(default, int):
        return value if isinstance(value, int) and not isinstance(value, bool) else default
    if isinstance(default, str):
        return value if isinstance(value, str) and value else default
    return default


def _migrate_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called the model `base_model` and stored autosave in milliseconds."""
    if "base_model" in data and "model" not in data:
        data["model"] = data.pop("base_model")
    if isinstance(data.get("autosave_ms"), int):
        data["autosave_seconds"] = data.pop("autosave_ms") / 1000
    return data


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("schema_version", 1)
    if not isinstance(version, int):
        version = 1
    while version < SCHEMA_VERSION:
        step = _MIGRATIONS.get(version)
        if step is not None:
            data = step(data)
        version += 1
    data["schema_version"] = SCHEMA_VERSION
    return data


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load_preferences(path: Path | None = None) -> Preferences:
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Preferences()
    except OSError:
        log.warning("could not read %s; using default preferences", path)
        return Preferences()
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError:
        _set_aside(path)
        return Preferences()
    return Preferences.from_json(data)


def save_preferences(prefs: Preferences, path: Path | None = None) -> None:
    path = path or settings_path()
    text = json.dumps(prefs.to_json(), indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, [text.encode("utf-8")])


def _set_aside(path: Path) -> None:
    """Keep a damaged settings file for inspection instead of overwriting it."""
    log.warning("settings file %s is damaged; keeping it as .damaged and using defaults", path)
    with contextlib.suppress(OSError):
        path.replace(path.with_name(path.name + ".damaged"))
