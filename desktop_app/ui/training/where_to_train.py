"""The “Where to train” guide in the start dialog: the recommendation for a writer with no account
anywhere, then a row per provider (what you need, models, trying the tuned model, price, dates).
The facts come from resources/models.json through desktop_app.core.models.where_to_train; choosing a
row picks that provider in the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.models.where_to_train import Guide, GuideRow, where_to_train

# short enough to fit a column of the start dialog at its least width ("Try the tuned model"
# showed as "y the tuned mod"); each column's header says the whole in its tooltip
COLUMNS = ("Provider", "What you need", "Models", "Tuned model", "Training price", "Dates")
HEADING_MARGIN = 12  # a section's own padding, both sides
HEADER_TIPS = ("", "", "", "How you try the tuned model, and what that costs", "", "")
ProviderRole = Qt.ItemDataRole.UserRole + 1


def _cells(row: GuideRow) -> tuple[str, ...]:
    left = row.countdown.split(": ", 1)[-1]  # “no new jobs from 6 January 2027 — 30 days left.”
    dates = f"{left[:1].upper()}{left[1:]} {row.dates}".strip() if row.countdown else row.dates
    return (row.label, row.needs, row.models, row.try_it, row.price, dates)


class WhereToTrainGuide(QWidget):
    """The guide; `provider_chosen(kind)` when a row is chosen (double-click or Enter)."""

    provider_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, guide: Guide | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("where-to-train")
        self.guide = guide or where_to_train()
        self.recommendation = QLabel(f"<b>{_html(self.guide.recommendation)}</b>", self)
        self.recommendation.setObjectName("where-to-train-recommendation")
        self.recommendation.setWordWrap(True)
        self.table = QTableWidget(len(self.guide.rows), len(COLUMNS), self)
        self.table.setObjectName("where-to-train-table")
        self.table.setAccessibleName("Where to train: providers compared")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for column, tip in enumerate(HEADER_TIPS):
            header_item = self.table.horizontalHeaderItem(column)
            if tip and header_item is not None:
                header_item.setToolTip(tip)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        for number, row in enumerate(self.guide.rows):
            for column, text in enumerate(_cells(row)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setData(ProviderRole, row.provider)
                self.table.setItem(number, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # no heading is cut (a long provider name wraps like the rest); a dialog narrower than
        # the headings scrolls the table sideways
        widest = max(header.fontMetrics().horizontalAdvance(name) for name in COLUMNS)
        header.setMinimumSectionSize(widest + HEADING_MARGIN)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(260)
        self.table.setCurrentCell(-1, -1)  # no provider looks chosen before the person chooses
        self.table.itemActivated.connect(self._on_activated)
        self.table.itemDoubleClicked.connect(self._on_activated)
        self.checked = QLabel(f"{self.guide.checked_text} Double-click a row to train there.", self)
        self.checked.setObjectName("where-to-train-checked")
        self.checked.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.recommendation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.checked)

    def providers(self) -> list[str]:
        return [row.provider for row in self.guide.rows]

    def row_text(self, kind: str) -> str:
        """One row's cells joined (tests and screen readers)."""
        for row in self.guide.rows:
            if row.provider == kind:
                return " | ".join(_cells(row))
        return ""

    @Slot(QTableWidgetItem)
    def _on_activated(self, item: QTableWidgetItem) -> None:
        kind = item.data(ProviderRole)
        if isinstance(kind, str):
            self.provider_chosen.emit(kind)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
