"""The start dialog's training settings explain their words through the glossary."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.core.files.glossary import LINK_PREFIX, load_glossary
from desktop_app.ui.training.start_settings import TrainingSettings

LINK = re.compile(re.escape(LINK_PREFIX) + r"([\w-]+)")


def test_each_setting_links_to_a_glossary_entry_that_exists(qtbot) -> None:
    settings = TrainingSettings(None)
    qtbot.addWidget(settings)
    keys = {term.key for term in load_glossary()}
    linked: set[str] = set()
    for widget in settings.findChildren(QWidget):
        texts = [widget.whatsThis()] + ([widget.text()] if isinstance(widget, QLabel) else [])
        linked |= {key for text in texts for key in LINK.findall(text)}
    assert {"epochs", "batch-size", "learning-rate-multiplier", "seed"} <= linked
    assert linked <= keys, f"no glossary entry for {linked - keys}"
