"""The start dialog's guide, dates, model lists and settings, with real widgets offscreen, a real
practice server on 127.0.0.1 and the real keyring backend of the conftest. The day is pretended
through desktop_app.core.models.today (workers read it too)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from training_helpers import chat_dataset, hub_fixture, practice_server_fixture  # type: ignore[import-not-found]  # noqa: F401

from desktop_app.core.models.today import pretend_today
from desktop_app.ui.training.hub import TrainingHub
from desktop_app.ui.training.start_check_page import PRACTICE_START_TEXT, START_TEXT
from desktop_app.ui.training.start_job_dialog import StartJobDialog

CUT_OFF = date(2027, 1, 6)
DAY_BEFORE = date(2027, 1, 5)


@pytest.fixture
def open_dialog(qtbot, hub: TrainingHub) -> Iterator:
    def make(**kwargs) -> StartJobDialog:
        dialog = hub.start_training(None, chat_dataset(12), **kwargs)
        qtbot.addWidget(dialog)
        return dialog

    yield make


def _pick(dialog: StartJobDialog, kind: str) -> None:
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData(kind))


def _models(dialog: StartJobDialog) -> list[str]:
    return [dialog.model_combo.itemData(i) for i in range(dialog.model_combo.count())]


def test_the_guide_has_a_row_per_provider_and_a_recommendation(qtbot, open_dialog) -> None:
    with pretend_today(DAY_BEFORE):
        dialog = open_dialog()
    guide = dialog.guide
    assert guide.providers() == [
        "openai",
        "azure",
        "together",
        "fireworks",
        "nebius",
        "compatible",
        "practice",
    ]
    assert guide.isVisibleTo(dialog)  # a new user (practice so far) sees it open
    assert "No account anywhere yet?" in guide.recommendation.text()
    assert "Together AI" in guide.recommendation.text()
    openai = guide.row_text("openai")
    assert "No new jobs from 6 January 2027 — 1 day left." in openai
    assert "deployment" in guide.row_text("azure") and "billed by the hour" in guide.row_text(
        "azure"
    )
    assert "$0.50 per 1M training tokens" in guide.row_text("fireworks")
    assert "Facts checked on 7 December 2026" in guide.checked.text()
    item = guide.table.item(guide.providers().index("nebius"), 0)
    guide.table.itemDoubleClicked.emit(item)
    assert dialog.provider_kind == "nebius"
    dialog.guide_toggle.setChecked(False)
    assert not guide.isVisibleTo(dialog)


def test_every_column_heading_fits_at_the_dialogs_least_width(qtbot, open_dialog) -> None:
    """ "Try the tuned model" showed as "y the tuned mod" in a 780-pixel dialog."""
    dialog = open_dialog()
    dialog.resize(dialog.minimumSizeHint().width(), dialog.height())
    header = dialog.guide.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(1) < header.width() // 3, timeout=2_000)
    metrics = header.fontMetrics()
    for column in range(header.count()):
        label = dialog.guide.table.horizontalHeaderItem(column).text()
        needed = metrics.horizontalAdvance(label) + 8  # the section's own margins
        assert needed <= header.sectionSize(column), (label, header.sectionSize(column))


def test_the_day_before_openai_shows_its_countdown_everywhere(qtbot, open_dialog) -> None:
    with pretend_today(DAY_BEFORE):
        dialog = open_dialog()
        index = dialog.provider_combo.findData("openai")
        assert dialog.provider_combo.itemText(index).endswith(
            "no new jobs from 6 January 2027 — 1 day left"
        )
        assert dialog.provider_combo.model().item(index).isEnabled()
        _pick(dialog, "openai")
        assert dialog.wind_down.isVisibleTo(dialog)
        assert "no new jobs from 6 January 2027 — 1 day left" in dialog.wind_down.text()
        assert "gpt-4.1-mini-2025-04-14" in _models(dialog)
        dialog.start_checks()
        assert dialog.start_button.text() == START_TEXT


def test_from_the_cut_off_openai_is_not_offered(qtbot, hub: TrainingHub, open_dialog) -> None:
    hub.config = replace(hub.config, last_provider="openai")
    with pretend_today(CUT_OFF):
        dialog = open_dialog()
        index = dialog.provider_combo.findData("openai")
        assert not dialog.provider_combo.model().item(index).isEnabled()
        assert "no new jobs (since 6 January 2027)" in dialog.provider_combo.itemText(index)
        assert dialog.provider_kind == "practice"  # the last choice is no longer offered
        assert "openai" not in dialog.guide.providers()
        dialog.chooser.select_provider("openai")
        assert dialog.provider_kind == "practice"
        _pick(dialog, "openai")  # even forced, there is nothing to train
        assert _models(dialog) == []


def test_open_model_lists_are_never_empty_without_a_key_and_name_the_right_provider(
    qtbot, open_dialog
) -> None:
    dialog = open_dialog()
    for kind, model in (
        ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"),
        ("fireworks", "llama-v3p1-8b-instruct"),
        ("nebius", "meta-llama/Meta-Llama-3.1-8B-Instruct"),
    ):
        _pick(dialog, kind)
        assert model in _models(dialog), kind
    _pick(dialog, "together")
    _pick(dialog, "nebius")  # Together's answer (no key) arrives while Nebius is chosen
    qtbot.waitUntil(
        lambda: "no API key for Nebius Token Factory" in dialog.key_line.text(), timeout=10_000
    )
    qtbot.waitUntil(
        lambda: "Nebius Token Factory's own model list" in dialog.model_info.text(), timeout=10_000
    )
    assert "Together" not in dialog.model_info.text() + dialog.key_line.text()
    assert "showing the models the app knows (checked 7 December 2026)" in dialog.model_info.text()
    assert "every conversation ends with the assistant's reply" in dialog.provider_note.text()
    _pick(dialog, "fireworks")
    assert "Fireworks AI's rules: at least 3 examples" in dialog.provider_note.text()
    assert "Fireworks AI needs an address first" in dialog.key_line.text()
    assert "Together" not in dialog.key_line.text()


def test_a_live_list_replaces_the_catalogue_once_a_key_works(
    qtbot, hub: TrainingHub, open_dialog, practice_server, monkeypatch
) -> None:
    monkeypatch.setenv("NEBIUS_API_KEY", "nebius-test-key-1234567890")
    hub.config = hub.config.with_base_url("nebius", practice_server.base_url)  # a gateway
    dialog = open_dialog()
    _pick(dialog, "nebius")
    qtbot.waitUntil(lambda: "gpt-4.1-mini-2025-04-14" in _models(dialog), timeout=10_000)
    assert "meta-llama/Meta-Llama-3.1-8B-Instruct" not in _models(dialog)
    qtbot.waitUntil(lambda: "NEBIUS_API_KEY" in dialog.key_line.text(), timeout=10_000)


def test_advanced_settings_are_folded_away_with_a_plain_line_each(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    settings = dialog.settings
    assert not settings.advanced.isVisibleTo(dialog)
    assert dialog.suffix_edit.isVisibleTo(dialog) and dialog.validation_combo.isVisibleTo(dialog)
    dialog.advanced_toggle.click()
    assert settings.advanced.isVisibleTo(dialog)
    for key in ("epochs", "batch", "lr", "seed"):
        text = settings.explanations[key].text()
        assert text.endswith(".") and len(text) < 100
    dialog.epochs_spin.setValue(3)
    assert "Epochs: <b>3</b>" in dialog.choices_text()


def test_practice_mode_says_start_practice_run(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    _pick(dialog, "practice")
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    dialog.start_checks()
    assert dialog.start_button.text() == PRACTICE_START_TEXT
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert "practice run" in dialog.confirm_check.text()


def test_nebius_rules_block_in_the_start_dialog(qtbot, hub: TrainingHub) -> None:
    from training_helpers import chat_example  # type: ignore[import-not-found]

    from desktop_app.core.dataset.records import Dataset

    open_ended = {"messages": [{"role": "user", "content": "Anyone there?"}]}
    dialog = hub.start_training(
        None, Dataset.from_values([chat_example(i) for i in range(12)] + [open_ended])
    )
    qtbot.addWidget(dialog)
    _pick(dialog, "nebius")
    assert dialog.model == "meta-llama/Meta-Llama-3.1-8B-Instruct"  # its usual model, no key yet
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert dialog.outcome.blocked
    [error] = [f for f in dialog.outcome.errors if "Nebius" in f.text]
    assert error.record_index == 12 and "assistant's reply" in error.text
