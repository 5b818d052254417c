"""Spell checking in a text box: the underlines, and a right-click menu with suggestions, "Add to
dictionary", the spelling language, Undo/Redo, and cut/copy/paste.

`attach_spelling(edit, context)` works for QTextEdit and QPlainTextEdit. Message bubbles undo
through the app's undo stack (their own undo is off), so their menu's Undo/Redo are the stack's;
other boxes (dialogs) keep their own undo.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtGui import QAction, QTextCursor, QUndoStack
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QWidget

from desktop_app.core.dataset.spelling import LANGUAGES, WordSpan
from desktop_app.core.errors import UserFacingError
from desktop_app.qt.spelling import SpellContext, SpellHighlighter, utf16_offsets
from desktop_app.ui.errors import show_error

TextBox = QTextEdit | QPlainTextEdit


class SpellMenu(QObject):
    """Lives as a child of its text box: its highlighter and its right-click menu."""

    def __init__(self, edit: TextBox, context: SpellContext, *, app_undo: bool) -> None:
        super().__init__(edit)
        self.edit = edit
        self.context = context
        self.app_undo = app_undo
        self.highlighter = SpellHighlighter(edit.document(), context)
        self.menu: QMenu | None = None
        edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        edit.customContextMenuRequested.connect(self._show_menu)

    def set_context(self, context: SpellContext) -> None:
        if context is self.context:
            return
        self.context.changed.disconnect(self.highlighter.recheck)
        self.context = context
        self.highlighter.context = context
        context.changed.connect(self.highlighter.recheck)
        self.highlighter.recheck()

    # ---- the menu -----------------------------------------------------------------------
    @Slot(QPoint)
    def _show_menu(self, pos: QPoint) -> None:
        menu = self.build_menu(pos)
        self.menu = menu
        menu.popup(self.edit.viewport().mapToGlobal(pos))

    def build_menu(self, pos: QPoint) -> QMenu:
        """The menu for a right-click at `pos` (viewport coordinates)."""
        standard = self.edit.createStandardContextMenu(self.edit.viewport().mapToGlobal(pos))
        menu = QMenu(self.edit)
        span = self.misspelled_at(self.edit.cursorForPosition(pos))
        if span is not None:
            self._add_suggestions(menu, span)
            menu.addSeparator()
        undo_redo = self._undo_redo(menu, standard)
        for action in undo_redo:
            menu.addAction(action)
        for action in standard.actions():
            if action.objectName() in ("edit-undo", "edit-redo"):
                continue
            if action.isSeparator() and not menu.actions()[-1:]:
                continue
            action.setParent(menu)
            menu.addAction(action)
        menu.addSeparator()
        menu.addMenu(self._options_menu(menu))
        standard.deleteLater()
        return menu

    def _undo_redo(self, menu: QMenu, standard: QMenu) -> list[QAction]:
        stack = self.context.stack if self.app_undo else None
        if stack is None:
            return [a for a in standard.actions() if a.objectName() in ("edit-undo", "edit-redo")]
        return [_stack_action(menu, stack, redo=False), _stack_action(menu, stack, redo=True)]

    def misspelled_at(self, cursor: QTextCursor) -> WordSpan | None:
        block = cursor.block()
        at = cursor.positionInBlock()
        to_qt = utf16_offsets(block.text())
        for span in self.context.misspelled(block.text()):
            if to_qt(span.start) <= at <= to_qt(span.end):
                return WordSpan(
                    block.position() + to_qt(span.start),
                    block.position() + to_qt(span.end),
                    span.word,
                )
        return None

    def _add_suggestions(self, menu: QMenu, span: WordSpan) -> None:
        check = self.context.check()
        suggestions = check.speller.suggestions(span.word) if check is not None else []
        for word in suggestions:
            action = menu.addAction(word)
            font = action.font()
            font.setBold(True)
            action.setFont(font)
            action.triggered.connect(
                lambda _=False, w=word: self.replace(span, w)  # GUI-thread only
            )
        if not suggestions:
            menu.addAction("No suggestions").setEnabled(False)
        mine = menu.addAction(f"Add “{span.word}” to My Dictionary")
        mine.setToolTip("Never underline this word again, in any dataset.")
        mine.triggered.connect(lambda: self._add_personal(span.word))
        ours = menu.addAction(f"Add “{span.word}” to This Dataset’s Words")
        ours.setToolTip("For brand and product names: kept with this dataset (in its notes file).")
        ours.setEnabled(self.context.review is not None)
        ours.triggered.connect(lambda: self.context.add_to_dataset(span.word))

    def _options_menu(self, parent: QMenu) -> QMenu:
        options = QMenu("Spelling", parent)
        toggle = options.addAction("Check Spelling")
        toggle.setCheckable(True)
        toggle.setChecked(self.context.service.enabled)
        toggle.toggled.connect(self.context.service.set_enabled)
        options.addSeparator()
        for code, name in LANGUAGES.items():
            action = options.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == self.context.language)
            action.setEnabled(self.context.review is not None)
            action.triggered.connect(lambda _=False, c=code: self.context.set_language(c))
        options.setToolTip("The language is kept with the dataset.")
        return options

    # ---- acting -------------------------------------------------------------------------
    def replace(self, span: WordSpan, word: str) -> None:
        """Put `word` in place of the misspelled one: one undo step, whatever was typed before."""
        cursor = QTextCursor(self.edit.document())
        cursor.setPosition(span.start)
        cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
        stack = self.context.stack if self.app_undo else None
        if stack is not None:  # a macro never merges with the typing before or after it
            stack.beginMacro(f"Correct “{span.word}” to “{word}”")
        try:
            cursor.beginEditBlock()
            cursor.insertText(word)
            cursor.endEditBlock()
        finally:
            if stack is not None:
                stack.endMacro()

    def _add_personal(self, word: str) -> None:
        try:
            self.context.add_to_personal(word)
        except UserFacingError as error:
            show_error(self.edit.window(), error, "Could not add the word")


def _stack_action(menu: QMenu, stack: QUndoStack, *, redo: bool) -> QAction:
    text = stack.redoText() if redo else stack.undoText()
    label = "Redo" if redo else "Undo"
    action = QAction(f"{label} {text}".strip() if text else label, menu)
    action.setObjectName("app-redo" if redo else "app-undo")
    action.setEnabled(stack.canRedo() if redo else stack.canUndo())
    action.triggered.connect(stack.redo if redo else stack.undo)
    return action


def attach_spelling(edit: TextBox, context: SpellContext, *, app_undo: bool = False) -> SpellMenu:
    """Underline misspelled words in `edit` and give it the spelling right-click menu (again on
    a box that has one: the context is updated)."""
    existing = spell_menu_of(edit)
    if existing is not None:
        existing.set_context(context)
        return existing
    return SpellMenu(edit, context, app_undo=app_undo)


def spell_menu_of(edit: QWidget) -> SpellMenu | None:
    return next((c for c in edit.children() if isinstance(c, SpellMenu)), None)
