"""Comparing two models in the GUI, against the practice server over real HTTP: the setup dialog
and its estimate, the results table filling in (qtmodeltester), stopping, failures, a blind
rating by keyboard to its summary, saving, reopening and CSV export."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

from tests.core.compare_support import answer, examples
from tests.ui.playground.fixtures import (  # noqa: F401 (fixtures, found by pytest by name)
    OpenDocument,
    document_fixture,
    server_fixture,
    services_fixture,
    store_fixture,
    trained_fixture,
    tuned_fixture,
)

from PySide6.QtCore import Qt

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.trying.comparison import TIE, A, B, Comparison, Reply, Result, RunSettings
from desktop_app.core.trying.endpoints import BASE, TUNED, Endpoint
from desktop_app.core.trying.prompts import prompts_from_dataset
from desktop_app.ui.playground import compare_view, open_comparison, show_comparison
from desktop_app.ui.playground.compare_dialog import CompareSetupDialog
from desktop_app.ui.playground.compare_model import Column, CompareTableModel, FullTextRole
from desktop_app.ui.playground.compare_view import (
    RATING,
    SUMMARY,
    TABLE,
    CompareWindow,
    run_job,
)
from desktop_app.ui.theme import severity_color


def endpoints(services) -> tuple[Endpoint, Endpoint]:
    choices = services.endpoint_choices()
    return (
        next(e for e in choices if e.origin == BASE),
        next(e for e in choices if e.origin == TUNED),
    )


def comparison_for(services, count: int = 4, **settings) -> Comparison:
    base, tuned = endpoints(services)
    prompts = prompts_from_dataset(Dataset.from_values(examples(count))).prompts
    return Comparison.create(
        prompts, base, tuned, settings=RunSettings(**settings), seed=21, source="test prompts"
    )


def window_for(qtbot, services, comparison: Comparison) -> CompareWindow:
    window = CompareWindow(services, comparison)
    qtbot.addWidget(window)
    window.show()
    return window


def wait_run(qtbot, window: CompareWindow, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not window.running, timeout=timeout)


def test_the_table_model_passes_the_model_tester(qtmodeltester, services) -> None:
    comparison = comparison_for(services, 3)
    comparison.apply(Result(0, A, Reply("first reply\nwith two lines")))
    comparison.apply(Result(0, B, Reply(error="Busy.", next_step="Wait.")))
    comparison.set_rating(0, TIE)
    model = CompareTableModel(comparison)

    qtmodeltester.check(model)

    index = model.index(0, Column.REPLY_A)
    assert model.data(index) == "first reply with two lines"
    assert model.data(index, FullTextRole) == "first reply\nwith two lines"
    failed = model.index(0, Column.REPLY_B)
    assert model.data(failed) == "Busy. Wait."
    assert model.data(failed, Qt.ItemDataRole.ForegroundRole) == severity_color("error")
    assert model.data(model.index(0, Column.RATING)) == "About the same"
    assert model.data(model.index(1, Column.REPLY_A)) == "Not asked yet"
    assert model.headerData(Column.REPLY_B, Qt.Orientation.Horizontal).startswith("B: ferns")


def test_the_setup_dialog_estimates_before_starting(qtbot, services, document) -> None:
    dialog = CompareSetupDialog(services, selected=[0, 2, 3])
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.selected_radio.isChecked()
    assert dialog.picker_a.endpoint() == endpoints(services)[0]
    assert dialog.picker_b.endpoint() == endpoints(services)[1]
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)

    assert dialog.start_button.text() == "Start comparison (free)"
    assert "free (practice mode)" in dialog.estimate.text()
    assert dialog.prompts_note.text() == "3 prompts."

    dialog.validation.setChecked(True)
    assert not dialog.start_button.isEnabled()  # a new estimate is on its way
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    assert "validation share (10%)" in dialog._prepared.comparison.source

    dialog.picker_b.place.setCurrentIndex(dialog.picker_b.place.findData("local:ollama"))
    qtbot.waitUntil(lambda: "Model B: Type a model name." in dialog.estimate.text(), timeout=5000)
    assert not dialog.start_button.isEnabled()
    dialog.picker_b.model.setEditText("fern-model")
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    assert dialog.comparison is not None
    assert dialog.comparison.b == Endpoint(
        "local", "fern-model", "http://localhost:11434/v1", preset="ollama"
    )


def _openai_on_both_sides(qtbot, services, model: str) -> CompareSetupDialog:
    """The set-up dialog, shown, with OpenAI's `model` chosen as model A and as model B."""
    dialog = CompareSetupDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    for picker in (dialog.picker_a, dialog.picker_b):
        picker.place.setCurrentIndex(picker.place.findData("openai"))
        picker.model.setEditText(model)
    return dialog


def test_a_model_is_not_compared_with_itself(qtbot, services, document) -> None:
    """With no tuned model yet, both sides started on the same model: a paid comparison that
    could teach nothing."""
    dialog = _openai_on_both_sides(qtbot, services, "gpt-4.1-mini-2025-04-14")
    qtbot.waitUntil(lambda: "the same model" in dialog.estimate.text(), timeout=10_000)
    assert not dialog.start_button.isEnabled()
    dialog.picker_b.model.setEditText("gpt-4.1-2025-04-14")
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    assert "the same model" not in dialog.estimate.text()


def test_two_line_notices_grow_the_setup_dialog(qtbot, services, document) -> None:
    """OpenAI's models carry a two-line shutdown notice: the dialog, sized once, kept its height
    and cut both notices in half (seen at 1024×700)."""
    dialog = _openai_on_both_sides(qtbot, services, "gpt-4.1-2025-04-14")
    notes = (dialog.picker_a.note, dialog.picker_b.note)
    qtbot.waitUntil(lambda: all("shuts down on" in n.text() for n in notes), timeout=10_000)

    def whole() -> bool:
        return all(n.height() >= n.heightForWidth(n.width()) for n in notes)

    qtbot.waitUntil(whole, timeout=5000)
    assert all(n.heightForWidth(n.width()) > n.fontMetrics().lineSpacing() * 1.5 for n in notes)


def test_an_unusable_prompt_file_is_explained_in_the_dialog(qtbot, services, tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    dialog = CompareSetupDialog(services)
    qtbot.addWidget(dialog)

    dialog.path.setText(str(empty))
    dialog.file_radio.setChecked(True)

    qtbot.waitUntil(lambda: "no prompts" in dialog.prompts_note.text(), timeout=10_000)
    assert dialog.prompts_note.text().startswith(
        "“empty.txt” has no prompts the comparison can use."
    )
    assert not dialog.start_button.isEnabled()


def test_results_fill_the_table_as_they_arrive(qtbot, services, server) -> None:
    server.config.chat_piece_delay = 3.0
    window = window_for(qtbot, services, comparison_for(services, 5, concurrency=2))
    changed_rows: list[int] = []
    window.model.dataChanged.connect(lambda first, last: changed_rows.append(first.row()))

    window.start()
    assert window.running and window.stop_button.isEnabled()
    # some results are in while the others are still being asked for
    qtbot.waitUntil(lambda: window.running and 2 <= window.progress.value() < 10, timeout=10_000)
    wait_run(qtbot, window)

    assert window.progress.value() == 10 and window.progress_label.text() == "10 of 10 replies"
    assert set(changed_rows) >= {0, 1, 2, 3, 4}
    model = window.model
    for row in range(5):
        assert model.data(model.index(row, Column.REPLY_B), FullTextRole) == answer(row + 1)
        assert model.data(model.index(row, Column.REFERENCE), FullTextRole) == answer(row + 1)
    assert not window.again_button.isEnabled()
    qtbot.waitUntil(lambda: window.saved_label.text().startswith("Saved to"), timeout=5000)


def test_progress_is_reported_only_from_the_worker_thread(
    qtbot, services, server, monkeypatch
) -> None:
    """No Qt signal from a thread Qt does not know: each result reaches the worker's progress
    signal from the Qt pool thread running the job, not from the requests' own threads."""
    worker_threads: list[int] = []
    reporting_threads: list[int] = []

    def recording_job(*args, progress, **kwargs):
        worker_threads.append(threading.get_ident())

        def report(result: object) -> None:
            reporting_threads.append(threading.get_ident())
            progress(result)

        return run_job(*args, progress=report, **kwargs)

    monkeypatch.setattr(compare_view, "run_job", recording_job)
    window = window_for(qtbot, services, comparison_for(services, 4, concurrency=4))

    window.start()
    wait_run(qtbot, window)

    assert window.progress.value() == 8 and len(reporting_threads) == 8
    assert len(worker_threads) == 1 and set(reporting_threads) == set(worker_threads)
    assert worker_threads[0] != threading.get_ident()  # the job ran off the GUI thread


def test_stopping_keeps_the_replies_that_arrived(qtbot, services, server) -> None:
    server.config.chat_piece_delay = 20.0
    window = window_for(qtbot, services, comparison_for(services, 6, concurrency=1))

    window.start()
    qtbot.waitUntil(lambda: window.progress.value() >= 2, timeout=15_000)
    qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
    wait_run(qtbot, window, 5000)

    arrived = window.progress.value()
    assert 2 <= arrived < 12
    assert window.comparison.rows[0].answered
    assert len(window.comparison.pending()) == 12 - arrived
    assert window.again_button.isEnabled() and window.again_button.text() == "Ask again"

    server.config.chat_piece_delay = 0.0
    qtbot.mouseClick(window.again_button, Qt.MouseButton.LeftButton)
    wait_run(qtbot, window)
    assert window.comparison.finished and window.progress.value() == 12


def test_a_model_that_does_not_exist_is_explained_and_the_rest_is_kept(
    qtbot, services, server
) -> None:
    comparison = comparison_for(services, 3)
    comparison.b = Endpoint("practice", "ft:gpt-4o-mini:acme::gone", server.base_url)
    window = window_for(qtbot, services, comparison)

    window.start()
    wait_run(qtbot, window)

    assert window.problem.isVisible()
    assert window.problem.text().startswith(
        "3 replies failed; the others are kept. Model B: This model isn't available: "
        "“ft:gpt-4o-mini:acme::gone” at the practice server."
    )
    cell = window.model.index(1, Column.REPLY_B)
    assert window.model.data(cell, Qt.ItemDataRole.ForegroundRole) == severity_color("error")
    assert all(row.a is not None and row.a.ok for row in comparison.rows)
    assert window.again_button.isEnabled()


def test_a_blind_rating_by_keyboard_reaches_its_summary(qtbot, services, tmp_path) -> None:
    window = window_for(qtbot, services, comparison_for(services, 5))
    window.start()
    wait_run(qtbot, window)
    panel = window.rating
    comparison = window.comparison

    qtbot.mouseClick(window.rate_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentIndex() == RATING
    shown_names = panel.first.toPlainText() + panel.second.toPlainText()
    assert comparison.a.display_name not in shown_names
    keys = []
    for _ in range(5):
        row = comparison.rows[panel.row]
        tuned_first = row.blind_sides()[0] == B
        if panel.row == 2:
            key = Qt.Key.Key_T
        elif panel.row == 3:
            key = Qt.Key.Key_Left if row.blind_sides()[0] == A else Qt.Key.Key_Right  # pick A
        else:
            key = Qt.Key.Key_1 if tuned_first else Qt.Key.Key_2  # pick the tuned model, B
        keys.append((panel.row, tuned_first))
        first_text = panel.first.toPlainText()
        expected_first = row.reply(row.blind_sides()[0])
        assert expected_first is not None and first_text == expected_first.text
        qtbot.keyClick(panel, key)

    assert window.pages.currentIndex() == SUMMARY
    assert [r.rating for r in comparison.rows] == [B, B, TIE, A, B]
    assert {flipped for _, flipped in keys} == {True, False}  # both blind orders were shown
    headline = window.summary_panel.headline.text()
    assert headline == "Model B won 3 of 5 rated prompts (60%); Model A won 1; 1 tie."
    details = window.summary_panel.details.text()
    assert f"<b>B</b> — {comparison.b.display_name}: better on 3 (60%)" in details
    assert "still to rate" not in details and "cannot be rated" not in details

    qtbot.waitUntil(
        lambda: (
            comparison.path is not None and Comparison.load(comparison.path).summary().rated == 5
        ),
        timeout=5000,
    )
    saved = Comparison.load(comparison.path)
    assert [r.flipped for r in saved.rows] == [r.flipped for r in comparison.rows]

    out = tmp_path / "ratings.csv"
    assert window.export_to(out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["rating"] for r in rows] == ["B", "B", "tie", "A", "B"]


def test_going_back_changes_a_rating(qtbot, services) -> None:
    window = window_for(qtbot, services, comparison_for(services, 3))
    window.start()
    wait_run(qtbot, window)
    window.start_rating()
    panel = window.rating

    first_row = panel.row
    qtbot.keyClick(panel, Qt.Key.Key_1)
    qtbot.keyClick(panel, Qt.Key.Key_Up)
    assert panel.row == first_row and panel.pick_first.isChecked()
    qtbot.keyClick(panel, Qt.Key.Key_2)

    row = window.comparison.rows[first_row]
    assert row.rating == row.blind_sides()[1]
    assert window.comparison.summary().rated == 1


def test_a_saved_comparison_opens_again_with_its_ratings(qtbot, services, tmp_path) -> None:
    comparison = comparison_for(services, 2)
    comparison.apply(Result(0, A, Reply("one")))
    comparison.apply(Result(0, B, Reply("two")))
    comparison.set_rating(0, B)
    path = comparison.save(tmp_path / "saved.json")

    window = open_comparison(None, services, path)
    assert window is not None
    qtbot.addWidget(window)

    assert window.pages.currentIndex() == TABLE
    assert window.model.data(window.model.index(0, Column.RATING)) == "B is better"
    assert window.again_button.text() == "Ask again" and window.again_button.isEnabled()
    window.show_summary()
    assert window.summary_panel.headline.text().startswith("Model B won 1 of 1 rated prompts")
    assert "1 cannot be rated: a reply is missing or failed." in window.summary_panel.details.text()


def test_show_comparison_runs_it(qtbot, services) -> None:
    window = show_comparison(None, services, comparison_for(services, 2), run=True)
    qtbot.addWidget(window)

    wait_run(qtbot, window)

    assert window.comparison.finished
    assert Path(window.comparison.default_path()).suffix == ".json"


def test_ctrl_w_closes_the_playground_and_a_comparison(qtbot, services, tmp_path) -> None:
    """Neither window could be closed from the keyboard (the main window's Ctrl+W closes the
    dataset, so a writer expects it of these too)."""
    from desktop_app.ui.playground.playground_window import PlaygroundWindow

    comparison = comparison_for(services, 2)
    comparison.path = tmp_path / "c.json"
    playground = PlaygroundWindow(services)
    qtbot.addWidget(playground)
    for window in (window_for(qtbot, services, comparison), playground):
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda w=window: not w.isVisible())


def test_with_no_tuned_model_the_two_sides_start_on_different_models(qtbot, document) -> None:
    """A writer with no tuned model opened the dialog on “the same model: choose another”."""
    from desktop_app.ui.playground.services import TryServices

    fresh = TryServices(document=lambda: document)
    try:
        dialog = CompareSetupDialog(fresh)
        qtbot.addWidget(dialog)
        a, b = dialog.picker_a.endpoint(), dialog.picker_b.endpoint()
        assert a is not None and b is not None and a.kind == b.kind and a.model != b.model
        qtbot.waitUntil(lambda: "estimate" not in dialog.estimate.text(), timeout=10_000)
        assert "the same model" not in dialog.estimate.text()
    finally:
        assert fresh.shutdown(20_000)
