"""Quick fixes from the Problems list, as the writer uses them: a missing reply is written, a
warning can be set aside as intended (kept in the sidecar, counted apart, reversible), and a
file-wide problem opens the overview beside the Problems list."""

from __future__ import annotations

from pathlib import Path

from window_helpers import answer_next_dialog, open_and_check

from desktop_app.core.dataset.review import sidecar_path


def _select(window, record: int, code: str, message_index: int | None = None) -> None:
    model = window.problems_model
    model.rebuild()
    for row in range(model.rowCount()):
        index, problem = model.problem(row)
        wanted = message_index is None or problem.message_index == message_index
        if index == record and problem.code == code and wanted:
            window.problems_pane.select_row(row)
            return
    raise AssertionError(f"no {code} on example {record}")


def _error_codes(window, record: int) -> set[str]:
    return {
        p.code for p in window.document.analysis.record_problems(record) if p.severity == "error"
    }


def test_a_missing_reply_is_written_and_nothing_is_traded(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    _select(window, 14, "no_assistant_message")
    assert window.problems_pane.fix_button.accessibleName() == "Write the reply"
    errors_before = window.document.analysis.error_count

    def write(dialog) -> None:
        dialog.setTextValue("Our spring range arrives in March.")
        dialog.accept()

    answer_next_dialog(write)
    window.problems_pane.fix_button.click()
    qtbot.waitUntil(lambda: "no_assistant_message" not in _error_codes(window, 14), timeout=5000)
    messages = window.document.dataset.value(14)["messages"]
    assert messages[-1] == {"role": "assistant", "content": "Our spring range arrives in March."}
    assert _error_codes(window, 14) == set()
    qtbot.waitUntil(lambda: window.document.analysis.error_count == errors_before - 1)


def test_every_fix_the_sample_offers_leaves_no_new_error(qtbot, window, sample_file: Path) -> None:
    """Apply each offered fix (writing fixes get the writer's words), check again, compare."""
    open_and_check(qtbot, window, sample_file)
    model = window.problems_model
    targets = [(i, p) for i, p in (model.problem(r) for r in range(model.rowCount())) if p.fix]
    assert targets
    for record, problem in targets:
        before = _error_codes(window, record)
        answer_next_dialog(lambda d: (d.setTextValue("Happy to help."), d.accept()))
        window.edits.apply_quick_fix(record, problem, problem.fix)
        focus = window.focusWidget()
        if (
            problem.fix.code == "write_reply"
            and focus is not None
            and window.editor.isAncestorOf(focus)
        ):
            qtbot.keyClicks(focus, "Happy to help.")
        qtbot.waitUntil(
            lambda r=record, p=problem: (
                p.code
                not in _error_codes(window, r)
                | {q.code for q in window.document.analysis.record_problems(r)}
            ),
            timeout=5000,
        )
        assert _error_codes(window, record) <= before, problem.code


def test_a_warning_set_aside_is_kept_counted_apart_and_reversible(
    qtbot, window, sample_file: Path
) -> None:
    open_and_check(qtbot, window, sample_file)
    warnings = window.document.analysis.warning_count
    _select(window, 13, "email_address", 1)
    pane = window.problems_pane
    assert pane.intended_button.isVisible() and pane.intended_button.text() == "This Is Intended"
    pane.intended_button.click()
    qtbot.waitUntil(lambda: window.problems_model.counts().set_aside == 1, timeout=5000)
    assert window.problems_model.counts().warnings == warnings - 1
    qtbot.waitUntil(lambda: "1 set aside" in pane.summary.text(), timeout=5000)
    qtbot.waitUntil(lambda: "1 set aside" in window.counts_label.text(), timeout=5000)
    # shown last, as set aside, and still listed
    last = window.problems_model.rowCount() - 1
    assert window.problems_model.intended(last)
    assert window.problems_model.data(window.problems_model.index(last, 2)).startswith("Set aside")
    window.menus.act_save.trigger()
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=10_000)
    assert "email_address@1" in sidecar_path(sample_file).read_text(encoding="utf-8")
    # reversible: undo, and "Count It Again"
    window.menus.act_undo.trigger()
    qtbot.waitUntil(lambda: window.problems_model.counts().set_aside == 0, timeout=5000)
    window.menus.act_redo.trigger()
    qtbot.waitUntil(lambda: window.problems_model.counts().set_aside == 1, timeout=5000)
    pane.select_row(last)
    assert pane.intended_button.text() == "Count It Again"
    pane.intended_button.click()
    qtbot.waitUntil(lambda: window.problems_model.counts().warnings == warnings, timeout=5000)


def test_errors_cannot_be_set_aside(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    _select(window, 12, "unknown_role")
    assert not window.problems_pane.intended_button.isVisible()


def test_a_file_wide_warning_can_be_set_aside_too(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    model = window.problems_model
    row = next(r for r in range(model.rowCount()) if model.problem(r)[0] is None)
    _, problem = model.problem(row)
    assert problem.severity == "warning"  # "The file has 21 examples…"
    window.problems_pane.select_row(row)
    assert window.side_area.is_beside()  # its overview section opens beside the list
    assert window.problems_pane.isVisible()
    window.problems_pane.intended_button.click()
    qtbot.waitUntil(lambda: window.problems_model.counts().set_aside == 1, timeout=5000)
    window.menus.act_save.trigger()
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=10_000)
    assert problem.code in sidecar_path(sample_file).read_text(encoding="utf-8")
    window.menus.act_undo.trigger()
    qtbot.waitUntil(lambda: window.problems_model.counts().set_aside == 0, timeout=5000)


def test_the_overview_goes_back_to_its_tab_with_the_datasets_state(
    qtbot, window, sample_file: Path
) -> None:
    """Back to Tab gave the Overview a green tick whatever the file held (the sample has errors)."""
    open_and_check(qtbot, window, sample_file)
    model = window.problems_model
    row = next(r for r in range(model.rowCount()) if model.problem(r)[0] is None)
    window.problems_pane.select_row(row)
    side = window.side_area
    assert side.is_beside()
    side.put_back()
    tabs = side.tabs
    problems, overview = tabs.indexOf(window.problems_pane), tabs.indexOf(window.overview_pane)
    assert overview >= 0 and not side.is_beside()
    assert side.sizes()[1] == 0  # the tabs have the whole height again
    assert tabs.tabToolTip(overview) == tabs.tabToolTip(problems)
    assert "errors to fix" in tabs.tabToolTip(overview)
    assert tabs.tabIcon(overview).cacheKey() == tabs.tabIcon(problems).cacheKey()


def test_fix_all_like_this_mends_every_one_in_one_step_and_undo_puts_them_back(
    qtbot, window, tmp_path: Path
) -> None:
    """A repaired file kept its 8 blank lines, each to be removed by hand, one click apiece."""
    line = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "%s", "content": "%s"}]}'
    hello, fine, bye = (line % (b"assistant", t) for t in (b"Hello. ", b"Fine.", b"Bye.  "))
    odd = line % (b"assistnat", b"Yes.")  # a problem found once
    raw = b"\n".join([hello, b"", fine, b"", b"", bye, b"", odd]) + b"\n"
    path = tmp_path / "blanks.jsonl"
    path.write_bytes(raw)
    open_and_check(qtbot, window, path)
    pane = window.problems_pane
    _select(window, 1, "blank_line")
    assert pane.fix_all_button.isVisible()
    assert pane.fix_all_button.text() == "Fix All 4 Like This"

    pane.fix_all_button.click()  # worked out on the task runner, applied when done
    stack = window.document.undo_stack
    qtbot.waitUntil(lambda: stack.count() == 1, timeout=10_000)  # one step
    assert window.document.dataset.to_bytes() == b"\n".join([hello, fine, bye, odd]) + b"\n"
    assert "(4 examples): done. Undo reverts them all." in window.status_label.text()

    qtbot.waitUntil(lambda: _has(window, 0, "reply_whitespace"))
    _select(window, 0, "reply_whitespace")
    assert pane.fix_all_button.text() == "Fix All 2 Like This"
    pane.fix_all_button.click()
    qtbot.waitUntil(lambda: stack.count() == 2, timeout=10_000)
    replies = [window.document.dataset.value(i)["messages"][1]["content"] for i in range(3)]
    assert replies == ["Hello.", "Fine.", "Bye."]

    code = next(p.code for p in window.document.analysis.record_problems(3) if p.fix)
    _select(window, 3, code)  # a lone one: nothing to do for all
    assert pane.fix_button.isVisible() and not pane.fix_all_button.isVisible()

    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert window.document.dataset.to_bytes() == raw  # byte for byte
    qtbot.waitUntil(lambda: _has(window, 1, "blank_line"))
    _select(window, 1, "blank_line")
    assert pane.fix_all_button.text() == "Fix All 4 Like This"


def test_fix_all_changes_nothing_when_the_examples_changed_meanwhile(
    qtbot, window, tmp_path: Path
) -> None:
    """The fixes are worked out from copies while the writer may go on editing: an edit in
    between would be overwritten, so nothing is applied and the writer is told."""
    from desktop_app.qt.commands import SetValueCommand

    line = (
        '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "%s"}]}'
    )
    path = tmp_path / "spaces.jsonl"
    path.write_text("\n".join(line % t for t in ("One. ", "Two. ", "Three. ")) + "\n")
    open_and_check(qtbot, window, path)
    _select(window, 0, "reply_whitespace")
    window.problems_pane.fix_all_button.click()
    mine = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "X"}]}
    stack = window.document.undo_stack
    stack.push(SetValueCommand(window.document.dataset, 1, mine, "Edit"))  # before it is done
    qtbot.waitUntil(lambda: "nothing was changed" in window.status_label.text(), timeout=10_000)
    assert stack.count() == 1 and window.document.dataset.value(1) == mine
    assert window.document.dataset.value(2)["messages"][1]["content"] == "Three. "


def _has(window, record: int, code: str) -> bool:
    return any(p.code == code for p in window.document.analysis.record_problems(record))


def test_a_templates_placeholder_is_replaced_in_every_example_at_once(qtbot, window) -> None:
    from window_helpers import is_checked

    from desktop_app.core.dataset.templates import find_template

    window.files.open_template(find_template("support_replies"))
    assert window.status_label.text() == (
        "A new dataset from the “Support replies” template. "
        "Replace the words in [brackets]: F8 finds them."
    )
    qtbot.waitUntil(lambda: is_checked(window), timeout=10_000)
    _select(window, 0, "placeholder_text")
    window.examples_pane.table.selectAll()  # everywhere, whatever is selected
    assert window.problems_pane.fix_button.accessibleName() == "Replace it everywhere…"
    seen: dict[str, object] = {}

    def replace(dialog) -> None:
        seen.update(
            find=dialog.find_edit.text(),
            case=dialog.match_case.isChecked(),
            typing_in=dialog.focusWidget() is dialog.replace,
            preview=dialog.preview.text(),
            everywhere=dialog.scope.everything.isChecked(),
        )
        dialog.replace.setText("Larkspur")
        dialog.replace_button.click()

    answer_next_dialog(replace)
    window.problems_pane.fix_button.click()
    assert seen == {
        "find": "[your company]",
        "case": True,
        "typing_in": True,
        "preview": "2 replacements in 2 examples.",
        "everywhere": True,
    }
    systems = [window.document.dataset.value(r)["messages"][0]["content"] for r in (0, 1)]
    assert all(s.startswith("You answer customer support messages for Larkspur.") for s in systems)
    assert window.status_label.text() == "Replaced “[your company]” 2 times. Undo puts it back."
    qtbot.waitUntil(
        lambda: (
            not any(p.code == "placeholder_text" for _, p in window.document.analysis.problems())
        ),
        timeout=10_000,
    )
    window.document.undo_stack.undo()  # one step brings both back
    assert "[your company]" in window.document.dataset.value(1)["messages"][0]["content"]


def test_a_new_template_says_what_it_is(qtbot, window) -> None:
    from desktop_app.core.dataset.templates import find_template

    window.files.open_sample()
    assert "sample dataset" in window.status_label.text()
    window.files.open_template(find_template("empty"))
    assert window.status_label.text() == (
        "A new, empty dataset. Click Add Example to write the first one."
    )  # not the sample's note, left from before
    window.files.open_template(find_template("code_review"))
    assert window.status_label.text() == "A new dataset from the “Code review” template."


def test_a_problems_explanation_is_shown_whole_in_a_narrow_pane(qtbot, window, sample_file) -> None:
    open_and_check(qtbot, window, sample_file)
    window.resize(1024, 700)
    window.splitter.setSizes([420, 380, 224])  # the Problems pane at 1024 pixels
    _select(window, 13, "email_address")  # a long message and a longer hint
    pane = window.problems_pane
    line = pane.fontMetrics().lineSpacing()

    def whole() -> bool:
        shown = pane.detail_area.viewport().height()
        return pane.detail.height() <= shown and pane.detail_area.height() > 4 * line

    qtbot.waitUntil(whole)  # more than the three lines it had, and no scrolling
    long = pane.detail_area.height()
    _select(window, 11, "empty_reply")  # a shorter one gives the list some room back
    qtbot.waitUntil(lambda: whole() and pane.detail_area.height() < long)
    last = window.problems_model.rowCount() - 1
    pane.select_row(last)  # its explanation takes room from the list: the row stays in view
    table = pane.table
    qtbot.waitUntil(
        lambda: table.visualRect(table.currentIndex()).bottom() < table.viewport().height()
    )


def test_a_file_wide_problem_about_the_model_opens_the_overview_at_the_model(
    qtbot, window, tmp_path: Path
) -> None:
    """ChartQA's pictures need a model that sees images: the overview opened at its top (the
    dataset's counts), so the writer told to pick GPT-4o did not see where to."""
    source = Path(__file__).resolve().parents[1] / "data" / "realworld"
    name = "microsoft-foundry_fine-tuning__Sample_Datasets_Supervised_Fine_Tuning_Multimodal-chartqa_validation.jsonl"
    path = tmp_path / "chartqa.jsonl"
    path.write_bytes((source / name).read_bytes())
    window.resize(1024, 700)
    window.show()
    open_and_check(qtbot, window, path)
    _select(window, None, "images_need_vision_model")  # type: ignore[arg-type]
    assert window.side_area.is_beside()
    overview = window.overview_pane
    training = overview.sections["training"]
    scrolled = overview.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: scrolled.value() > 0)
    top = training.mapTo(overview.scroll_area.widget(), training.rect().topLeft()).y()
    assert scrolled.value() == min(top, scrolled.maximum())


def test_an_explanation_says_its_advice_once(qtbot, window, sample_file) -> None:
    """The facts warning's advice is in its message: the detail said it a second time below."""
    open_and_check(qtbot, window, sample_file)
    _select(window, 9, "teaches_facts")
    shown = window.problems_pane.detail.text()
    assert shown.count("Fine-tuning teaches how to speak") == 1
    _select(window, 13, "email_address")  # a hint that adds something is still shown
    _, problem = window.problems_model.problem(window.problems_pane.table.currentIndex().row())
    assert problem.hint and problem.hint in window.problems_pane.detail.text()
