"""The overview pane: counts, a token-length histogram, the chosen provider and model, and the
training estimate. The provider decides which rules the checks add (Together's alternating turns,
Fireworks' minimum of 3 examples, …); the model decides token counts, limits and price.

Everything is recomputed from the check results a moment after they change (debounced), so the
pane follows edits without slowing typing. QtCharts is imported when the chart is first drawn,
not at startup.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.review import ReviewStatus
from desktop_app.core.files.glossary import link
from desktop_app.core.models.catalog import ModelInfo, load_models
from desktop_app.core.models.provider_dates import (
    accepts_new_jobs,
    countdown,
    default_model,
    default_provider,
    model_offered,
    offered_models,
    refusal,
)
from desktop_app.core.tokens.estimate import estimate
from desktop_app.qt.analysis_store import AnalysisStore
from desktop_app.qt.problems_model import set_aside_counts
from desktop_app.ui.caption_rows import CaptionRows
from desktop_app.ui.dialogs.help_pages import explain, glossary_label
from desktop_app.ui.icons import icon
from desktop_app.ui.panes.bar_chart import chart_view, show_bars
from desktop_app.ui.panes.style_section import StyleSection
from desktop_app.ui.wheel_guard import scroll_past_boxes_in

UPDATE_DELAY_MS = 300
BUSY_UPDATE_DELAY_MS = 2000  # while a big file is being checked: a calmer rhythm
BIN_EDGES = (0, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536)


def histogram(token_counts: list[int]) -> list[tuple[str, int]]:
    """Counts per token-length bin (bins doubling in size), labelled like "128–255"."""
    return histogram_of_sorted(sorted(token_counts))


def histogram_of_sorted(ordered: list[int]) -> list[tuple[str, int]]:
    """`histogram` of counts already in order: a few bisections, not one per example."""
    starts = [bisect.bisect_left(ordered, edge) for edge in BIN_EDGES[1:]]
    counts = [b - a for a, b in zip([0, *starts], [*starts, len(ordered)], strict=True)]
    labels = []
    for i, low in enumerate(BIN_EDGES):
        if i + 1 < len(BIN_EDGES):
            # plain ranges: QtCharts reads labels as rich text, so "<64" would vanish as a tag
            labels.append(f"{_short(low)}–{_short(BIN_EDGES[i + 1] - 1)}")
        else:
            labels.append(f"{_short(low)}+")
    while len(counts) > 4 and counts[-1] == 0:  # drop empty bins at the long end
        counts.pop()
        labels.pop()
    while len(counts) > 3 and counts[0] == 0 and any(counts):  # and at the short end
        counts.pop(0)
        labels.pop(0)
    return list(zip(labels, counts, strict=True))


def _short(value: int) -> str:
    if value >= 1023 and (value + 1) % 1024 in (0, 1):
        return f"{(value + 1) // 1024}k"
    return str(value)


class OverviewPane(QWidget):
    """Counts, histogram, model and estimate for the open dataset."""

    model_changed = Signal(str)
    provider_changed = Signal(str)
    epochs_changed = Signal(object)  # int | None
    train_requested = Signal()

    def __init__(
        self,
        model: str,
        epochs: int | None,
        parent: QWidget | None = None,
        *,
        provider: str = "openai",
    ) -> None:
        super().__init__(parent)
        self.analysis: AnalysisStore | None = None
        self._chart_view: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(UPDATE_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.last_histogram: list[tuple[str, int]] = []
        self._stale = True
        self._build(model, epochs, provider)
        if self.current_provider() != provider:  # the stored one takes no new jobs any more
            QTimer.singleShot(0, self._announce_choice)

    def _section(self, key: str, title: str) -> QWidget:
        """A titled section of the pane (its content widget is returned)."""
        section = QGroupBox(title, self)
        section.setObjectName(f"overview-{key}")
        self.sections[key] = section
        return section

    def open_section(self, key: str) -> None:
        """Bring the section a file-wide problem is about into view."""
        section = self.sections.get(key)
        if section is not None:
            self.scroll_area.verticalScrollBar().setValue(section.y())

    def _build(self, model: str, epochs: int | None, provider: str) -> None:
        self.sections: dict[str, QGroupBox] = {}
        counts = self._section("dataset", "Dataset")
        form = CaptionRows(counts)
        self.labels: dict[str, QLabel] = {}
        for key, title in (
            ("examples", "Examples"),
            ("unreadable", "Lines that are not examples"),
            ("problems", "Problems"),
            ("review", "Review"),
            ("tokens", "Tokens per example"),
        ):
            label = QLabel("–", counts)
            label.setAccessibleName(title)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.labels[key] = label
            form.addRow(title + ":", label)

        training = self._section("training", "Training estimate")
        tform = CaptionRows(training)
        self.provider_combo = QComboBox(training)
        self.provider_combo.setAccessibleName("Provider whose rules the checks follow")
        self.provider_combo.setToolTip(
            "Who will train the model. The checks add that provider's own rules, for example "
            "Together's alternating turns or Fireworks' minimum of 3 examples."
        )
        if not accepts_new_jobs(provider):  # e.g. OpenAI from 2027-01-06: one that still trains
            provider = default_provider()
            if load_models().find(model, provider) is None or not _offered(provider, model):
                model = default_model(provider)
        for facts in load_models().providers:
            self.provider_combo.addItem(facts.label, facts.name)
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(provider)))
        self.provider_combo.currentIndexChanged.connect(self._on_provider_changed)
        self.provider_note = QLabel(training)
        self.provider_note.setObjectName("overview-provider-note")
        self.provider_note.setWordWrap(True)
        self.model_combo = QComboBox(training)
        self.model_combo.setAccessibleName("Model to train")
        self.model_combo.setToolTip("The base model: it decides token counts, limits and price")
        self._fill_models(provider, model)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        for combo in (self.provider_combo, self.model_combo):  # shrink with a narrow pane
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
        self.epochs_spin = QSpinBox(training)
        self.epochs_spin.setRange(0, 50)
        self.epochs_spin.setSpecialValueText("Automatic")
        self.epochs_spin.setValue(epochs or 0)
        self.epochs_spin.setAccessibleName("Epochs")
        self.epochs_spin.setToolTip(
            "How many times the model reads every example. Automatic lets the provider choose."
        )
        self.epochs_spin.valueChanged.connect(self._on_epochs_changed)
        # the choices under their captions: beside them, a narrow pane cut the names to
        # "Azure Open…" and "GPT-4.1 min…"
        tform.add_stacked("Provider:", self.provider_combo)
        tform.add_stacked("", self.provider_note)
        tform.add_stacked("Model:", self.model_combo)
        tform.addRow("Epochs:", self.epochs_spin)
        for key, title in (
            ("epochs", "Epochs used"),
            ("trained", "Trained tokens"),
            ("cost", "Estimated cost"),
        ):
            label = QLabel("–", training)
            label.setAccessibleName(title)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.labels[key] = label
            tform.addRow(title + ":", label)

        self.chart_box = self._section("lengths", "Example length (tokens)")
        self.chart_layout = QVBoxLayout(self.chart_box)
        self.chart_layout.setContentsMargins(4, 4, 4, 4)

        self.train_button = QPushButton(icon("train"), "Train…", self)
        self.train_button.setObjectName("overview-train")
        self.train_button.setToolTip("No errors left: start training a model on this dataset")
        self.train_button.clicked.connect(self.train_requested)
        self.train_button.hide()

        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.train_button)
        for section in self.sections.values():
            column.addWidget(section)
        column.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(page)
        scroll_past_boxes_in(self.scroll_area)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self.style_section = StyleSection(page)  # the voice checks' charts (style_section.py)
        column.insertWidget(column.count() - 1, self.style_section)
        self._explain_words(column)

    def _explain_words(self, layout: QVBoxLayout) -> None:
        """What's This texts (Shift+F1) and a line of links into Help ▸ Glossary."""
        explain(self.labels["tokens"], "Tokens are the pieces of text a model reads.", "tokens")
        explain(self.epochs_spin, "How many times training reads every example.", "epochs")
        explain(self.model_combo, "The model your tuned model starts from.", "base-model")
        explain(self.provider_combo, "The service that trains the model.", "provider")
        words = ", ".join(
            link(key, text)
            for key, text in (
                ("tokens", "tokens"),
                ("epochs", "epochs"),
                ("base-model", "base model"),
            )
        )
        self.glossary_links = glossary_label(f"What do {words} mean? See the glossary.", self)
        layout.addWidget(self.glossary_links)

    # ---- wiring --------------------------------------------------------------------------
    def set_analysis(self, analysis: AnalysisStore | None, review: Any = None) -> None:
        self.analysis = analysis
        self.review = review
        self.style_section.analysis = analysis
        if analysis is not None:
            analysis.counts_changed.connect(self.schedule)
            analysis.summaries_changed.connect(self.schedule)
            analysis.dataset_problems_changed.connect(self.schedule)
            analysis.dataset.inserted.connect(self._on_structure)
            analysis.dataset.removed.connect(self._on_structure)
        if review is not None:
            review.changed.connect(self._on_structure)
        self.schedule()

    def _on_structure(self, _a: int, _b: int) -> None:
        self.schedule()

    @Slot()
    def schedule(self) -> None:
        if self._timer.isActive():
            return
        busy = self.analysis is not None and self.analysis.checking
        self._timer.start(BUSY_UPDATE_DELAY_MS if busy else UPDATE_DELAY_MS)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.schedule()

    def current_model(self) -> str:
        return str(self.model_combo.currentData())

    def current_provider(self) -> str:
        return str(self.provider_combo.currentData())

    def epochs(self) -> int | None:
        return self.epochs_spin.value() or None

    @Slot()
    def _announce_choice(self) -> None:
        """Tell the window (its settings and checks) about the provider chosen for it."""
        self.provider_changed.emit(self.current_provider())
        self.model_changed.emit(self.current_model())

    def _fill_models(self, provider: str, model: str) -> None:
        """The provider's trainable models today (its catalogue), keeping `model` if listed."""
        catalog = load_models()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        info: ModelInfo | None
        for info in _trainable_models(provider):
            price = info.training_price_per_million
            suffix = f" — ${price:g} per 1M tokens" if price is not None else ""
            self.model_combo.addItem(f"{info.label}{suffix}", info.id)
        found = self.model_combo.findData(model)
        if found < 0:
            info = catalog.find(model, provider)
            self.model_combo.addItem(info.label if info else model, model)
            found = self.model_combo.count() - 1
        self.model_combo.setCurrentIndex(found)
        self.model_combo.blockSignals(False)
        left = countdown(provider)
        refused = refusal(provider)
        note = (
            f"{refused.message.replace(' Nothing was sent.', '')} {refused.next_step}"
            if refused
            else left
        )
        self.provider_note.setText(note)
        self.provider_note.setVisible(bool(note))

    @Slot(int)
    def _on_provider_changed(self, _index: int) -> None:
        provider = self.current_provider()
        current = self.current_model()
        keep = _offered(provider, current)
        self._fill_models(provider, current if keep else default_model(provider) or current)
        self.provider_changed.emit(provider)
        if not keep:
            self.model_changed.emit(self.current_model())
        self.schedule()

    @Slot(int)
    def _on_model_changed(self, _index: int) -> None:
        self.model_changed.emit(self.current_model())
        self.schedule()

    @Slot(int)
    def _on_epochs_changed(self, value: int) -> None:
        self.epochs_changed.emit(value or None)
        self.schedule()

    # ---- computing -----------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        if not self.isVisible() and self.analysis is not None:
            self._stale = True  # computed when the pane is shown
            return
        self._stale = False
        analysis = self.analysis
        if analysis is None:
            for label in self.labels.values():
                label.setText("–")
            self.train_button.hide()
            return
        checked = [s for s in analysis.summaries if s is not None]
        pending = len(analysis.summaries) - len(checked)
        kind = Counter(s.kind for s in checked)
        chat, preference = kind[RecordKind.CHAT], kind[RecordKind.PREFERENCE]
        broken, blank = kind[RecordKind.BROKEN], kind[RecordKind.BLANK]
        other = len(checked) - chat - preference - broken - blank
        tokens = sorted(t for s in checked if (t := s.tokens) is not None)
        examples = chat + preference
        kinds = []
        if chat:
            kinds.append(f"{chat:,} chat")
        if preference:
            kinds.append(f"{preference:,} preference pairs")
        text = f"{examples:,}" + (f" ({', '.join(kinds)})" if len(kinds) > 1 else "")
        if pending:
            text += f" — {pending:,} still being checked"
        self.labels["examples"].setText(text)
        parts = []
        if broken:
            parts.append(f"{broken:,} cannot be read")
        if other:
            parts.append(f"{other:,} in another format")
        if blank:
            parts.append(f"{blank:,} blank")
        self.labels["unreadable"].setText(", ".join(parts) if parts else "None")
        counts = set_aside_counts(analysis, self.review)
        self.labels["problems"].setText(counts.text())
        ready = examples > 0 and counts.errors == 0 and not pending
        self.train_button.setVisible(ready)
        if self.review is not None:
            counts = self.review.status_counts()
            self.labels["review"].setText(
                ", ".join(f"{counts[s]:,} {s.label.lower()}" for s in ReviewStatus)
            )
        if tokens:
            median = tokens[len(tokens) // 2]
            self.labels["tokens"].setText(
                f"{tokens[0]:,} to {tokens[-1]:,} (median {median:,}); {sum(tokens):,} in all"
            )
        else:
            self.labels["tokens"].setText("–")
        self._refresh_estimate(tokens)
        self.last_histogram = histogram_of_sorted(tokens)
        self._draw_histogram(self.last_histogram)
        self.style_section.refresh(analysis.summaries, analysis.dataset_problems(), self.review)

    def _refresh_estimate(self, tokens: list[int]) -> None:
        info = load_models().find(self.current_model(), self.current_provider())
        if info is None or not tokens:
            for key in ("epochs", "trained", "cost"):
                self.labels[key].setText("–")
            return
        result = estimate(tokens, info, self.epochs())
        how = "automatic" if result.epochs_automatic else "chosen"
        self.labels["epochs"].setText(f"{result.epochs} ({how})")
        if result.overtraining:  # many epochs, few examples: the model would memorise
            self.labels["epochs"].setText(f"{result.epochs} ({how}). {result.overtraining}")
        self.labels["trained"].setText(f"{result.trained_tokens:,}")
        if result.capped_examples:
            self.labels["trained"].setText(
                f"{result.trained_tokens:,} ({result.capped_examples:,} long examples are cut "
                f"to {result.training_context:,} tokens)"
            )
        label = self.provider_combo.currentText()
        if result.cost_usd is None:  # Azure lists OpenAI's models: OpenAI's price as a guide
            reference = load_models().find(info.id, "openai")
            if reference is not None and reference.training_price_per_million is not None:
                guide = estimate(tokens, reference, self.epochs())
                self.labels["cost"].setText(
                    f"{label} sets its own prices; at OpenAI's, about ${guide.cost_usd:,.2f} at "
                    f"${guide.price_per_million:g} per 1M tokens"
                )
            else:
                self.labels["cost"].setText(
                    f"{label} prices this model on its own price list; the app has no price for it"
                )
            return
        cost = f"about ${result.cost_usd:,.2f} at ${result.price_per_million:g} per 1M tokens"
        if info.provider == self.current_provider():
            self.labels["cost"].setText(cost)
        else:
            self.labels["cost"].setText(f"{label} sets its own prices; at OpenAI's, {cost}")

    def _draw_histogram(self, bins: list[tuple[str, int]]) -> None:
        from desktop_app.ui import theme

        if self._chart_view is None:
            name = "Histogram of example lengths in tokens"
            self._chart_view = chart_view(self.chart_box, name, 160)
            self.chart_layout.addWidget(self._chart_view)
        labels, counts = [label for label, _ in bins], [count for _, count in bins]
        text = self.palette().color(self.foregroundRole())
        short = [label.split("–")[0] for label in labels]  # "128–255" → "128" where it must
        accent = theme.role_colors("user").accent
        show_bars(self._chart_view, labels, counts, accent, text, short_labels=short)


def _trainable_models(provider: str) -> list[ModelInfo]:
    """The catalogue's models for `provider` that can still be trained (its own dates)."""
    offered = offered_models(provider)
    if offered or accepts_new_jobs(provider):
        return offered
    catalog = load_models()  # past its cut-off but chosen on purpose: the models still running
    return [m for m in catalog.models_for(provider) if model_offered(m)]


def _offered(provider: str, model: str) -> bool:
    return any(m.id == model for m in _trainable_models(provider))
