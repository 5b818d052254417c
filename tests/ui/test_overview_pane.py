"""The overview pane: counts, the histogram and the estimate follow the data."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from window_helpers import is_checked, open_and_check, turn_wheel

from PySide6.QtWidgets import QLabel

from desktop_app.core.models.catalog import find_model
from desktop_app.core.tokens.estimate import estimate
from desktop_app.ui.panes.overview_pane import BIN_EDGES, histogram

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def before_openais_cut_off():
    """These tests were written a month before OpenAI's cut-off and assume that day (OpenAI is
    the default provider); the dates themselves are tested below and in test_provider_dates."""
    from datetime import date

    from desktop_app.core.models.today import pretend_today

    with pretend_today(date(2026, 12, 7)):
        yield


def test_histogram_bins() -> None:
    bins = histogram([10, 70, 70, 300, 5000])
    assert bins[:5] == [("0–63", 1), ("64–127", 2), ("128–255", 0), ("256–511", 1), ("512–1k", 0)]
    assert bins[-1] == ("4k–8k", 1)
    assert sum(c for _, c in bins) == 5
    assert histogram([])[0] == ("0–63", 0)


@given(st.lists(st.integers(min_value=0, max_value=200_000), max_size=60))
def test_histogram_counts_each_example_in_its_bin(tokens: list[int]) -> None:
    """Bisecting the sorted counts at the bin edges counts what one look per example would."""
    one_by_one = [0] * len(BIN_EDGES)
    for count in tokens:
        one_by_one[bisect.bisect_right(BIN_EDGES, count) - 1] += 1
    bins = dict(histogram(tokens))
    assert sum(bins.values()) == len(tokens)
    labels = [label for label, _ in histogram(list(BIN_EDGES))]  # one in each bin: all shown
    assert len(labels) == len(BIN_EDGES)
    for label, count in zip(labels, one_by_one, strict=True):
        assert bins.get(label, 0) == count


def test_counts_and_estimate_follow_edits(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    pane = window.overview_pane
    window.side_tabs.setCurrentWidget(pane)
    pane.refresh()
    assert pane.labels["examples"].text() == "21"
    tokens = [s.tokens for s in window.document.analysis.summaries if s.tokens is not None]
    expected = estimate(tokens, find_model(pane.current_model()))
    assert pane.labels["trained"].text() == f"{expected.trained_tokens:,}"
    assert pane.labels["epochs"].text() == f"{expected.epochs} (automatic)"
    assert f"${expected.cost_usd:,.2f}" in pane.labels["cost"].text()
    assert sum(c for _, c in pane.last_histogram) == 21
    assert pane._chart_view is not None
    pane.epochs_spin.setValue(2)
    pane.refresh()
    assert pane.labels["epochs"].text() == "2 (chosen)"
    assert window.prefs.epochs == 2
    window.examples_pane.select_record(0)
    window.menus.act_delete.trigger()
    qtbot.waitUntil(lambda: pane.labels["examples"].text() == "20", timeout=5000)
    assert "0 approved" in pane.labels["review"].text()


def test_choosing_a_provider_adds_its_rules_to_the_problems(qtbot, window, tmp_path: Path) -> None:
    import json

    lines = [
        {"messages": [{"role": "user", "content": f"Q{i}"}, {"role": "assistant", "content": "A"}]}
        for i in range(12)
    ]
    lines.append(
        {
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "user", "content": "Anyone there?"},
                {"role": "assistant", "content": "Yes."},
            ]
        }
    )
    path = tmp_path / "turns.jsonl"
    path.write_text("".join(json.dumps(v) + "\n" for v in lines), encoding="utf-8")
    open_and_check(qtbot, window, path)
    pane = window.overview_pane
    analysis = window.document.analysis
    assert "together_turns_alternate" not in analysis.problem_codes
    assert pane.provider_combo.currentData() == "openai"
    assert [pane.provider_combo.itemText(i) for i in range(pane.provider_combo.count())] == [
        "OpenAI",
        "Azure OpenAI",
        "Together AI",
        "Fireworks AI",
        "OpenAI-compatible service",
        "Nebius Token Factory",
    ]

    pane.provider_combo.setCurrentIndex(pane.provider_combo.findData("together"))
    assert window.prefs.provider == "together"
    qtbot.waitUntil(
        lambda: "together_turns_alternate" in analysis.problem_codes and is_checked(window),
        timeout=30_000,
    )
    found = [p for _, p in analysis.problems() if p.code == "together_turns_alternate"]
    assert [(p.line, p.message_index) for p in found] == [(13, 1)]
    window.side_tabs.setCurrentWidget(pane)
    pane.refresh()
    # Together's own models now (its catalogue): the app has no price of Together's
    assert pane.current_model() == "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    assert pane.labels["cost"].text() == (
        "Together AI prices this model on its own price list; the app has no price for it"
    )
    pane.provider_combo.setCurrentIndex(pane.provider_combo.findData("azure"))
    assert pane.current_model() == "gpt-4.1-mini-2025-04-14"  # Azure keeps OpenAI's models
    qtbot.waitUntil(lambda: is_checked(window), timeout=30_000)  # the rules changed: checked again
    pane.refresh()
    assert (
        pane.labels["cost"]
        .text()
        .startswith("Azure OpenAI sets its own prices; at OpenAI's, about $")
    )

    pane.provider_combo.setCurrentIndex(pane.provider_combo.findData("openai"))
    qtbot.waitUntil(
        lambda: "together_turns_alternate" not in analysis.problem_codes and is_checked(window),
        timeout=30_000,
    )


@pytest.mark.parametrize(
    ("day", "provider", "note"),
    [
        ("2027-01-05", "openai", "OpenAI: no new jobs from 6 January 2027 — 1 day left."),
        ("2027-01-06", "azure", ""),
        ("2027-10-13", "azure", ""),
        ("2027-10-14", "together", ""),
    ],
)
def test_the_estimate_defaults_to_a_provider_that_still_trains(
    qtbot, day: str, provider: str, note: str
) -> None:
    from datetime import date

    from desktop_app.core.models.today import pretend_today
    from desktop_app.ui.panes.overview_pane import OverviewPane

    with pretend_today(date.fromisoformat(day)):
        pane = OverviewPane("gpt-4.1-mini-2025-04-14", None, provider="openai")
        qtbot.addWidget(pane)
        assert pane.current_provider() == provider
        assert pane.provider_note.text() == note
        models = [pane.model_combo.itemData(i) for i in range(pane.model_combo.count())]
        assert pane.current_model() in models
        if day >= "2027-10-14":
            assert "gpt-4.1-mini-2025-04-14" not in models
        pane.provider_combo.setCurrentIndex(pane.provider_combo.findData("openai"))
        if day >= "2027-01-06":  # chosen on purpose after the cut-off: said plainly
            assert "takes no new fine-tuning jobs since 6 January 2027" in pane.provider_note.text()


def test_the_wheel_scrolls_the_overview_past_its_choices(qtbot, window, sample_file: Path) -> None:
    """A wheel turn over the provider, model or epochs box scrolls the overview and changes
    nothing, until the box is chosen (Qt's boxes take every turn: the model changed while a
    writer scrolled the overview)."""
    open_and_check(qtbot, window, sample_file)
    pane = window.overview_pane
    window.side_tabs.setCurrentWidget(pane)
    window.resize(1100, 500)
    bar = pane.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5_000)
    boxes = (pane.provider_combo, pane.model_combo, pane.epochs_spin)
    before = [pane.provider_combo.currentIndex(), pane.model_combo.currentIndex()]
    epochs = pane.epochs_spin.value()
    for box in boxes:
        bar.setValue(0)
        turn_wheel(box, notches=-1)
        assert bar.value() > 0, box.objectName()
        assert not box.hasFocus()
    assert [pane.provider_combo.currentIndex(), pane.model_combo.currentIndex()] == before
    assert pane.epochs_spin.value() == epochs
    pane.epochs_spin.setFocus()
    turn_wheel(pane.epochs_spin, notches=1)
    qtbot.waitUntil(lambda: pane.epochs_spin.value() != epochs, timeout=2_000)


@pytest.mark.parametrize(("width", "stacked"), [(240, True), (520, False)])
def test_a_narrow_overview_puts_each_caption_above_its_value(
    qtbot, width: int, stacked: bool
) -> None:
    """Beside a 1024-pixel window the values had a column 80 pixels wide: "21 draft, 0 needs
    work, 0 approved" took four lines."""
    from desktop_app.ui.panes.overview_pane import OverviewPane

    pane = OverviewPane("gpt-4.1-mini-2025-04-14", None, provider="openai")
    qtbot.addWidget(pane)
    pane.labels["review"].setText("21 draft, 0 needs work, 0 approved")
    pane.resize(width, 700)
    pane.show()
    value = pane.labels["review"]
    caption = next(c for c in value.parentWidget().findChildren(QLabel) if c.text() == "Review:")
    qtbot.waitUntil(lambda: value.width() > 0 and caption.isVisible())
    if stacked:  # under its caption, from the same left edge, on at most two lines
        qtbot.waitUntil(lambda: value.y() >= caption.geometry().bottom())
        assert value.x() == caption.x()
        assert value.height() <= 2 * value.fontMetrics().lineSpacing() + 4
    else:  # beside it, on one line
        qtbot.waitUntil(lambda: value.x() > caption.geometry().right())
        assert value.height() < 2 * value.fontMetrics().lineSpacing()
    pane.resize(760 - width, 700)  # and back the other way when the pane is resized
    qtbot.waitUntil(lambda: (value.x() == caption.x()) is not stacked)


def test_length_labels_are_whole_or_short_never_cut_nor_overlapping(qtbot) -> None:
    """QtCharts cut "128–255" to "128–…" even where it fitted; uncut, nine overlapped."""
    from PySide6.QtGui import QColor, QFontMetrics
    from PySide6.QtWidgets import QWidget

    from desktop_app.ui.panes.bar_chart import chart_view, show_bars

    def shown(counts: list[int], width: int) -> list[str]:
        holder = QWidget()
        qtbot.addWidget(holder)
        view = chart_view(holder, "lengths", 160)
        bins = histogram(counts)
        labels = [label for label, _ in bins]
        short = [label.split("–")[0] for label in labels]
        black = QColor("black")
        show_bars(view, labels, [c for _, c in bins], black, black, short_labels=short)
        holder.show()
        view.resize(width, 180)
        axis = view.chart().axes()[0]
        room = (width - 32) / len(labels)
        metrics = QFontMetrics(axis.labelsFont())

        def fit() -> bool:  # every other label blank: the others have two bars' room
            labels = axis.categories()
            slots = 2 if any(not t.strip() for t in labels) else 1
            return all(metrics.horizontalAdvance(t) + 6 <= room * slots for t in labels)

        qtbot.waitUntil(lambda: view.width() == width and fit())
        assert not axis.truncateLabels()
        return [t.strip() for t in axis.categories()]

    few = [100, 150, 170, 200, 140]
    assert shown(few, 300) == ["64–127", "128–255", "256–511"]
    many = [10, 70, 200, 300, 700, 1500, 3000, 5000, 9000]
    assert shown(many, 700)[4] == "512–1k"
    assert shown(many, 330) == ["0", "64", "128", "256", "512", "1k", "2k", "4k", "8k"]
    assert shown(many, 230) == ["0", "", "128", "", "512", "", "2k", "", "8k"]
