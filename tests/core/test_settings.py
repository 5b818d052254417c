"""Preferences: typed, versioned, migrated, and a damaged file is set aside, not overwritten."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.core.models.catalog import DEFAULT_MODEL
from desktop_app.core.settings.preferences import (
    SCHEMA_VERSION,
    Preferences,
    load_preferences,
    save_preferences,
    settings_path,
)


def test_defaults_when_missing(app_home: Path) -> None:
    prefs = load_preferences()
    assert prefs == Preferences()
    assert prefs.model == DEFAULT_MODEL and prefs.theme == "system"


def test_round_trip_keeps_unknown_keys(app_home: Path) -> None:
    prefs = Preferences.from_json({"theme": "dark", "epochs": 4, "from_the_future": [1, 2]})
    save_preferences(prefs)
    data = json.loads(settings_path().read_text())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["from_the_future"] == [1, 2]
    again = load_preferences()
    assert again.theme == "dark" and again.epochs == 4
    assert again.extra == {"from_the_future": [1, 2]}


def test_migrates_version_1(app_home: Path) -> None:
    settings_path().write_text(json.dumps({"base_model": "gpt-4o-2024-08-06", "autosave_ms": 5000}))
    prefs = load_preferences()
    assert prefs.model == "gpt-4o-2024-08-06"
    assert prefs.autosave_seconds == 5.0


def test_bad_values_fall_back_to_defaults(app_home: Path) -> None:
    prefs = Preferences.from_json(
        {
            "schema_version": 2,
            "theme": "purple",
            "epochs": 0,
            "sample_shown": "yes",
            "autosave_seconds": -1,
            "recent_limit": True,
            "provider": "a-provider-from-a-newer-version",
        }
    )
    assert prefs == Preferences()
    assert Preferences.from_json({"provider": "together"}).provider == "together"


def test_damaged_file_is_set_aside(app_home: Path) -> None:
    path = settings_path()
    path.write_text("{not json")
    assert load_preferences() == Preferences()
    assert not path.exists()
    assert path.with_name("settings.json.damaged").read_text() == "{not json"
