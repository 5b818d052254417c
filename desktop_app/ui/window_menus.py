"""The main window's actions, menus and toolbar, and which actions can be used now.

Every action is created once, with its standard shortcut (`QKeySequence.StandardKey`) where the
platform has one, an icon that follows the theme, and a tip in plain words. `WindowMenus` is a
controller: it receives the window (the frame's own commands: close, theme, help) and the other
controllers whose slots the actions trigger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QWidget

from desktop_app.core.dataset.review import ReviewStatus
from desktop_app.ui.icons import icon
from desktop_app.ui.toolbar_fit import ToolbarFit

if TYPE_CHECKING:
    from desktop_app.qt.document import Document
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.window_editing import EditActions
    from desktop_app.ui.window_files import FileActions


class WindowMenus(QObject):
    """The window's actions (`act_…`), its menu bar and toolbar."""

    def __init__(self, window: MainWindow, files: FileActions, edits: EditActions) -> None:
        super().__init__(window)
        self.window = window
        self.files = files
        self.edits = edits
        self._icon_names: dict[QAction, str] = {}
        self._build_actions()
        self._build_menus()

    def _action(
        self,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
            self._icon_names[action] = icon_name
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        window, files, edits = self.window, self.files, self.edits
        pane = window.examples_pane
        K = QKeySequence.StandardKey
        a = self._action
        self.act_new = a("&New…", files.new_dataset, K.New, "document-new", "Start a new dataset")
        self.act_open = a("&Open…", files.open_dialog, K.Open, "document-open", "Open a dataset")
        self.act_save = a("&Save", files.save, K.Save, "document-save", "Save the dataset")
        self.act_save_as = a("Save &As…", files.save_as, K.SaveAs, None, "Save under a new name")
        self.act_import = a(
            "&Import…",
            files.import_examples,
            "Ctrl+I",
            "import",
            "Add examples from a spreadsheet, old-style JSONL, a script or pasted text",
        )
        self.act_export = a(
            "&Export Training Files…",
            files.export_training,
            "Ctrl+E",
            "export",
            "Write training and validation files, without your review notes",
        )
        self.act_export_for = a(
            "Export &For…",
            files.export_for,
            None,
            "export",
            "Write a ready-to-run folder for a trainer on your computer or Google Vertex AI",
        )
        self.act_close = a("&Close", files.close_document, K.Close, None, "Close this dataset")
        self.act_quit = a("&Quit", window.close, K.Quit, None, "Quit Finetune Studio")
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.act_undo = window.undo_group.createUndoAction(window, "&Undo")
        self.act_undo.setShortcut(QKeySequence(K.Undo))
        self.act_undo.setIcon(icon("edit-undo"))
        self._icon_names[self.act_undo] = "edit-undo"
        self.act_redo = window.undo_group.createRedoAction(window, "&Redo")
        self.act_redo.setShortcut(QKeySequence(K.Redo))
        self.act_redo.setIcon(icon("edit-redo"))
        self._icon_names[self.act_redo] = "edit-redo"
        window.addAction(self.act_undo)
        window.addAction(self.act_redo)

        self.act_add = a(
            "&Add Example",
            edits.add_example,
            "Ctrl+Shift+N",
            "list-add",
            "Add a new example after the current one",
        )
        self.act_duplicate = a(
            "Dupl&icate",
            edits.duplicate_selected,
            "Ctrl+D",
            "edit-copy",
            "Duplicate the selected examples",
        )
        self.act_delete = a(
            "&Delete",
            edits.delete_selected,
            K.Delete,
            "list-remove",
            "Delete the selected examples",
        )
        # Delete only acts in the examples table, so it never steals the key from a text box
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        window.removeAction(self.act_delete)
        pane.table.addAction(self.act_delete)
        self.status_actions: dict[ReviewStatus, QAction] = {}
        for number, status in enumerate(ReviewStatus, start=1):
            self.status_actions[status] = a(
                f"Mark as {status.label}",
                lambda _=False, s=status: edits.set_status(s),
                f"Alt+{number}",
                "review-" + status.value.replace("_", "-"),
                f"Set the review status of the selected examples to “{status.label}”",
            )
        self.act_add_tag = a("Add &Tag…", edits.add_tag, "Ctrl+T", "tag", "Tag the selection")
        self.act_remove_tag = a(
            "Remove Ta&g…",
            edits.remove_tag,
            "Ctrl+Shift+T",
            None,
            "Remove a tag from the selection",
        )
        self.act_note = a(
            "Review &Note…",
            edits.edit_note,
            "Ctrl+Shift+M",
            None,
            "Write a note about this example (kept beside the file, never trained on)",
        )
        self.act_system_prompt = a(
            "Set System Pr&ompt…",
            edits.set_system_prompt,
            None,
            "message-system",
            "Set or replace the system prompt of the selection or the whole dataset",
        )
        self.act_find_replace = a(
            "&Find and Replace…",
            edits.find_replace,
            replace_keys(),
            "search",
            "Replace text in the selection or the whole dataset",
        )

        self.act_next = a("&Next Example", lambda: pane.move_current(1), "Ctrl+Down", "go-down")
        self.act_previous = a(
            "&Previous Example", lambda: pane.move_current(-1), "Ctrl+Up", "go-up"
        )
        self.act_next_problem = a(
            "Next P&roblem",
            lambda: edits.step_problem(1),
            "F8",
            "severity-warning",
            "Go to the next problem",
        )
        self.act_previous_problem = a(
            "Previous Pro&blem",
            lambda: edits.step_problem(-1),
            "Shift+F8",
            None,
            "Go to the previous problem",
        )
        self.act_find = a(
            "&Filter Examples",
            pane.focus_filter,
            K.Find,
            "filter",
            "Type to show only matching examples",
        )
        self.act_go_examples = a("Go to E&xamples", edits.focus_examples, "Ctrl+1")
        self.act_go_editor = a("Go to E&ditor", edits.focus_editor, "Ctrl+2")
        self.act_go_problems = a("Go to Prob&lems", edits.focus_problems, "Ctrl+3")
        self.act_only_errors = a(
            "Show Only Examples with &Errors",
            lambda: pane.set_problem_filter("errors"),
            "Ctrl+Shift+E",
        )
        self.act_clear_filters = a("&Show All Examples", pane.clear_filters, "Ctrl+Shift+A")
        self.theme_group = QActionGroup(window)
        self.theme_actions: dict[str, QAction] = {}
        for name, label in (("system", "Follow System"), ("light", "Light"), ("dark", "Dark")):
            action = QAction(label, window, checkable=True)
            action.setChecked(window.prefs.theme == name)
            action.triggered.connect(lambda _=False, n=name: window.set_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.act_shortcuts = a(
            "&Keyboard Shortcuts",
            lambda: show_shortcuts(window),
            K.HelpContents,
            "help",
        )
        self.act_about = a("&About Finetune Studio", lambda: show_about(window))
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        window = self.window
        bar = window.menuBar()
        recent = QMenu("Open &Recent", window)
        recent.aboutToShow.connect(lambda: self.files.fill_recent_menu(recent))
        self.recent_menu = recent
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        file_menu.addMenu(recent)
        file_menu.addSeparator()
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_export)
        file_menu.addAction(self.act_export_for)
        file_menu.addSeparator()
        file_menu.addAction(self.act_close)
        file_menu.addAction(self.act_quit)

        edit = bar.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addSeparator()
        edit.addAction(self.act_add)
        edit.addAction(self.act_duplicate)
        edit.addAction(self.act_delete)
        edit.addSeparator()
        status_menu = edit.addMenu(icon("review-approved"), "Review &Status")
        for action in self.status_actions.values():
            status_menu.addAction(action)
        edit.addAction(self.act_add_tag)
        edit.addAction(self.act_remove_tag)
        edit.addAction(self.act_note)
        edit.addSeparator()
        edit.addAction(self.act_system_prompt)
        edit.addAction(self.act_find_replace)

        view = bar.addMenu("&View")
        view.addAction(self.act_next)
        view.addAction(self.act_previous)
        view.addAction(self.act_next_problem)
        view.addAction(self.act_previous_problem)
        view.addSeparator()
        view.addAction(self.act_find)
        view.addAction(self.act_only_errors)
        view.addAction(self.act_clear_filters)
        view.addSeparator()
        view.addAction(self.act_go_examples)
        view.addAction(self.act_go_editor)
        view.addAction(self.act_go_problems)
        view.addSeparator()
        theme_menu = view.addMenu("&Appearance")
        for action in self.theme_actions.values():
            theme_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

        toolbar: QToolBar = window.addToolBar("Main")
        self.toolbar = toolbar
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_new, self.act_open, self.act_save):
            toolbar.addAction(action)
        toolbar.addSeparator()
        undo, redo = _steady(self.act_undo, "Undo", window), _steady(self.act_redo, "Redo", window)
        toolbar.addAction(undo)
        toolbar.addAction(redo)
        by_icon = [self.act_new, self.act_open, self.act_save, undo, redo]
        self.toolbar_fit = ToolbarFit(toolbar, by_icon)
        toolbar.addSeparator()
        toolbar.addAction(self.act_add)
        toolbar.addAction(self.act_import)
        toolbar.addAction(self.act_export)
        toolbar.addSeparator()
        toolbar.addAction(self.act_next_problem)

    # ---- which actions can be used now -------------------------------------------------------
    def update_enabled(self, document: Document | None, has_targets: bool) -> None:
        """Enable what the shown document allows (`has_targets`: examples are chosen)."""
        ready = document is not None and not document.loading
        has_rows = document is not None and ready and len(document.dataset) > 0
        targets = has_targets and ready
        for action in (self.act_save, self.act_save_as, self.act_add, self.act_import):
            action.setEnabled(ready)
        self.act_export.setEnabled(has_rows)
        self.act_export_for.setEnabled(has_rows)
        for action in (
            self.act_duplicate,
            self.act_delete,
            self.act_add_tag,
            self.act_remove_tag,
            self.act_note,
            *self.status_actions.values(),
        ):
            action.setEnabled(targets)
        self.act_system_prompt.setEnabled(has_rows)
        self.act_find_replace.setEnabled(has_rows)

    def refresh_icons(self) -> None:
        """Icons again, after the theme changed."""
        for action, icon_name in self._icon_names.items():
            action.setIcon(icon(icon_name))

    def menu_titled(self, title: str) -> QMenu | None:
        """A top-level menu by its text ("&Help")."""
        for action in self.window.menuBar().actions():
            menu = action.menu()
            if action.text() == title and isinstance(menu, QMenu):
                return menu
        return None


def put_first(menu: QMenu, actions: list[QAction], *, separator: bool = False) -> None:
    """Put `actions` at the top of `menu` (then a separator, with `separator`)."""
    present = menu.actions()
    if not present:
        menu.addActions(actions)
        return
    menu.insertActions(present[0], actions)
    if separator:
        menu.insertSeparator(present[0])


def _steady(action: QAction, text: str, parent: QObject) -> QAction:
    """A toolbar twin of `action` with a fixed label (“Undo”), so the buttons after it keep
    their places; what would be undone (“Undo Change it to …”) moves to its tooltip."""
    twin = QAction(action.icon(), text, parent)
    twin.setObjectName(f"toolbar-{text.lower()}")

    def follow() -> None:
        twin.setEnabled(action.isEnabled())
        twin.setToolTip(action.text().replace("&", "") or text)
        twin.setIcon(action.icon())

    action.changed.connect(follow)
    twin.triggered.connect(action.trigger)
    follow()
    return twin


def replace_keys() -> QKeySequence:
    """The platform's Replace keys; Ctrl+H where it has none (Qt's generic Linux theme binds
    nothing to Replace, so Find and Replace had no keys at all)."""
    keys = QKeySequence(QKeySequence.StandardKey.Replace)
    return QKeySequence("Ctrl+H") if keys.isEmpty() else keys


# ---- Help ------------------------------------------------------------------------------------
def show_shortcuts(parent: QWidget) -> None:
    """Help ▸ Keyboard Shortcuts: the keys worth knowing, in a box."""
    std = QKeySequence.StandardKey
    rows = [
        ("Next / previous example", "Ctrl+Down / Ctrl+Up"),
        ("Next / previous problem", "F8 / Shift+F8"),
        ("Next / previous message (in the editor)", "Alt+Down / Alt+Up"),
        ("From a message's text to the next one's / to its role", "Tab / Shift+Tab"),
        ("Mark as draft / needs work / approved", "Alt+1 / Alt+2 / Alt+3"),
        ("Add a tag / remove a tag", "Ctrl+T / Ctrl+Shift+T"),
        ("Review note", "Ctrl+Shift+M"),
        ("Go to examples / editor / problems", "Ctrl+1 / Ctrl+2 / Ctrl+3"),
        ("Filter examples", QKeySequence(std.Find).toString()),
        ("Find and replace", replace_keys().toString()),
        ("Add example / duplicate", "Ctrl+Shift+N / Ctrl+D"),
        (
            "Undo / redo",
            f"{QKeySequence(std.Undo).toString()} / {QKeySequence(std.Redo).toString()}",
        ),
        ("Playground: send / stop the replies", "Ctrl+Enter / Esc"),
        ("Close the playground or a comparison", "Ctrl+W"),
    ]
    html = (
        "<table cellspacing=6>"
        + "".join(f"<tr><td>{what}</td><td><b>{keys}</b></td></tr>" for what, keys in rows)
        + "</table>"
    )
    box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts", html, parent=parent)
    box.setObjectName("shortcuts-box")
    box.open()


def show_about(parent: QWidget) -> None:
    from desktop_app.ui.dialogs.about import AboutDialog

    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
