"""Settings → Keys with a real keyring backend (the conftest's file backend in the test folder),
connection checks against a real practice server, and the key-leak search.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from training_helpers import chat_dataset, make_hub  # type: ignore[import-not-found]

from PySide6.QtCore import Qt

from desktop_app.core.keys import secrets
from desktop_app.core.practice_server import PracticeConfig, PracticeServer
from desktop_app.core.providers.config import config_path
from desktop_app.ui.training.hub import TrainingHub
from desktop_app.ui.training.settings_keys_dialog import KeysDialog, ProviderKeyBox

KEY = "sk-test-LEAKCHECK-7f3a9c2e5b1d4068a7c3"
REVOKED = "sk-revoked-0000000000000000000000dead"
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def server() -> Iterator[PracticeServer]:
    practice = PracticeServer(
        config=PracticeConfig(pace=60, revoked_keys=frozenset({REVOKED}))
    ).start()
    yield practice
    practice.stop()


@pytest.fixture
def keys_hub(qtbot, server: PracticeServer) -> Iterator[TrainingHub]:
    made = make_hub(server)
    yield made
    assert made.shutdown(20_000)
    for kind in ("openai", "compatible"):  # session keys live in the process; forget them
        for account in ("default", f"127.0.0.1:{server.port}"):
            secrets.delete_key(kind, account)


def open_keys(qtbot, hub: TrainingHub) -> KeysDialog:
    dialog = hub.show_keys(None)
    qtbot.addWidget(dialog)
    for box in dialog.boxes.values():
        if box.account is not None:
            qtbot.waitUntil(lambda b=box: b.status is not None, timeout=5_000)
    return dialog


def set_address(qtbot, box: ProviderKeyBox, url: str) -> None:
    box.address.clear()
    qtbot.keyClicks(box.address, url)
    qtbot.mouseClick(box.save_address_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.status is not None and box.account is not None, timeout=5_000)


def type_key(qtbot, box: ProviderKeyBox, key: str, button) -> None:
    qtbot.keyClicks(box.key_edit, key)
    assert box.key_edit.echoMode() == box.key_edit.EchoMode.Password
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert box.key_edit.text() == ""  # the key leaves the widget at once


def files_containing(secret: str, roots: list[Path], skip: set[Path]) -> list[Path]:
    needles = [secret.encode(), base64.b64encode(secret.encode())]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.resolve() not in skip:
                data = path.read_bytes()
                if any(n in data for n in needles):
                    found.append(path)
    return found


def test_set_check_and_remove_a_key(
    qtbot, keys_hub: TrainingHub, server: PracticeServer, isolated_keyring
) -> None:
    dialog = open_keys(qtbot, keys_hub)
    assert "plain, unencrypted file" in dialog.where.text()  # says where keys are kept
    assert not dialog.no_store.isVisible()
    box = dialog.boxes["compatible"]
    assert "Enter the base URL first." in box.status_label.text()
    set_address(qtbot, box, server.base_url)
    assert box.status_label.text() == "No key is set."

    type_key(qtbot, box, KEY, box.save_button)
    qtbot.waitUntil(lambda: box.status is not None and box.status.has_key, timeout=5_000)
    assert box.status_label.text().startswith("sk-…a7c3 — ")
    assert KEY not in box.status_label.text()
    assert secrets.get_key("compatible", f"127.0.0.1:{server.port}") == KEY
    assert box.save_button.text() == "Replace key"

    qtbot.mouseClick(box.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.result_label.text().startswith("✔"), timeout=10_000)
    assert "the key works" in box.result_label.text()
    assert any(r.headers.get("authorization") == f"Bearer {KEY}" for r in server.requests)

    type_key(qtbot, box, REVOKED, box.save_button)  # replace with a key the provider rejects
    qtbot.waitUntil(
        lambda: box.status is not None and box.status.masked == "sk-…dead", timeout=5_000
    )
    qtbot.mouseClick(box.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.result_label.text().startswith("✖"), timeout=10_000)
    assert "Your API key was rejected" in box.result_label.text()
    assert REVOKED not in box.result_label.text()

    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.status is not None and not box.status.has_key, timeout=5_000)
    assert box.status_label.text() == "No key is set."
    assert secrets.get_key("compatible", f"127.0.0.1:{server.port}") is None

    # the address is in the settings, the keys nowhere but the keyring
    assert server.base_url in config_path().read_text(encoding="utf-8")
    keyring_file = Path(isolated_keyring.file_path).resolve()
    roots = [Path(os.environ["FINETUNE_STUDIO_HOME"]), Path(os.environ["XDG_CONFIG_HOME"])]
    assert files_containing(KEY, roots, {keyring_file}) == []
    assert files_containing(REVOKED, roots, {keyring_file}) == []


def test_without_a_password_store_a_key_is_kept_for_this_session_only(
    qtbot, keys_hub: TrainingHub, tmp_path: Path
) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = open_keys(qtbot, keys_hub)
        assert dialog.isVisible() and dialog.no_store.isVisible()
        assert "no password store the app can use" in dialog.no_store_text.text()
        assert "Use for this session only" in dialog.no_store_text.text()
        box = dialog.boxes["openai"]
        assert box.session_button.isVisibleTo(dialog) and not box.save_button.isVisibleTo(dialog)
        type_key(qtbot, box, KEY, box.session_button)
        qtbot.waitUntil(lambda: box.status is not None and box.status.has_key, timeout=5_000)
        assert box.status.source is secrets.KeySource.SESSION
        assert "for this session only" in box.status_label.text()
        assert secrets.get_key("openai") == KEY
    finally:
        keyring.set_keyring(previous)
    assert files_containing(KEY, [tmp_path, Path(os.environ["XDG_CONFIG_HOME"])], set()) == []


def test_a_key_from_the_environment_is_shown_and_never_stored(
    qtbot, keys_hub: TrainingHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    dialog = open_keys(qtbot, keys_hub)
    box = dialog.boxes["openai"]
    assert box.status.source is secrets.KeySource.ENVIRONMENT
    assert "environment variable OPENAI_API_KEY (not stored)" in box.status_label.text()
    assert KEY not in box.status_label.text()
    assert not box.remove_button.isEnabled()
    assert "unset the variable" in box.remove_button.toolTip()
    assert files_containing(KEY, [tmp_path, Path(os.environ["XDG_CONFIG_HOME"])], set()) == []


def test_the_key_never_reaches_a_file_or_a_log(
    qtbot, keys_hub: TrainingHub, server: PracticeServer, tmp_path: Path, isolated_keyring, caplog
) -> None:
    """The whole flow with a known key (keys, a job through an OpenAI-compatible service, the job
    view, the logs at DEBUG), then every file the app wrote is searched for it."""
    log_file = tmp_path / "everything.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        dialog = open_keys(qtbot, keys_hub)
        box = dialog.boxes["compatible"]
        set_address(qtbot, box, server.base_url)
        type_key(qtbot, box, KEY, box.save_button)
        qtbot.waitUntil(lambda: box.status is not None and box.status.has_key, timeout=5_000)
        dialog.close()

        path = tmp_path / "ferns.jsonl"
        start = keys_hub.start_training(None, chat_dataset(12, path), path=path)
        qtbot.addWidget(start)
        start.provider_combo.setCurrentIndex(start.provider_combo.findData("compatible"))
        qtbot.waitUntil(
            lambda: start.model_combo.findData("gpt-4.1-mini-2025-04-14") >= 0, timeout=10_000
        )
        qtbot.waitUntil(lambda: "sk-…a7c3" in start.key_line.text(), timeout=5_000)
        start.model_combo.setCurrentIndex(start.model_combo.findData("gpt-4.1-mini-2025-04-14"))
        start.start_checks()
        qtbot.waitUntil(lambda: start.outcome is not None, timeout=30_000)
        start.confirm_check.setChecked(True)
        with qtbot.waitSignal(keys_hub.job_started, timeout=20_000) as started:
            start.start_upload()
        view = keys_hub.job_window(started.args[0]).view
        qtbot.waitUntil(
            lambda: view.state.job is not None and view.state.job.status == "succeeded",
            timeout=30_000,
        )
        assert started.args[0].provider == "compatible"
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)

    assert any(r.headers.get("authorization") == f"Bearer {KEY}" for r in server.requests)
    assert KEY not in caplog.text
    keyring_file = Path(isolated_keyring.file_path).resolve()
    roots = [tmp_path, Path(os.environ["XDG_CONFIG_HOME"]), Path(os.environ["XDG_DATA_HOME"])]
    written = [p for root in roots for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "jobs.sqlite3" for p in written)  # the job store was written
    assert log_file.stat().st_size > 0
    assert files_containing(KEY, roots, {keyring_file}) == []
    # the search works: it finds the key where it belongs, in the keyring's own file
    assert [p.resolve() for p in files_containing(KEY, roots, set())] == [keyring_file]


def test_every_providers_fields_start_in_one_column(qtbot, keys_hub: TrainingHub) -> None:
    """Azure's "Resource or endpoint:" pushed its fields right of OpenAI's: each box started its
    fields at its own longest label."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QFormLayout

    dialog = open_keys(qtbot, keys_hub)
    starts = set()
    for box in dialog.boxes.values():
        key_row = next(
            row
            for row in range(box.form.rowCount())
            if (label := box.form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
            and label.widget().text() == "New key:"
        )
        field = box.form.itemAt(key_row, QFormLayout.ItemRole.FieldRole).geometry()
        starts.add(box.mapTo(dialog, QPoint(field.x(), 0)).x())
    assert len(dialog.boxes) >= 3 and len(starts) == 1, starts
