"""Help ▸ Glossary and Help ▸ User Guide: the Markdown files of docs/, shown in the app.

Both read the same files as the documentation (docs/glossary.md, docs/user-guide.md), bundled
as desktop_app/docs; QTextBrowser renders Markdown itself. Links `glossary:<key>` anywhere in the
app open the glossary at that entry (`open_glossary_link`).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Slot
from PySide6.QtGui import (
    QDesktopServices,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFragment,
    QWhatsThisClickedEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop_app.core.files.glossary import GLOSSARY_FILE, LINK_PREFIX, Term, load_glossary
from desktop_app.core.files.resources import docs_file
from desktop_app.ui.screen_fit import fit_size

USER_GUIDE_FILE = "user-guide.md"
IMAGE_WIDTH = 740  # the guide's screenshots, shrunk to the dialog's width
log = logging.getLogger(__name__)


def _browser(parent: QWidget) -> QTextBrowser:
    browser = QTextBrowser(parent)
    browser.setOpenLinks(False)
    browser.anchorClicked.connect(_open_link)
    return browser


@Slot(QUrl)
def _open_link(url: QUrl) -> None:
    if url.toString().startswith(LINK_PREFIX):
        open_glossary_link(url.toString())
    elif url.scheme() in ("http", "https", "mailto"):
        QDesktopServices.openUrl(url)


class GlossaryDialog(QDialog):
    """The glossary: terms on the left, the chosen one explained on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Glossary")
        self.setObjectName("glossary-dialog")
        self.terms: list[Term] = load_glossary()
        self.list = QListWidget(self)
        self.list.setAccessibleName("Terms")
        self.list.addItems([term.title for term in self.terms])
        self.list.setMaximumWidth(220)
        self.text = _browser(self)
        self.text.setAccessibleName("Explanation")
        self.list.currentRowChanged.connect(self._show)
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.resize(680, 420)
        self.list.setCurrentRow(0)

    def show_term(self, key: str) -> bool:
        """Select the entry `key`; False when there is none."""
        for row, term in enumerate(self.terms):
            if term.key == key:
                self.list.setCurrentRow(row)
                return True
        return False

    @property
    def current_key(self) -> str:
        row = self.list.currentRow()
        return self.terms[row].key if 0 <= row < len(self.terms) else ""

    @Slot(int)
    def _show(self, row: int) -> None:
        if 0 <= row < len(self.terms):
            term = self.terms[row]
            self.text.setMarkdown(f"## {term.title}\n\n{term.text}")


class UserGuideDialog(QDialog):
    """docs/user-guide.md, with its screenshots; links to other pages of docs/ open here too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Finetune Studio user guide")
        self.setObjectName("user-guide-dialog")
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._follow)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        fit_size(self, 820, 640)
        self.show_page(USER_GUIDE_FILE)

    def show_page(self, name: str) -> None:
        path = docs_file(name)
        self.text.setSearchPaths([str(path.parent)])
        self.text.document().setBaseUrl(QUrl.fromLocalFile(str(path)))
        self.text.setMarkdown(path.read_text(encoding="utf-8"))
        _fit_images(self.text.document(), IMAGE_WIDTH)
        self.page = name

    @Slot(QUrl)
    def _follow(self, url: QUrl) -> None:
        name = url.fileName()
        if url.isRelative() or url.isLocalFile():
            if name == GLOSSARY_FILE:
                show_glossary(self.parentWidget())
            elif name.endswith(".md"):
                try:
                    self.show_page(name)
                except FileNotFoundError:  # a page this version does not have: stay here
                    log.info("help page %s not found", name)
            return
        _open_link(url)


def _fit_images(document: QTextDocument, width: int) -> None:
    """Screenshots at most `width` pixels wide (the height follows), so pages never scroll sideways."""
    block = document.begin()
    while block.isValid():
        for fragment in _fragments(block):
            image = fragment.charFormat().toImageFormat()
            if fragment.charFormat().isImageFormat() and image.width() <= 0:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(
                    fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                )
                image.setWidth(width)
                cursor.setCharFormat(image)
        block = block.next()


def _fragments(block: QTextBlock) -> list[QTextFragment]:
    out = []
    iterator = block.begin()
    while not iterator.atEnd():
        out.append(iterator.fragment())
        iterator += 1
    return out


_open: dict[str, QDialog] = {}


def show_glossary(parent: QWidget | None = None, key: str = "") -> GlossaryDialog:
    """Show the glossary (one window, raised when already open), at entry `key` if given."""
    dialog = _open.get("glossary")
    if not isinstance(dialog, GlossaryDialog) or not isValid(dialog) or not dialog.isVisible():
        dialog = GlossaryDialog(parent)
        _open["glossary"] = dialog
    if key:
        dialog.show_term(key)
    dialog.show()
    dialog.raise_()
    return dialog


def show_user_guide(parent: QWidget | None = None) -> UserGuideDialog:
    dialog = _open.get("guide")
    if not isinstance(dialog, UserGuideDialog) or not isValid(dialog) or not dialog.isVisible():
        dialog = UserGuideDialog(parent)
        _open["guide"] = dialog
    dialog.show()
    dialog.raise_()
    return dialog


class _GlossaryLinks(QObject):
    """Opens the glossary when a `glossary:` link in a widget's What's This text is clicked."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WhatsThisClicked and isinstance(
            event, QWhatsThisClickedEvent
        ):
            parent = watched.window() if isinstance(watched, QWidget) else None
            return open_glossary_link(event.href(), parent)
        return False


def explain(widget: QWidget, text: str, key: str) -> None:
    """Give `widget` a What's This text (Shift+F1) ending in a link to glossary entry `key`."""
    widget.setWhatsThis(f"{text}<br><a href='{LINK_PREFIX}{key}'>More in the glossary</a>")
    links = next((c for c in widget.children() if isinstance(c, _GlossaryLinks)), None)
    if links is None:
        widget.installEventFilter(_GlossaryLinks(widget))


def glossary_label(text_html: str, parent: QWidget | None = None) -> QLabel:
    """A small label whose `glossary:` links open the glossary."""
    label = QLabel(text_html, parent)
    label.setObjectName("glossaryLinks")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.linkActivated.connect(lambda href: open_glossary_link(href, label.window()))
    return label


def open_glossary_link(href: str, parent: QWidget | None = None) -> bool:
    """Handle a `glossary:<key>` link (from a label, a tooltip or What's This); False otherwise."""
    if not href.startswith(LINK_PREFIX):
        return False
    show_glossary(parent, href[len(LINK_PREFIX) :])
    return True
