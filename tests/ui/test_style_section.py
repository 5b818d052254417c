"""The voice checks in the window: findings in the Problems pane, the Style section's charts
(bars filter the examples), the word list kept in the sidecar and checked after each edit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from window_helpers import open_and_check

from desktop_app.core.checks.voice.wordlist import WordList
from desktop_app.core.dataset.review import sidecar_wordlist, write_wordlist
from desktop_app.ui.dialogs.wordlist_dialog import WordListDialog

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
TOPICS = ["invoice", "password", "delivery", "warranty", "account", "coupon", "battery", "screen"]


def chat(user: str, reply: str) -> dict[str, Any]:
    return {
        "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    }


def dataset(tmp_path: Path) -> Path:
    rows = [
        chat(
            f"Can you look at the {TOPICS[i % 8]} on order B-{7100 + i * 3}, case {i}?",
            f"Thanks for asking about order B-{7100 + i * 3}. We checked the {TOPICS[i % 8]} "
            f"question number {i} and we will sort it out for you shortly, so nothing else is "
            "needed from you today. Let us know if anything else comes up.",
        )
        for i in range(40)
    ]
    rows[5] = chat("What does it cost?", "It costs $49.99 a month; call 555-123-4567 to order.")
    rows[9]["messages"][1]["content"] = " ".join(["We are glad to help with this."] * 60)
    rows[12]["messages"][1]["content"] += " We can delve into it."
    path = tmp_path / "voice.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    write_wordlist(path, WordList(banned=(("delve", "look"),)))
    return path


def codes_at(window: Any) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for row, problem in window.document.analysis.problems():
        if row is not None:
            found.setdefault(problem.code, set()).add(row)
    return found


def test_voice_findings_charts_and_the_word_list(qtbot, window, tmp_path: Path) -> None:
    path = dataset(tmp_path)
    open_and_check(qtbot, window, path)
    qtbot.waitUntil(lambda: "banned_phrase" in codes_at(window), timeout=10_000)
    found = codes_at(window)
    assert found["teaches_facts"] == {5}
    assert 9 in found["style_outlier"]
    assert found["banned_phrase"] == {12}
    window.problems_model.rebuild()  # the Problems pane lists them, with the line and the fix
    listed = [window.problems_model.problem(r) for r in range(window.problems_model.rowCount())]
    banned = [(row, p) for row, p in filter(None, listed) if p.code == "banned_phrase"]
    assert [row for row, _ in banned] == [12]
    assert banned[0][1].fix is not None and banned[0][1].fix.label == "Replace with “look”"
    shown = {
        window.problems_model.index(r, 0).data() for r in range(window.problems_model.rowCount())
    }
    assert any("delve" in str(text) for text in shown) or window.problems_model.rowCount() > 0

    pane = window.overview_pane
    window.side_tabs.setCurrentWidget(pane)
    pane.refresh()
    section = pane.style_section
    assert "(1 of 40)" in section.facts_label.text()
    assert section.choice.currentText() == "Length (words)"
    bars = section.charts[0].bars
    last = max(i for i, b in enumerate(bars) if b.lines)
    assert bars[last].lines == (10,)  # the long reply, alone in the top bar
    with qtbot.waitSignal(section.rows_chosen):
        section.choose_bar(last)
    proxy = window.examples_pane.proxy
    qtbot.waitUntil(lambda: proxy.rowCount() == 1, timeout=5000)
    assert window.examples_pane.rows_button.isVisible()
    window.examples_pane.rows_button.click()
    qtbot.waitUntil(lambda: proxy.rowCount() == 40, timeout=5000)

    # the word list dialog saves to the sidecar, and the replies are checked against it at once
    dialog = WordListDialog(window.document.analysis.wordlist(), path, window)
    dialog.banned.setPlainText("delve => look\nshortly => soon")
    dialog.preferred.setPlainText("glad")
    dialog.accept()
    window.document.analysis.set_words(dialog.words)
    assert sidecar_wordlist(path) == WordList(
        banned=(("delve", "look"), ("shortly", "soon")), preferred=("glad",)
    )
    # “shortly” is in 37 replies (lines 6 and 10 were rewritten); line 13 says “delve” too
    qtbot.waitUntil(lambda: len(codes_at(window).get("banned_phrase", ())) == 38, timeout=10_000)
    pane.refresh()  # line 10 says “glad”: 1 reply of 40 uses a preferred word
    assert "2% use a preferred word" in section.facts_label.text()  # 1 of 40
    with qtbot.waitSignal(section.rows_chosen) as chosen:
        section._on_facts_link("unpreferred")
    assert len(chosen.args[0]) == 39 and 9 not in chosen.args[0]
    dialog.deleteLater()
