"""Training → Keys and Providers…: one API key per provider account, kept in the system's password store.

For each provider the dialog shows the key masked (“sk-…abcd”) and where it comes from, and lets
the person add or replace it, check the connection, or remove it. Azure and OpenAI-compatible
services also need an address, which is saved in the settings; the key never is. Without a
usable password store the dialog says so in plain words and offers to use the key for this
session only. A key in OPENAI_API_KEY (AZURE_OPENAI_API_KEY) is shown as such and never stored.

Keyring and network calls run on workers: a password store can be slow to answer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys import secrets
from desktop_app.core.providers.connections import ProviderCache, key_kinds
from desktop_app.core.providers.registry import default_account, provider_info
from desktop_app.qt.tasks import CancelToken
from desktop_app.ui import theme
from desktop_app.ui.errors import describe
from desktop_app.ui.icons import icon
from desktop_app.ui.layouts import same_label_width
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.wheel_guard import scroll_past_boxes_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_app.ui.training.hub import TrainingHub

log = logging.getLogger(__name__)

ADDRESS_LABELS = {
    "azure": "Resource or endpoint:",
    "compatible": "Base URL:",
    "fireworks": "Account ID:",
}


# ---- worker functions (no widgets here) ---------------------------------------------------------
def read_status(
    kind: str, account: str, *, cancel: CancelToken, progress: Callable[[object], None]
) -> secrets.KeyStatus:
    return secrets.key_status(kind, account)


def store_key(
    kind: str,
    account: str,
    key: str,
    session_only: bool,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> secrets.KeyStatus:
    if session_only:
        secrets.set_session_key(kind, key, account)
    else:
        secrets.set_key(kind, key, account)
    return secrets.key_status(kind, account)


def remove_key(
    kind: str, account: str, *, cancel: CancelToken, progress: Callable[[object], None]
) -> secrets.KeyStatus:
    secrets.delete_key(kind, account)
    return secrets.key_status(kind, account)


def check_connection(
    providers: ProviderCache,
    kind: str,
    base_url: str,
    account: str,
    typed_key: str | None,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> str:
    provider = providers.make(kind, base_url=base_url, account=account, api_key=typed_key)
    try:
        return provider.check_connection()
    finally:
        provider.close()


def plain(error: object) -> str:
    """An error as the two plain sentences a person reads (never a repr, never a key)."""
    if isinstance(error, BaseException):
        message, next_step, _technical = describe(error)
        return f"{message} {next_step}".strip()
    return "Something went wrong. Try again."


# ---- one provider -----------------------------------------------------------------------------
class ProviderKeyBox(QGroupBox):
    """Address (where needed), key status, key entry and the actions for one provider."""

    changed = Signal(str)  # provider kind

    def __init__(self, hub: TrainingHub, kind: str, parent: QWidget | None = None) -> None:
        info = provider_info(kind)
        super().__init__(info.label, parent)
        self.hub = hub
        self.kind = kind
        self.info = info
        self.status: secrets.KeyStatus | None = None
        self.setObjectName(f"keys-{kind}")
        form = self.form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.address = QLineEdit(self)
        self.address.setObjectName(f"address-{kind}")
        self.save_address_button = QPushButton("Save address", self)
        if info.needs_base_url:
            self.address.setPlaceholderText(info.base_url_hint)
            self.address.setText(hub.config.base_url(kind))
            self.address.setAccessibleName(f"{info.label} address")
            self.address.textEdited.connect(self._on_address_edited)
            self.save_address_button.clicked.connect(self.save_address)
            self.save_address_button.setEnabled(False)
            row = QHBoxLayout()
            row.addWidget(self.address, 1)
            row.addWidget(self.save_address_button)
            form.addRow(ADDRESS_LABELS.get(kind, "Address:"), row)
        else:
            self.address.hide()
            self.save_address_button.hide()

        self.status_label = QLabel("Looking up the key…", self)
        self.status_label.setObjectName(f"key-status-{kind}")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Key:", self.status_label)

        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName(f"key-edit-{kind}")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste a new key here")
        self.key_edit.setAccessibleName(f"New {info.label} key")
        self.key_edit.textChanged.connect(self._update_buttons)
        self.save_button = QPushButton(icon("key"), "Save key", self)
        self.save_button.setObjectName(f"save-key-{kind}")
        self.save_button.setToolTip("Keep the key in this computer's password store")
        self.save_button.clicked.connect(self.save_key)
        self.session_button = QPushButton("Use for this session only", self)
        self.session_button.setObjectName(f"session-key-{kind}")
        self.session_button.setToolTip(
            "Keep the key in memory until the app closes; nothing is saved"
        )
        self.session_button.clicked.connect(self.use_for_session)
        entry = QHBoxLayout()
        entry.addWidget(self.key_edit, 1)
        entry.addWidget(self.save_button)
        entry.addWidget(self.session_button)
        form.addRow("New key:", entry)

        self.check_button = QPushButton("Check connection", self)
        self.check_button.setObjectName(f"check-{kind}")
        self.check_button.setToolTip("Ask the provider whether the key works (nothing is changed)")
        self.check_button.clicked.connect(self.check)
        self.remove_button = QPushButton(icon("list-remove"), "Remove key", self)
        self.remove_button.setObjectName(f"remove-key-{kind}")
        self.remove_button.clicked.connect(self.remove)
        actions = QHBoxLayout()
        actions.addWidget(self.check_button)
        actions.addWidget(self.remove_button)
        actions.addStretch(1)
        form.addRow("", actions)

        self.result_label = QLabel(self)
        self.result_label.setObjectName(f"check-result-{kind}")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", self.result_label)

        for note in info.notes:
            label = QLabel(note, self)
            label.setWordWrap(True)
            label.setEnabled(False)  # quieter text
            form.addRow("", label)
        self.setLayout(form)
        self.form = form
        form.setRowVisible(self.result_label, False)
        self._busy = False
        self._update_buttons()
        self.refresh()

    # ---- state -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self.address.text().strip() if self.info.needs_base_url else ""

    @property
    def account(self) -> str | None:
        """The account keys are stored under (None while a needed address is missing)."""
        if self.info.needs_base_url and not self.base_url:
            return None
        try:
            return default_account(self.kind, self.base_url or None)
        except ValueError:
            return None

    def _update_buttons(self) -> None:
        store = secrets.keyring_available()
        has_text = bool(self.key_edit.text().strip())
        ready = self.account is not None and not self._busy
        self.save_button.setVisible(store)
        self.session_button.setVisible(not store)
        self.save_button.setEnabled(ready and has_text)
        self.session_button.setEnabled(ready and has_text)
        self.key_edit.setEnabled(self.account is not None)
        has_key = self.status is not None and self.status.has_key
        self.check_button.setEnabled(ready and (has_key or has_text))
        removable = has_key and self.status is not None
        if removable and self.status is not None:
            removable = self.status.source is not secrets.KeySource.ENVIRONMENT
        self.remove_button.setEnabled(ready and removable)
        self.remove_button.setToolTip(
            "A key from an environment variable cannot be removed here; unset the variable."
            if has_key and not removable
            else "Forget the saved key"
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _show_result(self, text: str, ok: bool) -> None:
        mark = "✔ " if ok else "✖ "
        self.result_label.setText(mark + text)
        self.result_label.setProperty("ok", ok)
        color = theme.severity_color("info" if ok else "error").name()
        self.result_label.setStyleSheet(f"color: {'#2e7d32' if ok else color};")
        self.form.setRowVisible(self.result_label, True)

    # ---- actions ---------------------------------------------------------------------------
    def refresh(self) -> None:
        account = self.account
        if account is None:
            self.status = None
            self.status_label.setText(f"Enter the {self._address_word()} first.")
            self._update_buttons()
            return
        self.hub.call(
            read_status, self.kind, account, succeeded=self._on_status, failed=self._on_failed
        )

    def _address_word(self) -> str:
        label = ADDRESS_LABELS.get(self.kind, "Address:").rstrip(":")
        return label[:1].lower() + label[1:]

    @Slot(str)
    def _on_address_edited(self, _text: str) -> None:
        self.save_address_button.setEnabled(True)
        self.form.setRowVisible(self.result_label, False)
        self._update_buttons()

    @Slot()
    def save_address(self) -> None:
        try:
            config = self.hub.config.with_base_url(self.kind, self.base_url)
            self.hub.save_config(config)
        except UserFacingError as error:
            self._show_result(plain(error), ok=False)
            return
        self.save_address_button.setEnabled(False)
        self.changed.emit(self.kind)
        self.refresh()

    @Slot()
    def save_key(self) -> None:
        self._store(session_only=False)

    @Slot()
    def use_for_session(self) -> None:
        self._store(session_only=True)

    def _store(self, *, session_only: bool) -> None:
        account = self.account
        key = self.key_edit.text().strip()
        if account is None or not key:
            return
        if self.info.needs_base_url and self.save_address_button.isEnabled():
            self.save_address()
        self.key_edit.clear()  # the key leaves the widget at once
        self._set_busy(True)
        self.hub.call(
            store_key,
            self.kind,
            account,
            key,
            session_only,
            succeeded=self._on_stored,
            failed=self._on_store_failed,
        )

    @Slot()
    def check(self) -> None:
        account = self.account
        if account is None:
            return
        typed = self.key_edit.text().strip() or None
        self._set_busy(True)
        self.result_label.setText("Checking…")
        self.result_label.setStyleSheet("")
        self.form.setRowVisible(self.result_label, True)
        self.hub.call(
            check_connection,
            self.hub.providers,
            self.kind,
            self.base_url,
            account,
            typed,
            succeeded=self._on_checked,
            failed=self._on_check_failed,
        )

    @Slot()
    def remove(self) -> None:
        account = self.account
        if account is None:
            return
        self._set_busy(True)
        self.hub.call(
            remove_key, self.kind, account, succeeded=self._on_removed, failed=self._on_failed
        )

    # ---- results ---------------------------------------------------------------------------
    @Slot(object)
    def _on_status(self, status: object) -> None:
        if not isinstance(status, secrets.KeyStatus):
            return
        self.status = status
        if status.source is secrets.KeySource.KEYRING:
            self.status_label.setText(f"{status.masked} — saved in the password store")
        elif status.has_key:
            self.status_label.setText(f"{status.masked} — {status.where}")
        else:
            self.status_label.setText(status.where)
        self.save_button.setText(
            "Replace key" if status.source is secrets.KeySource.KEYRING else "Save key"
        )
        self._set_busy(False)

    @Slot(object)
    def _on_stored(self, status: object) -> None:
        self._on_status(status)
        where = (
            "for this session only"
            if isinstance(status, secrets.KeyStatus)
            and (status.source is secrets.KeySource.SESSION)
            else "in the password store"
        )
        self._show_result(f"The key was saved {where}.", ok=True)
        self.changed.emit(self.kind)

    @Slot(object)
    def _on_store_failed(self, error: object) -> None:
        self._set_busy(False)
        if isinstance(error, secrets.KeyringUnavailableError):
            self.session_button.setVisible(True)
            self.save_button.setVisible(False)
            self._show_result(
                plain(error) + " Paste the key again and choose “Use for this session only”.",
                ok=False,
            )
            return
        self._show_result(plain(error), ok=False)

    @Slot(object)
    def _on_removed(self, status: object) -> None:
        self._on_status(status)
        self._show_result("The key was removed.", ok=True)
        self.changed.emit(self.kind)

    @Slot(object)
    def _on_checked(self, sentence: object) -> None:
        self._set_busy(False)
        self._show_result(str(sentence), ok=True)

    @Slot(object)
    def _on_check_failed(self, error: object) -> None:
        self._set_busy(False)
        self._show_result(plain(error), ok=False)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self._set_busy(False)
        self.status_label.setText(plain(error))


# ---- the dialog -------------------------------------------------------------------------------
class KeysDialog(QDialog):
    """Training → Keys and Providers…."""

    keys_changed = Signal(str)  # provider kind

    def __init__(self, hub: TrainingHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setObjectName("keys-dialog")
        self.setWindowTitle("Keys and providers")
        self.setWindowIcon(icon("key"))
        self.setMinimumWidth(640)

        self.where = QLabel(self)
        self.where.setObjectName("keys-where")
        self.where.setWordWrap(True)
        self.no_store = QFrame(self)
        self.no_store.setObjectName("no-password-store")
        self.no_store.setFrameShape(QFrame.Shape.StyledPanel)
        no_store_layout = QVBoxLayout(self.no_store)
        self.no_store_text = QLabel(self.no_store)
        self.no_store_text.setWordWrap(True)
        no_store_layout.addWidget(self.no_store_text)

        content = QWidget(self)
        column = QVBoxLayout(content)
        self.boxes: dict[str, ProviderKeyBox] = {}
        for kind in key_kinds():
            box = ProviderKeyBox(hub, kind, content)
            box.changed.connect(self.keys_changed)
            self.boxes[kind] = box
            column.addWidget(box)
        same_label_width(box.form for box in self.boxes.values())  # fields in one column
        practice = QGroupBox(provider_info("practice").label, content)
        practice_layout = QVBoxLayout(practice)
        practice_note = QLabel(
            "Practice mode needs no key: a simulated job runs on this computer, free, so you can "
            "rehearse the whole flow before spending money.",
            practice,
        )
        practice_note.setWordWrap(True)
        practice_layout.addWidget(practice_note)
        column.addWidget(practice)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        scroll_past_boxes_in(scroll)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.no_store)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        fit_size(self, 700, 760)
        self.describe_store()

    def describe_store(self) -> None:
        """Say where keys are kept (or that they cannot be kept)."""
        available = secrets.keyring_available()
        if available:
            self.where.setText(
                secrets.backend_description() + " Keys are never written to the settings, "
                "the logs or your dataset."
            )
            self.no_store.hide()
        else:
            self.where.setText("Keys are never written to the settings, the logs or your dataset.")
            self.no_store_text.setText(
                "<b>This computer has no password store the app can use, so a key cannot be "
                "saved.</b><br>You can still paste a key and choose “Use for this session only”: "
                "the app keeps it in memory and forgets it when it closes. Or set the "
                "OPENAI_API_KEY environment variable before starting the app."
            )
            self.no_store.show()
        for box in self.boxes.values():
            box._update_buttons()
