"""Window layout and recent files, kept in an INI file beside the preferences (QSettings).

Only things that are not choices (geometry, splitter positions, header widths, recent files) live
here. Lists are stored as JSON text, because QSettings mangles empty lists and None.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from desktop_app.core.files.folders import config_dir

RECENT_KEY = "files/recent"
SCHEME_KEY = "look/system_scheme"
SESSION_FILE_KEY = "session/file"  # the dataset open when the app was closed
SESSION_RECORD_KEY = "session/record"  # and the example selected in it
TRY_MODELS_KEY = "try/models"  # the playground's last models (Endpoint.to_json: never a key)


class UiState:
    def __init__(self, path: Path | None = None, recent_limit: int = 10) -> None:
        self.path = path or (config_dir() / "window.ini")
        self.settings = QSettings(str(self.path), QSettings.Format.IniFormat)
        self.recent_limit = recent_limit

    # ---- layout --------------------------------------------------------------------------
    def save_bytes(self, key: str, value: QByteArray) -> None:
        self.settings.setValue(f"layout/{key}", value)

    def load_bytes(self, key: str) -> QByteArray | None:
        value = self.settings.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # ---- the system's colour scheme at the last start -------------------------------------
    def system_scheme(self) -> str | None:
        """light or dark, as the system said last time; None when not known."""
        value = self.settings.value(SCHEME_KEY)
        return value if value in ("light", "dark") else None

    def save_system_scheme(self, scheme: str) -> None:
        self.settings.setValue(SCHEME_KEY, scheme)

    # ---- the last session: reopened at the next start ----------------------------------------
    def save_session(self, path: Path | None, record: int | None) -> None:
        self.settings.setValue(SESSION_FILE_KEY, str(path.resolve()) if path else "")
        self.settings.setValue(SESSION_RECORD_KEY, -1 if record is None else int(record))

    def last_session(self) -> tuple[Path | None, int | None]:
        """The file open at the last close (None when none was saved) and its selected example."""
        name = self.settings.value(SESSION_FILE_KEY, "")
        stored = self.settings.value(SESSION_RECORD_KEY, -1)
        try:
            record = int(stored) if isinstance(stored, int | str) else -1
        except ValueError:
            record = -1
        path = Path(name) if isinstance(name, str) and name else None
        return path, (record if record >= 0 else None)

    # ---- the playground's last models ---------------------------------------------------------
    def try_models(self) -> list[dict[str, object]]:
        """The models the playground last talked to (one, or two side by side), as saved."""
        raw = self.settings.value(TRY_MODELS_KEY, "[]")
        try:
            items = json.loads(raw) if isinstance(raw, str) else []
        except ValueError:
            items = []
        return [i for i in items if isinstance(i, dict)][:2] if isinstance(items, list) else []

    def save_try_models(self, models: list[dict[str, object]]) -> None:
        self.settings.setValue(TRY_MODELS_KEY, json.dumps(models[:2]))

    # ---- recent files --------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        raw = self.settings.value(RECENT_KEY, "[]")
        try:
            items = json.loads(raw) if isinstance(raw, str) else []
        except ValueError:
            items = []
        return [Path(p) for p in items if isinstance(p, str)][: self.recent_limit]

    def add_recent(self, path: Path) -> list[Path]:
        path = path.resolve()
        items = [p for p in self.recent_files() if p != path]
        items.insert(0, path)
        return self._store(items[: self.recent_limit])

    def remove_recent(self, path: Path) -> list[Path]:
        return self._store([p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self._store([])

    def _store(self, items: list[Path]) -> list[Path]:
        self.settings.setValue(RECENT_KEY, json.dumps([str(p) for p in items]))
        return items

    def sync(self) -> None:
        self.settings.sync()
