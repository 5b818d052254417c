"""Typing into a long message bubble with spell checking on and off. Prints figures; asserts nothing.

    python benchmarks/bench_spelling.py [--keys N] [--words N] [--rounds N]

A real ExampleEditor (offscreen) shows one example whose reply is a long text; the script types
N letters at the end of the reply, one key event at a time, as a writer would, and reports the
median and the 95th percentile time per keystroke (key event → text in the dataset, undo
command pushed, underlines updated) with spell checking on and with it off. Three kinds of
reply: one long paragraph (the worst case: every key re-checks the whole paragraph), many short
paragraphs, and German text mixed with web addresses, code and e-mail addresses. Each text has
about one misspelled word in twenty. Also prints the first check of the whole bubble (the
dictionary already loaded) and the time to load each dictionary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ftstudio-bench-")


def _words(language: str, count: int, rng: random.Random) -> list[str]:
    from spellchecker import SpellChecker

    frequency = SpellChecker(language=language).word_frequency.dictionary
    common = sorted(frequency, key=lambda w: -frequency[w])[:3000]
    out = []
    for _ in range(count):
        word = rng.choice(common)
        if rng.random() < 0.05 and len(word) > 3:  # a typo: two letters swapped
            at = rng.randrange(len(word) - 1)
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        out.append(word)
    return out


def texts(words: int) -> dict[str, tuple[str, str]]:
    rng = random.Random(17)
    prose = _words("en", words, rng)
    paragraphs = [" ".join(prose[i : i + 25]) + "." for i in range(0, len(prose), 25)]
    german = _words("de", words, rng)
    extras = ["https://example.com/kaffee?id=3", "`pip install x`", "hallo@example.de", "my_var"]
    for index in range(0, len(german), 40):
        german[index] = rng.choice(extras)
    return {
        "one paragraph": ("en", " ".join(prose)),
        "short paragraphs": ("en", "\n".join(paragraphs)),
        "German with code/URLs": ("de", " ".join(german)),
    }


def measure(text: str, language: str, keys: int, spelling: bool) -> tuple[list[float], float]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_app.core.dataset.records import Dataset
    from desktop_app.core.dataset.review import ReviewStore
    from desktop_app.core.dataset.spelling import DatasetSpelling
    from desktop_app.qt.spelling import SpellContext, SpellService
    from desktop_app.qt.tasks import TaskRunner
    from desktop_app.ui.editor.example_editor import ExampleEditor
    from desktop_app.ui.spell_menu import spell_menu_of
    from desktop_app.ui.window_words import EditorSpelling

    app = QApplication.instance() or QApplication([])
    line = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": text}]}
    dataset = Dataset.from_bytes(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    stack = QUndoStack()
    review = ReviewStore(dataset)
    review.set_spelling(DatasetSpelling(language=language))
    pools = TaskRunner()
    service = SpellService(pools)
    context = SpellContext(service, review, stack)
    service.set_enabled(spelling)
    editor = ExampleEditor()
    editor.set_context(dataset, stack, lambda: None)
    if spelling:
        EditorSpelling(editor, context)
    editor.resize(900, 800)
    editor.show()
    editor.show_record(0)
    while spelling and context.check() is None:
        app.processEvents()
    app.processEvents()
    box = editor.bubbles()[1].editors[0]
    first = 0.0
    if spelling:  # checking the whole bubble, as when the example is shown (dictionary loaded)
        started = time.perf_counter()
        spell_menu_of(box).highlighter.recheck()
        first = time.perf_counter() - started
    box.setFocus()
    cursor = box.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    box.setTextCursor(cursor)
    times = []
    for letter in ("qwertyuiop asdfghjkl zxcvbnm " * (keys // 29 + 1))[:keys]:
        start = time.perf_counter()
        QTest.keyClick(box, letter if letter != " " else Qt.Key.Key_Space)
        app.processEvents()
        times.append(time.perf_counter() - start)
    editor.close()
    editor.deleteLater()
    pools.shutdown()
    app.processEvents()
    return times, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=120)
    parser.add_argument("--words", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from desktop_app.core.dataset.spelling import LANGUAGES, Speller

    for code in LANGUAGES:
        start = time.perf_counter()
        Speller(code)
        print(f"load dictionary {code}: {time.perf_counter() - start:.2f} s")
    for name, (language, text) in texts(args.words).items():
        row = [f"{name} ({len(text.split()):,} words, {len(text):,} characters):"]
        measure(text, language, 5, spelling=False)  # warm-up (first layouts, caches), not counted
        samples: dict[bool, list[float]] = {False: [], True: []}
        firsts = []
        for _round in range(args.rounds):  # off and on alternate, so machine noise hits both
            for spelling in (False, True):
                times, first = measure(text, language, args.keys, spelling)
                samples[spelling] += [t * 1000 for t in times]
                if spelling:
                    firsts.append(first * 1000)
        for spelling in (False, True):
            ms = sorted(samples[spelling])
            p95 = ms[int(len(ms) * 0.95) - 1]
            label = "on " if spelling else "off"
            row.append(
                f"  spell check {label}: {statistics.median(ms):6.2f} ms per key (median), "
                f"{p95:6.2f} ms (95th percentile)"
                + (
                    f", first check of the bubble {statistics.median(firsts):.0f} ms"
                    if spelling
                    else ""
                )
            )
        print("\n".join(row))


if __name__ == "__main__":
    main()
