"""The main window's actions, menus and toolbar (a part of MainWindow, kept in its own file).

Every action is created once, with its standard shortcut (`QKeySequence.StandardKey`) where the
platform has one, an icon that follows the theme, and a tip in plain words.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from desktop_app.ui.icons import icon


class WindowMenus:
    """Builds the window's actions and menus (mixed into MainWindow)."""

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
            self._icon_names[action] = icon_name
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        from PySide6.QtCore import Qt

        from desktop_app.core.review import ReviewStatus

        self._icon_names: dict[QAction, str] = {}
        K = QKeySequence.StandardKey
        a = self._action
        self.act_new = a("&New…", self.new_dataset, K.New, "document-new", "Start a new dataset")
        self.act_open = a(
            "&Open…", self.files.open_dialog, K.Open, "document-open", "Open a dataset"
        )
        self.act_save = a("&Save", self.files.save, K.Save, "document-save", "Save the dataset")
        self.act_save_as = a(
            "Save &As…", self.files.save_as, K.SaveAs, None, "Save under a new name"
        )
        self.act_import = a(
            "&Import…",
            self.files.import_examples,
            "Ctrl+I",
            "import",
            "Add examples from a spreadsheet, old-style JSONL, a script or pasted text",
        )
        self.act_export = a(
            "&Export Training Files…",
            self.files.export_training,
            "Ctrl+E",
            "export",
            "Write training and validation files, without your review notes",
        )
        self.act_export_for = a(
            "Export &For…",
            self.files.export_for,
            None,
            "export",
            "Write a ready-to-run folder for a trainer on your computer or Google Vertex AI",
        )
        self.act_close = a("&Close", self.close_document, K.Close, None, "Close this dataset")
        self.act_quit = a("&Quit", self.close, K.Quit, None, "Quit Finetune Studio")
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.act_undo = self.undo_group.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence(K.Undo))
        self.act_undo.setIcon(icon("edit-undo"))
        self._icon_names[self.act_undo] = "edit-undo"
        self.act_redo = self.undo_group.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(QKeySequence(K.Redo))
        self.act_redo.setIcon(icon("edit-redo"))
        self._icon_names[self.act_redo] = "edit-redo"
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)

        self.act_add = a(
            "&Add Example",
            self.add_example,
            "Ctrl+Shift+N",
            "list-add",
            "Add a new example after the current one",
        )
        self.act_duplicate = a(
            "D&uplicate",
            self.duplicate_selected,
            "Ctrl+D",
            "edit-copy",
            "Duplicate the selected examples",
        )
        self.act_delete = a(
            "&Delete",
            self.delete_selected,
            K.Delete,
            "list-remove",
            "Delete the selected examples",
        )
        # Delete only acts in the examples table, so it never steals the key from a text box
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_delete)
        self.examples_pane.table.addAction(self.act_delete)
        self.status_actions: dict[ReviewStatus, QAction] = {}
        for number, status in enumerate(ReviewStatus, start=1):
            self.status_actions[status] = a(
                f"Mark as {status.label}",
                lambda _=False, s=status: self.set_status(s),
                f"Alt+{number}",
                "review-" + status.value.replace("_", "-"),
                f"Set the review status of the selected examples to “{status.label}”",
            )
        self.act_add_tag = a("Add &Tag…", self.add_tag, "Ctrl+T", "tag", "Tag the selection")
        self.act_remove_tag = a(
            "Remove Ta&g…", self.remove_tag, "Ctrl+Shift+T", None, "Remove a tag from the selection"
        )
        self.act_note = a(
            "Review &Note…",
            self.edit_note,
            "Ctrl+Shift+M",
            None,
            "Write a note about this example (kept beside the file, never trained on)",
        )
        self.act_system_prompt = a(
            "Set &System Prompt…",
            self.set_system_prompt,
            None,
            "message-system",
            "Set or replace the system prompt of the selection or the whole dataset",
        )
        self.act_find_replace = a(
            "&Find and Replace…",
            self.find_replace,
            K.Replace,
            "search",
            "Replace text in the selection or the whole dataset",
        )

        self.act_next = a(
            "&Next Example", lambda: self.examples_pane.move_current(1), "Ctrl+Down", "go-down"
        )
        self.act_previous = a(
            "&Previous Example", lambda: self.examples_pane.move_current(-1), "Ctrl+Up", "go-up"
        )
        self.act_next_problem = a(
            "Next P&roblem",
            lambda: self.step_problem(1),
            "F8",
            "severity-warning",
            "Go to the next problem",
        )
        self.act_previous_problem = a(
            "Previous Pro&blem",
            lambda: self.step_problem(-1),
            "Shift+F8",
            None,
            "Go to the previous problem",
        )
        self.act_find = a(
            "&Filter Examples",
            lambda: self.examples_pane.focus_filter(),
            K.Find,
            "filter",
            "Type to show only matching examples",
        )
        self.act_go_examples = a("Go to &Examples", self.focus_examples, "Ctrl+1")
        self.act_go_editor = a("Go to E&ditor", self.focus_editor, "Ctrl+2")
        self.act_go_problems = a("Go to Pro&blems", self.focus_problems, "Ctrl+3")
        self.act_only_errors = a(
            "Show Only Examples with &Errors",
            lambda: self.examples_pane.set_problem_filter("errors"),
            "Ctrl+Shift+E",
        )
        self.act_clear_filters = a(
            "&Show All Examples", lambda: self.examples_pane.clear_filters(), "Ctrl+Shift+A"
        )
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name, label in (("system", "Follow System"), ("light", "Light"), ("dark", "Dark")):
            action = QAction(label, self, checkable=True)
            action.setChecked(self.prefs.theme == name)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.act_shortcuts = a("&Keyboard Shortcuts", self.show_shortcuts, K.HelpContents, "help")
        self.act_about = a("&About Finetune Studio", self.show_about)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        from PySide6.QtCore import Qt

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.files.fill_recent_menu)
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

        toolbar = self.toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_new, self.act_open, self.act_save):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(_steady(self.act_undo, "Undo", self))
        toolbar.addAction(_steady(self.act_redo, "Redo", self))
        toolbar.addSeparator()
        toolbar.addAction(self.act_add)
        toolbar.addAction(self.act_import)
        toolbar.addAction(self.act_export)
        toolbar.addSeparator()
        toolbar.addAction(self.act_next_problem)


def _steady(action: QAction, text: str, parent: object) -> QAction:
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
