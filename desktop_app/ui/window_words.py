"""What the main window gains for words: spell checking in every text the writer edits, the
Edit ▸ Spelling menu, and Help ▸ Glossary / User Guide (with `glossary:` links anywhere).

`Words(window, parts)` is built once by `MainWindow.complete()`; it follows the window's
`document_changed` so each dataset is checked in its own language with its own words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QWhatsThis,
    QWidget,
)
from shiboken6 import isValid

from desktop_app.core.dataset.spelling import LANGUAGES
from desktop_app.qt.spelling import SpellContext, SpellService
from desktop_app.ui.dialogs.help_pages import show_glossary, show_user_guide
from desktop_app.ui.editor.example_editor import ExampleEditor
from desktop_app.ui.icons import icon
from desktop_app.ui.spell_menu import attach_spelling
from desktop_app.ui.window_menus import put_first
from desktop_app.ui.window_parts import WARM_UP_AFTER_MS, WindowParts

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

SPELL_PROPERTY = "spellCheck"  # set True on a dialog's text box to have it spell checked


class EditorSpelling(QObject):
    """Spell checks the message boxes of an example editor (bubbles are built in chunks)."""

    def __init__(self, editor: ExampleEditor, context: SpellContext | None = None) -> None:
        super().__init__(editor)
        self.editor = editor
        self.context = context
        editor.conversation.bubbles_added.connect(self.attach)

    def set_context(self, context: SpellContext) -> None:
        self.context = context
        self.attach()

    @Slot()
    def attach(self) -> None:
        """Spell check the bubbles built so far (each chunk says when it is added): asking the
        editor for every bubble built them all at once, and a long example stalled the window
        where it was meant to appear two bubbles at a time."""
        if self.context is None or not isValid(self.context):
            return  # (a chunk built after its document closed: its words went with it)
        for bubble in self.editor.conversation.bubbles:
            for box in bubble.editors:
                attach_spelling(box, self.context, app_undo=True)


class Words(QObject):
    def __init__(self, window: MainWindow, parts: WindowParts) -> None:
        super().__init__(window)
        self.window = window
        self.service = SpellService(window.pools, parent=self)
        self.service.set_enabled(window.prefs.spell_check)  # as the writer left it
        self.context: SpellContext | None = None
        self.editor_spelling = EditorSpelling(parts.editor)
        self._build_spelling_menu()
        self._extend_help()
        window.document_changed.connect(self._on_document)
        self._on_document()
        window.installEventFilter(self)  # new dialogs (ChildAdded), then their Show
        QTimer.singleShot(WARM_UP_AFTER_MS, self._load_dictionary)  # while the window is idle

    # ---- documents ----------------------------------------------------------------------
    @Slot()
    def _on_document(self) -> None:
        document = self.window.document
        if document is None:
            return
        if self.context is not None:
            self.context.detach()
        self.context = SpellContext(
            self.service, document.review, document.undo_stack, parent=document
        )
        self.context.changed.connect(self._update_language_menu)
        self.editor_spelling.set_context(self.context)
        self._update_language_menu()

    @Slot()
    def _load_dictionary(self) -> None:
        """Start loading the dictionary now rather than when the first file opens (then its
        loading competed with the file's for the interpreter lock, and the window stalled)."""
        if self.service.enabled and self.context is not None:
            self.service.speller(self.context.language)

    # ---- menus --------------------------------------------------------------------------
    def _build_spelling_menu(self) -> None:
        menu = QMenu("S&pelling", self.window)
        menu.setObjectName("spelling-menu")
        self.check_action = menu.addAction("&Check Spelling")
        self.check_action.setCheckable(True)
        self.check_action.setChecked(self.service.enabled)
        self.check_action.setStatusTip("Underline misspelled words in messages and notes")
        self.check_action.toggled.connect(self.service.set_enabled)
        self.check_action.toggled.connect(self._remember_check)
        self.service.enabled_changed.connect(self.check_action.setChecked)
        menu.addSeparator()
        group = QActionGroup(menu)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGES.items():
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setStatusTip(f"Check this dataset's spelling in {name} (kept with the dataset)")
            action.triggered.connect(lambda _=False, c=code: self._set_language(c))
            group.addAction(action)
            self.language_actions[code] = action
        self.spelling_menu = menu
        edit = self.window.menus.menu_titled("&Edit")
        if edit is not None:
            edit.addSeparator()
            edit.addMenu(menu)

    @Slot(bool)
    def _remember_check(self, enabled: bool) -> None:
        if enabled != self.window.prefs.spell_check:
            self.window.prefs = replace(self.window.prefs, spell_check=enabled)
            self.window.store_prefs()

    def _set_language(self, code: str) -> None:
        if self.context is not None:
            self.context.set_language(code)

    @Slot()
    def _update_language_menu(self) -> None:
        if self.context is not None:
            self.language_actions[self.context.language].setChecked(True)

    def _extend_help(self) -> None:
        help_menu = self.window.menus.menu_titled("&Help")
        if help_menu is None:
            return
        guide = QAction(icon("help"), "&User Guide", self.window)
        guide.setStatusTip("How to use Finetune Studio, step by step")
        guide.triggered.connect(lambda: show_user_guide(self.window))
        glossary = QAction(icon("help"), "&Glossary", self.window)
        glossary.setStatusTip("What tokens, epochs, validation, LoRA and other words mean")
        glossary.triggered.connect(lambda: show_glossary(self.window))
        whats_this = QWhatsThis.createAction(self.window)  # Shift+F1, then click a field
        whats_this.setText("What’s T&his?")
        put_first(help_menu, [guide, glossary, whats_this])
        self.guide_action, self.glossary_action = guide, glossary

    # ---- dialogs' text boxes and glossary links -----------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ChildAdded and watched is self.window:
            child = event.child()  # type: ignore[attr-defined]
            # a dialog or window, still being constructed (its type is not known yet): look once it
            # exists, and again each time it is shown
            QTimer.singleShot(0, lambda: self._new_child(child))
        elif kind == QEvent.Type.Show and isinstance(watched, QWidget):
            self._spell_check_dialog(watched)
        return False

    def _new_child(self, child: QObject) -> None:
        if isValid(child) and isinstance(child, QWidget) and child.isWindow():
            child.installEventFilter(self)
            self._spell_check_dialog(child)

    def _spell_check_dialog(self, dialog: QWidget) -> None:
        if self.context is None:
            return
        for box in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
            wanted = box.property(SPELL_PROPERTY) or (  # the review note (QInputDialog)
                dialog.inherits("QInputDialog") and isinstance(box, QPlainTextEdit)
            )
            if wanted and not box.isReadOnly():
                attach_spelling(box, self.context)
