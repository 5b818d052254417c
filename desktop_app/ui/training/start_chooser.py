"""The start dialog's provider and model chooser: which provider (OpenAI with its countdown while
it takes jobs, greyed out after), which key it uses and from where, which base model (the live
list when a key is set, the app's catalogue until then) and which method.

Model lists arrive on workers; each answer names the account it is for, so a slow list for a
provider chosen before never fills (or explains) the list of the one chosen now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop_app.core.dataset.records import DatasetKind
from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys import secrets
from desktop_app.core.models.catalog import ModelCatalog
from desktop_app.core.models.provider_dates import (
    accepts_new_jobs,
    countdown,
    default_model,
    long_date,
)
from desktop_app.core.models.where_to_train import rules_summary
from desktop_app.core.providers.base import ModelRef
from desktop_app.core.providers.connections import OPENAI_FAMILY, ProviderCache, training_kinds
from desktop_app.core.providers.registry import default_account, provider_info
from desktop_app.core.training.preflight import ModelChoice, model_choices
from desktop_app.qt.tasks import CancelToken
from desktop_app.ui.icons import icon

if TYPE_CHECKING:
    from desktop_app.ui.training.hub import TrainingHub

ChoiceRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Target:
    """Where the job goes: provider kind, account and address."""

    kind: str
    account: str
    base_url: str


@dataclass(frozen=True, slots=True)
class ModelsFetched:
    """A provider's model list, or why it could not be read, for one account."""

    target: Target
    models: list[ModelRef]
    problem: str = ""


def fetch_models(
    providers: ProviderCache,
    target: Target,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> ModelsFetched:
    try:
        models = providers.get(target.kind, target.account, target.base_url).list_models()
    except UserFacingError as exc:  # no key yet, refused, unreachable: the catalogue stays
        return ModelsFetched(target, [], exc.message)
    return ModelsFetched(target, models)


def read_key_status(
    kind: str, account: str, *, cancel: CancelToken, progress: Callable[[object], None]
) -> secrets.KeyStatus:
    return secrets.key_status(kind, account)


def provider_item_text(kind: str, catalog: ModelCatalog) -> str:
    """The provider's name in the picker, with OpenAI's countdown (or its end)."""
    label = provider_info(kind).label
    left = countdown(kind, catalog=catalog)
    if not left:
        return label
    if accepts_new_jobs(kind, catalog=catalog):
        return f"{label} — {left.split(': ', 1)[-1].rstrip('.')}"
    last = catalog.provider(kind).no_new_jobs_from
    return f"{label} — no new jobs (since {long_date(last)})" if last else label


class ProviderModelChooser(QWidget):
    """Provider, key line, base model and method; `changed` after any of them changes."""

    changed = Signal()
    keys_requested = Signal()

    def __init__(
        self, hub: TrainingHub, catalog: ModelCatalog, kind: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.catalog = catalog
        self.kind = kind
        self.listed: dict[Target, list[ModelRef]] = {}
        self.models_note = ""
        self._build()

    def _build(self) -> None:
        self.provider_combo = QComboBox(self)
        self.provider_combo.setObjectName("provider-combo")
        self.provider_combo.setAccessibleName("Provider")
        for kind in training_kinds():
            self.provider_combo.addItem(provider_item_text(kind, self.catalog), kind)
            if not accepts_new_jobs(kind, catalog=self.catalog):  # not offered for new jobs
                item = _item(self.provider_combo, self.provider_combo.count() - 1)
                if item is not None:
                    item.setEnabled(False)
        self.provider_combo.currentIndexChanged.connect(self.on_provider_changed)
        self.provider_note = QLabel(self)
        self.provider_note.setObjectName("provider-note")
        self.provider_note.setWordWrap(True)
        self.wind_down = QLabel(self)
        self.wind_down.setObjectName("wind-down-note")
        self.wind_down.setWordWrap(True)
        self.wind_down.setFrameShape(QFrame.Shape.StyledPanel)
        self.wind_down.setStyleSheet("QLabel#wind-down-note { padding: 6px; }")
        self.key_line = QLabel(self)
        self.key_line.setObjectName("key-line")
        self.key_line.setWordWrap(True)
        self.keys_button = QPushButton(icon("key"), "Keys…", self)
        self.keys_button.setToolTip("Add or check your API key, or set the provider's address")
        self.keys_button.clicked.connect(self.keys_requested)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_line, 1)
        key_row.addWidget(self.keys_button)
        self.model_combo = QComboBox(self)
        self.model_combo.setObjectName("model-combo")
        self.model_combo.setAccessibleName("Base model")
        self.model_combo.currentIndexChanged.connect(self.on_model_changed)
        self.model_combo.editTextChanged.connect(self._emit_changed)
        self.model_info = QLabel(self)
        self.model_info.setObjectName("model-info")
        self.model_info.setWordWrap(True)
        self.method_combo = QComboBox(self)
        self.method_combo.setObjectName("method-combo")
        self.method_combo.setAccessibleName("Training method")
        self.method_combo.addItem("Supervised — learn from example conversations", "supervised")
        self.method_combo.addItem("DPO — learn which of two replies is preferred", "dpo")
        self.method_combo.currentIndexChanged.connect(self._emit_changed)
        self.method_note = QLabel(self)
        self.method_note.setWordWrap(True)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("Provider:", self.provider_combo)
        self.form.addRow("", self.provider_note)
        self.form.addRow("", self.wind_down)
        self.form.addRow("", key_row)
        self.form.addRow("Base model:", self.model_combo)
        self.form.addRow("", self.model_info)
        self.form.addRow("Method:", self.method_combo)
        self.form.addRow("", self.method_note)

    # ---- reading the choices -------------------------------------------------------------
    @property
    def provider_kind(self) -> str:
        return str(self.provider_combo.currentData())

    def target(self) -> Target | None:
        """The provider account to use, or None while its address is missing."""
        kind = self.provider_kind
        if self.hub.is_shut_down:
            return None
        if kind == "practice":
            base_url = self.hub.practice.base_url
        elif provider_info(kind).needs_base_url:
            base_url = self.hub.config.base_url(kind)
            if not base_url:
                return None
        else:
            base_url = self.hub.config.base_url(kind)  # a gateway, if one was set
        try:
            account = default_account(kind, base_url or None)
        except ValueError:
            return None
        if kind == "azure":
            from desktop_app.core.providers.azure import azure_base_url

            base_url = azure_base_url(base_url)
        return Target(kind, account, base_url)

    @property
    def model(self) -> str:
        data = self.model_combo.currentData()
        text = self.model_combo.currentText().strip()
        if (
            self.model_combo.isEditable()
            and data
            and text != self.model_combo.itemText(self.model_combo.currentIndex())
        ):
            return text  # typed over a listed model
        return str(data) if data else text

    def current_choice(self) -> ModelChoice | None:
        data = self.model_combo.currentData(ChoiceRole)
        return data if isinstance(data, ModelChoice) else None

    @property
    def method(self) -> str:
        return str(self.method_combo.currentData())

    def select_provider(self, kind: str) -> None:
        """Pick `kind` (or, when it takes no new jobs, the first provider that does)."""
        index = self.provider_combo.findData(kind)
        if index < 0 or not accepts_new_jobs(kind, catalog=self.catalog):
            index = self.provider_combo.findData("practice")
        self.provider_combo.setCurrentIndex(max(0, index))
        self.on_provider_changed()

    # ---- reacting ------------------------------------------------------------------------
    @Slot()
    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    @Slot()
    def on_provider_changed(self, *_args: object) -> None:
        kind = self.provider_kind
        info = provider_info(kind)
        notes = [n for n in info.notes if not n.startswith("OpenAI is winding down")]
        self.provider_note.setText(" ".join([*notes, rules_summary(kind, self.catalog)]).strip())
        left = countdown(kind, catalog=self.catalog)
        self.form.setRowVisible(self.wind_down, bool(left))
        if left:
            self.wind_down.setText(self._wind_down_text(kind, left))
        self.models_note = ""
        self.changed.emit()
        target = self.target()
        if target is None:
            self.key_line.setText(
                f"{info.label} needs an address first. Set it under Keys… (it is saved without "
                "any key)."
            )
            self.fill_models([])
            return
        if info.needs_key:
            self.key_line.setText("Looking up your key…")
            self.hub.call(read_key_status, kind, target.account, succeeded=self._on_key_status)
        else:
            self.key_line.setText("No key needed: the practice server runs on this computer.")
        self.fill_models(self.listed.get(target, []))
        if target not in self.listed:
            self.hub.call(fetch_models, self.hub.providers, target, succeeded=self._on_models)

    def _wind_down_text(self, kind: str, left: str) -> str:
        note = self.catalog.provider(kind).notes
        return f"⚠ {left} {note}".strip()

    @Slot(object)
    def _on_key_status(self, status: object) -> None:
        if not isinstance(status, secrets.KeyStatus) or status.provider != self.provider_kind:
            return
        if status.has_key:
            self.key_line.setText(f"Key {status.masked}. {status.where}")
        else:
            label = provider_info(status.provider).label
            self.key_line.setText(
                f"There is no API key for {label} yet. Add one under Keys… first; until then "
                "the list shows the models the app knows."
            )

    @Slot(object)
    def _on_models(self, fetched: object) -> None:
        if not isinstance(fetched, ModelsFetched):
            return
        if not fetched.problem:
            self.listed[fetched.target] = fetched.models
        if fetched.target != self.target():
            return  # an answer for a provider chosen before
        label = provider_info(fetched.target.kind).label
        if fetched.problem:
            self.models_note = (
                f"{label}'s own model list could not be loaded ({fetched.problem.rstrip('.')}); "
                f"showing the models the app knows (checked {long_date(self.catalog.checked)})."
            )
            self.on_model_changed()
        else:
            self.models_note = ""
            self.fill_models(fetched.models)

    def fill_models(self, listed: list[ModelRef]) -> None:
        kind = self.provider_kind
        previous = self.model or self.hub.config.last_model or default_model(kind)
        choices = model_choices(kind, listed, self.catalog)
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.setEditable(kind not in OPENAI_FAMILY)
        for choice in choices:
            text = choice.label if choice.label == choice.id else f"{choice.label} ({choice.id})"
            self.model_combo.addItem(text, choice.id)
            last = self.model_combo.count() - 1
            self.model_combo.setItemData(last, choice, ChoiceRole)
            self.model_combo.setItemData(last, choice.describe(), Qt.ItemDataRole.ToolTipRole)
        index = self.model_combo.findData(previous)
        if index < 0:
            index = self.model_combo.findData(default_model(kind))
        self.model_combo.setCurrentIndex(max(0, index) if self.model_combo.count() else -1)
        self.model_combo.blockSignals(False)
        self.on_model_changed()

    @Slot()
    def on_model_changed(self, *_args: object) -> None:
        choice = self.current_choice()
        lines = []
        if choice is not None:
            lines.append(choice.describe())
            if choice.info is not None and choice.info.notes and choice.info.status != "available":
                lines.append(choice.info.notes)
        elif self.model:
            lines.append("A model the app does not know: no price or limit can be shown.")
        elif self.provider_kind == "compatible":
            lines.append("Type the model name as the service lists it.")
        if self.models_note:
            lines.append(self.models_note)
        self.model_info.setText("\n".join(lines))
        self.update_methods()

    def update_methods(self) -> None:
        choice = self.current_choice()
        supports_dpo = choice.supports("dpo") if choice is not None else True
        try:
            facts = self.catalog.provider(
                "openai" if self.provider_kind == "practice" else self.provider_kind
            )
            supports_dpo = supports_dpo and facts.preference_training
            where = facts.label
        except KeyError:
            where = "this provider"
        item = _item(self.method_combo, 1)
        if item is not None:
            item.setEnabled(supports_dpo)
        pairs = self.kind == DatasetKind.PREFERENCE
        wanted = "dpo" if pairs and supports_dpo else "supervised"
        self.method_combo.setCurrentIndex(self.method_combo.findData(wanted))
        if pairs and not supports_dpo:
            self.method_note.setText(
                "This dataset holds preference pairs, but this model cannot learn from them "
                f"here (no DPO on {where} in this app). Pick a model that lists DPO, or Together "
                "AI or Azure OpenAI."
            )
        elif pairs:
            self.method_note.setText("This dataset holds preference pairs, so it trains with DPO.")
        else:
            self.method_note.setText("This dataset holds example conversations (supervised).")
        self.changed.emit()


def _item(combo: QComboBox, row: int) -> QStandardItem | None:
    """The combo box's row as a QStandardItem (to grey one out), None for another model."""
    model = combo.model()
    return model.item(row) if isinstance(model, QStandardItemModel) else None
