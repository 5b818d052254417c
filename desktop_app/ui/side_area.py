"""The window's right side: the Problems and Overview tabs, and the overview opened beside the
Problems list when the writer picks a file-wide problem (the list never goes away).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.checks.dataset_level import (
    FILE_TOO_LARGE,
    IMAGES_NEED_VISION,
    METHOD_NOT_SUPPORTED,
    MODEL_UNAVAILABLE,
    TOO_LONG,
)
from desktop_app.ui.icons import icon
from desktop_app.ui.layouts import nested

# which overview section a file-wide problem is about (the rules' own codes: a code written out
# here as "images_need_vision" never matched, and the writer told to pick another model was
# shown the dataset's counts)
SECTION_OF = {
    TOO_LONG: "lengths",
    FILE_TOO_LARGE: "lengths",
    METHOD_NOT_SUPPORTED: "training",
    IMAGES_NEED_VISION: "training",
    MODEL_UNAVAILABLE: "training",
}


class SideArea(QSplitter):
    """Tabs on top; under them, while a file-wide problem is looked at, the overview."""

    def __init__(self, problems: QWidget, overview: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("side-area")
        self.setChildrenCollapsible(False)
        self.problems, self.overview = problems, overview
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Problems and overview")
        self.tabs.addTab(problems, icon("severity-warning"), "Problems")
        self.tabs.addTab(overview, icon("status-ok"), "Overview")
        self.beside = QWidget(self)
        self.beside.setObjectName("overview-beside")
        self._beside_layout = QVBoxLayout(self.beside)
        self._beside_layout.setContentsMargins(0, 0, 0, 0)
        header = nested(self._beside_layout)
        header.setContentsMargins(6, 2, 2, 0)
        title = QLabel("<b>Overview</b>", self.beside)
        close = QToolButton(self.beside)
        close.setText("Back to Tab")
        close.setToolTip("Put the overview back in its tab")
        close.clicked.connect(self.put_back)
        header.addWidget(title, 1)
        header.addWidget(close)
        self.beside.hide()
        self.addWidget(self.tabs)
        self.addWidget(self.beside)

    def is_beside(self) -> bool:
        return self.beside.isVisible()

    def show_beside(self, code: str) -> None:
        """Open the overview under the Problems list, at the section `code` is about."""
        if not self.is_beside():
            self.tabs.removeTab(self.tabs.indexOf(self.overview))
            self._beside_layout.addWidget(self.overview, 1)
            self.overview.show()
            self.beside.show()
            half = max(1, self.height() // 2)
            self.setSizes([half, self.height() - half])
        self.tabs.setCurrentWidget(self.problems)
        open_section = getattr(self.overview, "open_section", None)
        if open_section is not None:
            open_section(SECTION_OF.get(code, "dataset"))

    @Slot()
    def put_back(self) -> None:
        if not self.is_beside():
            return
        self._beside_layout.removeWidget(self.overview)
        self.beside.hide()
        self.setSizes([self.height(), 0])  # the tabs take the height back (a quick Back to Tab
        # after opening left the splitter at half and half, the lower half empty)
        problems = self.tabs.indexOf(self.problems)  # both tabs show the dataset's state
        index = self.tabs.addTab(self.overview, self.tabs.tabIcon(problems), "Overview")
        self.tabs.setTabToolTip(index, self.tabs.tabToolTip(problems))
