"""Spell checking in Qt: dictionaries load off the GUI thread, the highlighter underlines, the
dataset's words and language are undoable and saved in the sidecar with the dataset."""

from __future__ import annotations

from pathlib import Path

from test_document import _open

from PySide6.QtGui import QTextCharFormat, QTextDocument

from desktop_app.core.dataset import recovery
from desktop_app.core.dataset.review import read_sidecar
from desktop_app.core.dataset.spelling import PersonalDictionary
from desktop_app.qt.document import Document
from desktop_app.qt.spelling import SpellContext, SpellHighlighter, SpellService


def underlined(document: QTextDocument) -> list[str]:
    words = []
    block = document.begin()
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                utf16 = block.text().encode("utf-16-le")  # Qt counts in UTF-16 units
                words.append(
                    utf16[2 * fmt.start : 2 * (fmt.start + fmt.length)].decode("utf-16-le")
                )
        block = block.next()
    return words


def test_highlighter_underlines_once_the_dictionary_is_ready(qtbot, pools, tmp_path) -> None:
    service = SpellService(pools, PersonalDictionary(tmp_path / "dictionary.txt"))
    context = SpellContext(service)
    document = QTextDocument()
    document.setPlainText("Our roaster sells freshh coffee 🙂 and Brewlab beanz.")
    highlighter = SpellHighlighter(document, context)
    qtbot.waitUntil(lambda: context.check() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: underlined(document) == ["freshh", "Brewlab", "beanz"])
    assert highlighter.document() is document
    service.set_enabled(False)
    assert underlined(document) == []


def test_dataset_words_and_language_are_undoable_and_saved(qtbot, pools, sample_file: Path):
    doc = _open(qtbot, pools, sample_file)
    service = SpellService(pools, PersonalDictionary(sample_file.parent / "mine.txt"))
    context = SpellContext(service, doc.review, doc.undo_stack)
    qtbot.waitUntil(lambda: context.check() is not None, timeout=10_000)
    assert context.misspelled("Brewlab")
    context.add_to_dataset("Brewlab")
    assert not context.misspelled("Brewlab")
    assert doc.is_modified
    doc.undo_stack.undo()
    assert context.misspelled("Brewlab")
    doc.undo_stack.redo()
    context.set_language("de")
    qtbot.waitUntil(
        lambda: context.check() is not None and context.language == "de", timeout=10_000
    )
    assert not context.misspelled("Farbe") and context.misspelled("colour")
    with qtbot.waitSignal(doc.saved, timeout=10_000):
        doc.save()
    sidecar = read_sidecar(sample_file)
    assert sidecar is not None and sidecar["spelling"] == {"language": "de", "words": ["Brewlab"]}
    doc.close()
    again = _open(qtbot, pools, sample_file)
    assert again.review.spelling.language == "de" and again.review.spelling.words == ("Brewlab",)
    again.close()


def test_the_recovery_copy_keeps_the_datasets_spelling(qtbot, pools, sample_file: Path) -> None:
    doc = _open(qtbot, pools, sample_file)
    service = SpellService(pools, PersonalDictionary(sample_file.parent / "mine.txt"))
    context = SpellContext(service, doc.review, doc.undo_stack)
    context.add_to_dataset("Brewlab")  # an undo step: the document is modified, autosave follows
    with qtbot.waitSignal(doc.autosaved, timeout=10_000):
        pass
    copy = recovery.read_recovery(doc.recovery_file)
    doc.undo_stack.setClean()
    doc.close()
    restored = Document.from_bytes(pools, copy.data)
    restored.load_review(copy.review)
    assert restored.review.spelling.words == ("Brewlab",)
    restored.close()
