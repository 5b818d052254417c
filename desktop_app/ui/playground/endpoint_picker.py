"""Pick a model to talk to: where it runs (your trained models, OpenAI, a local server, …) and
its name, with the address when the place needs one.

A trained model can show its checkpoints (fetched on a worker when asked), and a server on this
computer the models it has (asked on a worker when the place or the address changes). The picker
never asks for a key: keys live in Training → Keys and Providers… (the keyring); local servers
need none.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from desktop_app.core.errors import UserFacingError
from desktop_app.core.models.catalog import load_models
from desktop_app.core.models.provider_dates import (
    default_provider,
    nothing_answers,
    offered_models,
    retirement_notice,
)
from desktop_app.core.trying.endpoints import (
    LOCAL,
    PRESETS,
    TUNED,
    Endpoint,
    ProviderPool,
    checkpoint_endpoints,
    preset,
)
from desktop_app.core.trying.local_models import local_model_names
from desktop_app.qt.tasks import CancelToken
from desktop_app.ui.errors import describe
from desktop_app.ui.playground.services import TryServices

TRAINED = "trained"
LIST_DELAY_MS = 400  # a pause in typing the address before the server is asked for its models
EndpointRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # trained / practice / openai / azure / … / local:ollama / local
    label: str
    kind: str  # provider kind of the endpoint
    needs_address: bool = False
    address_hint: str = ""
    note: str = ""


def _places() -> list[Place]:
    places = [
        Place(TRAINED, "Your trained models", ""),
        Place("practice", "Practice mode (this computer)", "practice"),
        Place("openai", "OpenAI", "openai"),
        Place(
            "azure",
            "Azure OpenAI",
            "azure",
            True,
            "my-resource or https://my-resource.openai.azure.com",
            "On Azure, type the deployment name as the model.",
        ),
        Place("together", "Together AI", "together"),
        Place("fireworks", "Fireworks AI", "fireworks", True, "your Fireworks account ID"),
        Place(
            "nebius",
            "Nebius Token Factory",
            "nebius",
            note="A tuned LoRA of Llama 3.1 8B or 3.3 70B answers at once; others need an endpoint.",
        ),
        Place("compatible", "Other OpenAI-compatible service", "compatible", True, "https://…/v1"),
    ]
    for found in PRESETS:
        places.append(
            Place(
                f"{LOCAL}:{found.key}",
                f"{found.name} (this computer)",
                LOCAL,
                True,
                found.base_url,
                f"{found.start_hint} Model: {found.model_hint}.",
            )
        )
    places.append(
        Place(LOCAL, "Other server on this computer", LOCAL, True, "http://localhost:PORT/v1")
    )
    return places


def _default_address(kind: str) -> str:
    try:
        from desktop_app.core.providers.config import load_config
    except ImportError:  # the training GUI is not part of this build
        return ""
    return load_config().base_url(kind)


def _catalog_models(place_key: str) -> list[str]:
    """OpenAI's base models that still answer today (never one past its shut-down); practice
    mode offers them whatever the date (it answers on this computer)."""
    if place_key == "practice":
        return [m.id for m in offered_models("practice")]
    return [
        m.id
        for m in load_models().models
        if m.provider == "openai" and m.status == "available" and not m.is_shut_down()
    ]


class EndpointPicker(QWidget):
    """Where a model runs and its name; `endpoint()` is the choice (None while incomplete)."""

    changed = Signal()

    def __init__(self, services: TryServices, title: str = "Model", parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self._places = {p.key: p for p in _places()}
        self._checkpoints: dict[str, list[Endpoint]] = {}
        self._loading_for = ""
        self._local_note = ""  # what the server on this computer said about its models
        self._list_timer = QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(LIST_DELAY_MS)
        self._list_timer.timeout.connect(self.list_local_models)

        self.place = QComboBox(self)
        self.place.setObjectName("place-combo")
        self.place.setAccessibleName(f"{title}: where it runs")
        # both boxes give way in a narrow window (two side by side were wider than a 1024-pixel
        # screen); the list that drops down still shows each place in full
        self.place.setMinimumContentsLength(12)
        self.place.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model = QComboBox(self)
        self.model.setObjectName("model-combo")
        self.model.setEditable(True)
        self.model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model.setAccessibleName(f"{title}: model name")
        self.model.setMinimumContentsLength(12)
        self.model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.address = QLineEdit(self)
        self.address.setObjectName("address-edit")
        self.address.setAccessibleName(f"{title}: address")
        self.checkpoints = QToolButton(self)
        self.checkpoints.setText("Checkpoints")
        self.checkpoints.setToolTip("Also list this model's checkpoints (earlier training steps)")
        self.note = QLabel(self)
        self.note.setObjectName("picker-note")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.address_label = QLabel("Address:", self)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(f"{title}:", self), 0, 0)
        grid.addWidget(self.place, 0, 1)
        grid.addWidget(self.model, 0, 2)
        grid.addWidget(self.checkpoints, 0, 3)
        grid.addWidget(self.address_label, 1, 0)
        grid.addWidget(self.address, 1, 1, 1, 3)
        grid.addWidget(self.note, 2, 0, 1, 4)
        grid.setColumnStretch(2, 1)

        self.place.currentIndexChanged.connect(self._on_place_changed)
        self.model.currentIndexChanged.connect(self._on_model_changed)
        self.model.editTextChanged.connect(self._on_edited)
        self.address.textChanged.connect(self._on_edited)
        self.address.textChanged.connect(self._schedule_listing)
        self.checkpoints.clicked.connect(self.load_checkpoints)
        self.refresh()

    # ---- filling -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the list of places (trained models and practice mode come and go)."""
        current = self.place.currentData()
        self._trained = self.services.endpoint_choices()
        practice = self.services.practice_url()
        self.place.blockSignals(True)
        self.place.clear()
        for place in self._places.values():
            if place.key == TRAINED and not self._trained:
                continue
            if place.key == "practice" and not practice:
                continue
            self.place.addItem(place.label, place.key)
        index = self.place.findData(current if current is not None else self._first_place())
        self.place.setCurrentIndex(max(0, index))
        self.place.blockSignals(False)
        self._on_place_changed()

    def _first_place(self) -> str:
        """Where a new picker starts: your trained models, else practice mode while it runs,
        else the provider the app trains with today (after OpenAI's shut-down a place that
        still answers, never an empty list)."""
        for key in (TRAINED, "practice", default_provider()):
            if self.place.findData(key) >= 0:
                return key
        return "openai"

    def current_place(self) -> Place:
        return self._places[str(self.place.currentData())]

    @Slot()
    def _on_place_changed(self) -> None:
        place = self.current_place()
        self.model.blockSignals(True)
        self.model.clear()
        for endpoint in self._items_for(place):
            self.model.addItem(endpoint.display_name, endpoint.model)
            self.model.setItemData(self.model.count() - 1, endpoint, EndpointRole)
            notice = retirement_notice(endpoint.model, endpoint.kind)
            tip = f"{endpoint.model}\n{notice.text}" if notice else endpoint.model
            self.model.setItemData(self.model.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.model.setEditable(place.key != TRAINED)
        editor = self.model.lineEdit() if self.model.isEditable() else None
        if editor is not None:
            editor.setPlaceholderText(self._model_hint(place))
            if self.model.count() == 0:
                self.model.setEditText("")
        self.model.blockSignals(False)
        self.address.blockSignals(True)
        found = preset(place.key.partition(":")[2])
        self.address.setText(found.base_url if found else _default_address(place.kind))
        self.address.setPlaceholderText(place.address_hint)
        self.address.blockSignals(False)
        self.address.setVisible(place.needs_address)
        self.address_label.setVisible(place.needs_address)
        self._schedule_listing()
        self._on_model_changed()

    def _items_for(self, place: Place) -> list[Endpoint]:
        if place.key == TRAINED:
            items: list[Endpoint] = []
            for endpoint in self._trained:
                items.append(endpoint)
                items.extend(self._checkpoints.get(endpoint.model, ()))
            return items
        if place.key in ("openai", "practice"):
            base_url = (self.services.practice_url() or "") if place.key == "practice" else ""
            tuned = [e for e in self._trained if e.kind == place.kind and e.origin == TUNED]
            return tuned + [Endpoint(place.kind, m, base_url) for m in _catalog_models(place.key)]
        return []

    @staticmethod
    def _model_hint(place: Place) -> str:
        found = preset(place.key.partition(":")[2])
        if found is not None:
            return found.model_hint
        if place.key == "azure":
            return "the deployment name"
        return "the model's name"

    @Slot()
    def _on_model_changed(self) -> None:
        endpoint = self._selected_item()
        place = self.current_place()
        tuned = endpoint is not None and endpoint.origin == TUNED and bool(endpoint.job_id)
        shown = endpoint is not None and endpoint.model in self._checkpoints
        self.checkpoints.setVisible(tuned and not shown)
        self.checkpoints.setEnabled(not self._loading_for)
        where = f"Runs at {endpoint.where}." if endpoint is not None else ""
        note = (self._local_note if place.kind == LOCAL else "") or place.note or where
        if place.key == "openai" and self.model.count() == 0:
            note = nothing_answers("openai") or note
        notice = retirement_notice(endpoint.model, endpoint.kind) if endpoint is not None else None
        self.note.setText(f"⚠ {notice.text} {note}".strip() if notice else note)
        self.changed.emit()

    @Slot()
    def _on_edited(self) -> None:
        self.changed.emit()

    def _selected_item(self) -> Endpoint | None:
        index = self.model.currentIndex()
        if index < 0:
            return None
        endpoint = self.model.itemData(index, EndpointRole)
        if not isinstance(endpoint, Endpoint):
            return None
        if self.model.isEditable() and self.model.currentText().strip() != endpoint.display_name:
            return None
        return endpoint

    # ---- the choice ----------------------------------------------------------------------
    def endpoint(self) -> Endpoint | None:
        """The chosen endpoint, or None while the model name (or a needed address) is missing."""
        selected = self._selected_item()
        place = self.current_place()
        if selected is not None and place.key in (TRAINED, "openai", "practice"):
            return selected
        name = self.model.currentText().strip()
        address = self.address.text().strip()
        if not name or (place.needs_address and not address):
            return None
        if place.kind == LOCAL:
            key = place.key.partition(":")[2]
            return Endpoint(LOCAL, name, address, preset=key)
        if place.key == "practice":
            return Endpoint("practice", name, self.services.practice_url() or "")
        return Endpoint(place.kind, name, address if place.needs_address else "")

    def missing(self) -> str:
        """What is still needed, in a few words ("" when complete)."""
        if self.endpoint() is not None:
            return ""
        place = self.current_place()
        if not self.model.currentText().strip():
            return "Type a model name."
        return f"Type the address ({place.address_hint})." if place.needs_address else ""

    def set_endpoint(self, endpoint: Endpoint) -> None:
        """Show `endpoint` (its place, its name and address)."""
        key = self._place_key(endpoint)
        index = self.place.findData(key)
        if index < 0:
            return
        self.place.setCurrentIndex(index)
        for row in range(self.model.count()):
            if self.model.itemData(row, EndpointRole) == endpoint:
                self.model.setCurrentIndex(row)
                return
        self.model.setEditText(endpoint.model)
        if endpoint.base_url and self.current_place().needs_address:  # shown or not yet
            self.address.setText(endpoint.base_url)

    def _place_key(self, endpoint: Endpoint) -> str:
        if endpoint.origin != "custom" and self.place.findData(TRAINED) >= 0:
            return TRAINED
        if endpoint.kind == LOCAL:
            return f"{LOCAL}:{endpoint.preset}" if endpoint.preset else LOCAL
        return endpoint.kind

    # ---- a server on this computer: its models ----------------------------------------------
    @Slot()
    def _schedule_listing(self) -> None:
        self._local_note = ""
        if self.current_place().kind == LOCAL and self.address.text().strip():
            self._list_timer.start()
        else:
            self._list_timer.stop()

    @Slot()
    def list_local_models(self) -> None:
        """Ask the server on this computer which models it has (on a worker)."""
        place, address = self.current_place(), self.address.text().strip()
        if place.kind != LOCAL or not address:
            return
        self.services.run(
            _fetch_local_models,
            address,
            place.key.partition(":")[2],
            succeeded=self._on_local_models,  # a bound slot: dropped if the picker is gone
        )

    @Slot(object)
    def _on_local_models(self, answer: object) -> None:
        """Fill the names in (an answer for an address no longer shown is ignored)."""
        if not isinstance(answer, tuple) or answer[0] != self.address.text().strip():
            return
        address, found = answer
        place = self.current_place()
        if place.kind != LOCAL:
            return
        if found is None:
            start = place.note.partition(" Model:")[0] or "Start the server, or check the address."
            self._local_note = f"Nothing answers at {address} yet. {start}"
        else:
            self._fill_names(found)
            named = place.key.partition(":")[2]  # a preset (Ollama…), or any server
            label = place.label.removesuffix(" (this computer)") if named else "The server"
            self._local_note = (
                f"{label} has {len(found)} model{'s' if len(found) != 1 else ''}: pick one in "
                "the list, or type another name."
                if found
                else f"The server at {address} answers but lists no models: load one first."
            )
        self._on_model_changed()

    def _fill_names(self, names: list[str]) -> None:
        typed = self.model.currentText().strip()
        self.model.blockSignals(True)
        self.model.clear()
        for name in names:
            self.model.addItem(name, name)
        self.model.setEditText(typed or (names[0] if names else ""))
        self.model.blockSignals(False)

    # ---- checkpoints ---------------------------------------------------------------------
    @Slot()
    def load_checkpoints(self) -> None:
        tuned = self._selected_item()
        if tuned is None or self._loading_for:
            return
        self._loading_for = tuned.model
        self.checkpoints.setEnabled(False)
        self.note.setText("Looking for checkpoints…")
        self.services.run(
            _fetch_checkpoints,
            self.services.providers,
            tuned,
            succeeded=self._on_checkpoints,
            failed=self._on_checkpoints_failed,
            finished=self._on_checkpoints_done,
        )

    @Slot(object)
    def _on_checkpoints(self, found: object) -> None:
        model = self._loading_for
        self._checkpoints[model] = list(found) if isinstance(found, list) else []
        chosen = self._selected_item()
        self._on_place_changed()
        if chosen is not None:
            self.set_endpoint(chosen)
        count = len(self._checkpoints[model])
        self.note.setText(
            f"{count} checkpoint{'s' if count != 1 else ''} added to the list."
            if count
            else "This model has no checkpoints to try."
        )

    @Slot(object)
    def _on_checkpoints_failed(self, error: object) -> None:
        message, step, _ = describe(error if isinstance(error, BaseException) else Exception())
        self.note.setText(f"{message} {step}".strip())

    @Slot()
    def _on_checkpoints_done(self) -> None:
        self._loading_for = ""
        self.checkpoints.setEnabled(True)


def _fetch_local_models(
    address: str, preset_key: str, *, cancel: CancelToken, progress: object
) -> tuple[str, list[str] | None]:
    """(the address, its model names, or None when nothing answers there)."""
    try:
        return address, local_model_names(address, preset_key)
    except UserFacingError:  # the provider's errors too: refused, timed out, not OpenAI's API
        return address, None


def _fetch_checkpoints(
    providers: ProviderPool, tuned: Endpoint, *, cancel: CancelToken, progress: object
) -> list[Endpoint]:
    return checkpoint_endpoints(providers.get(tuned), tuned)
