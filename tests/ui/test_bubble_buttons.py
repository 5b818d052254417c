"""A message bubble's buttons (move, add, duplicate, delete) float over its header's right end:
they must never cover the role box, however narrow the bubble and whenever it is focused."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.mark.parametrize("width", [230, 260, 340, 600])
def test_a_bubbles_buttons_never_cover_its_role(qtbot, width):
    """A new example's empty user bubble at 1024×700 is focused before it is shown and laid out:
    its five buttons stayed over the role box's arrow (placing them waited for a visible box)."""
    from PySide6.QtWidgets import QWidget

    from desktop_app.ui.editor.message_bubble import MessageBubble

    holder = QWidget()
    qtbot.addWidget(holder)
    message = {"role": "user", "content": ""}
    bubble = MessageBubble(("messages", 0), {"messages": [message]}, message, count=2)
    bubble.setParent(holder)
    bubble._editor_focus(True)  # focused while nothing is shown yet
    bubble.resize(width, bubble.sizeHint().height())  # laid out, still hidden
    holder.move(400, 400)  # away from the pointer: no hover places the buttons again
    holder.show()

    def apart() -> bool:
        box, role = bubble.actions_box, bubble.role_combo
        return box.isVisible() and box.geometry().left() > role.geometry().right()

    qtbot.waitUntil(apart, timeout=2_000)
    shown = [name for name, button in bubble.buttons.items() if button.isVisible()]
    assert shown[-3:] == ["list-add", "edit-copy", "list-remove"]  # the move buttons fold first
