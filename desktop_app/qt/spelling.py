"""Spell checking in Qt: dictionaries loaded off the GUI thread, one context per dataset, and the
highlighter that underlines misspelled words.

Typing never waits for spell checking: a dictionary loads on a worker thread (until it is ready
nothing is underlined), and each block is checked word by word against a per-word verdict cache
(core/dataset/spelling.py), so a keystroke costs one block's words of dictionary lookups.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
    QUndoCommand,
    QUndoStack,
)

from desktop_app.core.dataset.language_guess import SAMPLE_RECORDS, guess_language, sample_words
from desktop_app.core.dataset.review import ReviewStore
from desktop_app.core.dataset.spelling import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    DatasetSpelling,
    ParagraphSpans,
    PersonalDictionary,
    SpellCheck,
    Speller,
    WordSpan,
    load_speller,
    loaded_speller,
    normalise,
)
from desktop_app.core.files.folders import config_dir
from desktop_app.qt.tasks import TaskRunner, WorkerSignals


def _load(language: str, **_worker: Any) -> Speller:
    return load_speller(language)


def _guess(raws: list[bytes], **_worker: Any) -> str:
    return guess_language(sample_words(raws))


class SpellService(QObject):
    """App-wide: the dictionaries (loaded once, off the GUI thread) and the personal dictionary."""

    ready = Signal(str)  # a language's dictionary has loaded
    personal_changed = Signal()
    enabled_changed = Signal(bool)

    def __init__(
        self,
        pools: TaskRunner,
        personal: PersonalDictionary | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pools = pools
        self.personal = personal or PersonalDictionary(config_dir() / PersonalDictionary.FILE_NAME)
        self.enabled = True
        self._loading: dict[str, WorkerSignals] = {}

    def speller(self, language: str) -> Speller | None:
        """The loaded dictionary, or None (then it starts loading and `ready` follows)."""
        speller = loaded_speller(language)
        if speller is None and language not in self._loading:
            signals = WorkerSignals()
            signals.succeeded.connect(self._on_loaded)
            self._loading[language] = signals
            self.pools.run(_load, language, signals=signals)
        return speller

    @Slot(object)
    def _on_loaded(self, speller: object) -> None:
        assert isinstance(speller, Speller)
        self._loading.pop(speller.language, None)
        self.ready.emit(speller.language)

    def add_personal(self, word: str) -> None:
        """Raises UserFacingError when the dictionary file cannot be written."""
        self.personal.add(word)
        self.personal_changed.emit()

    def set_enabled(self, enabled: bool) -> None:
        if enabled != self.enabled:
            self.enabled = enabled
            self.enabled_changed.emit(enabled)


class SetSpellingCommand(QUndoCommand):
    """Change a dataset's spelling language or words (saved in its sidecar with the dataset)."""

    def __init__(self, review: ReviewStore, new: DatasetSpelling, text: str) -> None:
        super().__init__(text)
        self.review = review
        self.old = review.spelling
        self.new = new

    def redo(self) -> None:
        self.review.set_spelling(self.new)

    def undo(self) -> None:
        self.review.set_spelling(self.old)


class SpellContext(QObject):
    """What the text boxes of one dataset check against: its language and its own words, plus
    the personal dictionary. `changed` asks every highlighter to look again.

    A dataset whose writer has not chosen a language is checked in the one its words suggest
    (core/dataset/language_guess.py), guessed on a worker when the first text box asks, and
    guessed again when all its lines are replaced (a repair); the guess is not saved."""

    changed = Signal()

    def __init__(
        self,
        service: SpellService,
        review: ReviewStore | None = None,
        stack: QUndoStack | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.review = review
        self.stack = stack
        self._dataset_words: set[str] = set()
        self._check: SpellCheck | None = None
        self.guessed: str | None = None  # the language the words suggest (None: not yet)
        self._guessing: WorkerSignals | None = None
        self._stale = False  # the lines were replaced while a guess ran
        service.ready.connect(self._on_ready)
        service.personal_changed.connect(self._refresh)
        service.enabled_changed.connect(self._refresh)
        if review is not None:
            review.spelling_changed.connect(self._on_spelling_changed)
            review.dataset.reset.connect(self._forget_guess)
        self._refresh()

    def detach(self) -> None:
        if self.review is not None:
            self.review.spelling_changed.disconnect(self._on_spelling_changed)
            self.review.dataset.reset.disconnect(self._forget_guess)

    @property
    def spelling(self) -> DatasetSpelling:
        return self.review.spelling if self.review is not None else DatasetSpelling()

    @property
    def language(self) -> str:
        return self.spelling.language or self.guessed or DEFAULT_LANGUAGE

    def check(self) -> SpellCheck | None:
        """The checker to use now; None while spell checking is off, the language is being
        guessed or the dictionary loads (the first call starts them: nothing loads before a text
        box is shown)."""
        if not self.service.enabled:
            return None
        if self.review is not None and self._needs_guess():
            # English first, through the service (loaded once, 1.5 s after start when the window
            # is idle): the guess compares against it, and must not load it a second time
            if self.service.speller(DEFAULT_LANGUAGE) is not None:
                self._start_guess(self.review)
            return None
        if self._check is None:
            self.service.speller(self.language)  # `ready` follows, then `changed`
        return self._check

    def misspelled(self, text: str) -> list[WordSpan]:
        check = self.check()
        return check.misspelled(text) if check is not None else []

    # ---- changing the word lists and the language ---------------------------------------
    def add_to_personal(self, word: str) -> None:
        self.service.add_personal(word)

    def add_to_dataset(self, word: str) -> None:
        new = self.spelling.with_word(word)
        self._push(new, f"Add “{word}” to this dataset’s words")

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES or language == self.language:
            return
        self._push(
            self.spelling.with_language(language), f"Check spelling in {LANGUAGES[language]}"
        )

    def _push(self, new: DatasetSpelling, text: str) -> None:
        if self.review is None:
            return
        command = SetSpellingCommand(self.review, new, text)
        if self.stack is not None:
            self.stack.push(command)
        else:
            command.redo()

    # ---- guessing the language ----------------------------------------------------------
    def _needs_guess(self) -> bool:
        return self.review is not None and self.spelling.language is None and self.guessed is None

    def _start_guess(self, review: ReviewStore) -> None:
        if self._guessing is not None:
            return
        raws = [record.raw for record in islice(review.dataset, SAMPLE_RECORDS)]
        signals = WorkerSignals()
        signals.succeeded.connect(self._on_guessed)
        signals.failed.connect(self._on_guess_failed)
        self._guessing, self._stale = signals, False
        self.service.pools.run(_guess, raws, signals=signals)

    @Slot(object)
    def _on_guessed(self, language: object) -> None:
        self._guessing = None
        if self._stale:  # guessed from lines that are gone: guess again at the next check
            self.guessed = None
        else:
            self.guessed = language if isinstance(language, str) else DEFAULT_LANGUAGE
        self._refresh()

    @Slot(object)
    def _on_guess_failed(self, _error: object) -> None:
        self._on_guessed(DEFAULT_LANGUAGE)

    def _forget_guess(self) -> None:
        """All lines were replaced (a repair, an import): the words may tell another language."""
        if self._guessing is not None:
            self._stale = True
        elif self.guessed is not None:
            self.guessed = None
            self._refresh()

    # ---- following changes --------------------------------------------------------------
    @Slot(str)
    def _on_ready(self, language: str) -> None:
        if self._needs_guess() and language == DEFAULT_LANGUAGE:
            if self.review is not None:  # (what _needs_guess said)
                self._start_guess(self.review)  # the text boxes look again once it is known
        elif language in (self.language, DEFAULT_LANGUAGE):  # English words are right everywhere
            self._refresh()

    def _on_spelling_changed(self) -> None:
        self._refresh()

    @Slot()
    @Slot(bool)
    def _refresh(self, *_: Any) -> None:
        speller = loaded_speller(self.language)
        self._dataset_words = {normalise(w) for w in self.spelling.words}
        english = loaded_speller(DEFAULT_LANGUAGE)  # loaded first, always (see check)
        self._check = (
            SpellCheck(speller, [self.service.personal.words, self._dataset_words], english)
            if speller is not None
            else None
        )
        self.changed.emit()


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines the misspelled words of a text document with a red wavy line."""

    def __init__(self, document: QTextDocument, context: SpellContext) -> None:
        super().__init__(document)
        self.context = context
        self.misspelled = QTextCharFormat()
        self.misspelled.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self.misspelled.setUnderlineColor(QColor(Qt.GlobalColor.red))
        self._paragraphs: dict[int, ParagraphSpans] = {}  # by block number (checked by text)
        context.changed.connect(self.recheck)

    @Slot()
    def recheck(self) -> None:
        """Check every paragraph again (the language or a word list changed)."""
        self._paragraphs.clear()
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        check = self.context.check()
        if check is None:
            return
        number = self.currentBlock().blockNumber()
        paragraph = self._paragraphs.get(number)
        if paragraph is None:
            if len(self._paragraphs) > 20_000:
                self._paragraphs.clear()
            paragraph = self._paragraphs[number] = ParagraphSpans()
        spans = paragraph.update(text, check)
        if not spans:
            return
        to_qt = utf16_offsets(text)
        for span in spans:
            start = to_qt(span.start)
            self.setFormat(start, to_qt(span.end) - start, self.misspelled)


def utf16_offsets(text: str) -> Any:
    """Maps Python string positions to Qt's (UTF-16) positions; they differ after an emoji."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return lambda index: index
    starts = [0]
    for char in text:
        starts.append(starts[-1] + (2 if ord(char) >= 0x10000 else 1))
    return starts.__getitem__
