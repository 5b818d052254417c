"""The playground, driven with pytest-qt against the practice server over real HTTP: replies
stream in from workers, can be stopped, edited and added to the dataset (undoable), and fail
with plain messages."""

from __future__ import annotations

import pytest
from tests.core.compare_support import QUICK_RETRY, SYSTEM, answer, question
from tests.ui.playground.fixtures import (  # noqa: F401 (fixtures, found by pytest by name)
    OpenDocument,
    document_fixture,
    server_fixture,
    services_fixture,
    store_fixture,
    trained_fixture,
    tuned_fixture,
)

from PySide6.QtCore import Qt

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import Fault
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.trying.endpoints import BASE, TUNED, Endpoint, ProviderPool
from desktop_app.ui.playground import open_playground
from desktop_app.ui.playground.playground_window import PlaygroundWindow
from desktop_app.ui.playground.services import TryServices


def make_window(qtbot, services: TryServices) -> PlaygroundWindow:
    window = PlaygroundWindow(services)
    qtbot.addWidget(window)
    window.show()
    return window


def tuned_and_base(services: TryServices) -> tuple[Endpoint, Endpoint]:
    choices = services.endpoint_choices()
    tuned = next(e for e in choices if e.origin == TUNED)
    base = next(e for e in choices if e.origin == BASE)
    return tuned, base


def ask(qtbot, window: PlaygroundWindow, text: str) -> None:
    window.question.setPlainText(text)
    assert window.send_button.isEnabled()
    qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)


def wait_idle(qtbot, window: PlaygroundWindow, timeout: int = 15_000) -> None:
    qtbot.waitUntil(lambda: not window.column_a.busy and not window.column_b.busy, timeout=timeout)


def test_a_reply_streams_in_from_a_worker(qtbot, services, server) -> None:
    server.config.chat_piece_delay = 60.0  # 20 ms per piece at this pace: the test connects
    # to the bubble while the reply is still arriving, even on a busy machine
    window = make_window(qtbot, services)
    tuned, _ = tuned_and_base(services)
    window.set_endpoints(tuned)
    lengths: list[int] = []

    ask(qtbot, window, question(3))
    bubble = window.column_a.turns[-1].bubble
    bubble.text.textChanged.connect(lambda: lengths.append(len(bubble.text.toPlainText())))
    assert window.column_a.busy and window.stop_button.isEnabled()
    wait_idle(qtbot, window)

    assert bubble.text.toPlainText() == answer(3)
    assert len(set(lengths)) >= 2  # the text grew in steps, not all at once
    assert bubble.add_button.isEnabled() and not bubble.status.isVisible()
    assert window.column_a.turns[0].content == question(3)
    assert window.question.toPlainText() == ""


def test_two_models_answer_side_by_side_at_the_same_time(qtbot, services, server) -> None:
    server.config.chat_piece_delay = 300.0  # 0.1 s per piece at this pace: the replies overlap
    window = make_window(qtbot, services)
    tuned, base = tuned_and_base(services)
    window.set_endpoints(base, tuned)
    both_busy: list[bool] = []
    window.column_b.busy_changed.connect(
        lambda busy: both_busy.append(busy and window.column_a.busy)
    )

    def both_streaming() -> bool:  # each column has part of its reply, and neither is done
        a, b = window.column_a, window.column_b
        return bool(a.busy and b.busy and a.turns[-1].content and b.turns[-1].content)

    ask(qtbot, window, question(2))
    qtbot.waitUntil(both_streaming, timeout=10_000)
    wait_idle(qtbot, window)

    assert True in both_busy
    assert window.column_b.turns[-1].content == answer(2)
    assert window.column_a.turns[-1].content.startswith("Thanks for asking about")
    header = window.column_a.turns[-1].bubble.header.text()
    assert header.startswith(base.display_name)
    assert "simulated reply" in header  # Practice mode's replies are canned, and say so


def test_side_by_side_starts_with_the_base_model_against_the_tuned_one(qtbot, services) -> None:
    window = make_window(qtbot, services)
    tuned, base = tuned_and_base(services)
    window.set_endpoints(tuned)
    assert window.column_b.picker.endpoint() in (None, tuned)  # not chosen yet
    window.side_by_side.setChecked(True)
    assert window.column_a.picker.endpoint() == tuned
    assert window.column_b.picker.endpoint() == base


@pytest.mark.qt_log_ignore("This plugin does not support")  # the popup, offscreen
def test_two_models_side_by_side_fit_a_1024_pixel_screen(qtbot, services) -> None:
    """Each column's choice boxes asked for their longest entry: side by side, the window was
    wider than a 1024-pixel screen and its right column was cut off."""
    from desktop_app.ui.screen_fit import SCREEN_MARGIN

    window = make_window(qtbot, services)
    window.set_endpoints(*tuned_and_base(services))
    assert window.side_by_side.isChecked()
    assert window.minimumSizeHint().width() <= 1024 - SCREEN_MARGIN
    place = window.column_a.picker.place
    texts = [place.itemText(i) for i in range(place.count())]
    longest = max(place.fontMetrics().horizontalAdvance(text) for text in texts)
    place.showPopup()  # the list that drops down still shows each place in full
    try:
        assert place.view().viewport().width() >= longest
    finally:
        place.hidePopup()


def test_a_reply_can_be_stopped_and_what_arrived_stays(qtbot, services, server) -> None:
    server.config.chat_piece_delay = 60.0  # half a second per piece at this pace
    window = make_window(qtbot, services)
    window.set_endpoints(tuned_and_base(services)[0])

    ask(qtbot, window, question(4))
    bubble = window.column_a.turns[-1].bubble
    qtbot.waitUntil(lambda: bool(bubble.text.toPlainText()), timeout=10_000)
    qtbot.mouseClick(window.stop_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, 5000)

    partial = bubble.text.toPlainText()
    assert partial and len(partial) < len(answer(4)) and answer(4).startswith(partial)
    assert bubble.status.text() == "Stopped."
    assert bubble.add_button.isEnabled() and not bubble.text.isReadOnly()


def test_an_edited_reply_is_added_to_the_dataset_and_undone(
    qtbot, services, document: OpenDocument
) -> None:
    window = make_window(qtbot, services)
    assert window.use_dataset_system_prompt() and window.system.toPlainText() == SYSTEM
    window.set_endpoints(tuned_and_base(services)[0])
    ask(qtbot, window, question(1))
    wait_idle(qtbot, window)
    ask(qtbot, window, "And in winter?")
    wait_idle(qtbot, window)
    first_reply = window.column_a.turns[1].bubble
    first_reply.text.setPlainText("Water it weekly, with rain water.")
    before = len(document.dataset)
    added: list[int] = []
    services.example_added.connect(added.append)

    qtbot.mouseClick(first_reply.add_button, Qt.MouseButton.LeftButton)

    assert len(document.dataset) == before + 1 and added == [before]
    assert document.dataset.value(before) == {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": question(1)},
            {"role": "assistant", "content": "Water it weekly, with rain water."},
        ]
    }
    assert document.undo_stack.count() == 1
    assert window.status.text() == f"Added as example {before + 1} at the end of the dataset."

    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)

    assert len(document.dataset) == before and document.undo_stack.canRedo()
    assert window.status.text() == "The added example was removed again."
    document.undo_stack.redo()
    assert document.dataset.value(before)["messages"][2]["content"].startswith("Water it weekly")


def test_a_whole_conversation_and_a_preference_pair(qtbot, services, document) -> None:
    window = make_window(qtbot, services)
    tuned, base = tuned_and_base(services)
    window.set_endpoints(base, tuned)
    ask(qtbot, window, question(5))
    wait_idle(qtbot, window)
    ask(qtbot, window, question(6))
    wait_idle(qtbot, window)

    qtbot.mouseClick(window.column_b.turns[3].bubble.add_button, Qt.MouseButton.LeftButton)
    whole = document.dataset.value(len(document.dataset) - 1)
    assert [m["content"] for m in whole["messages"]] == [
        question(5),
        answer(5),
        question(6),
        answer(6),
    ]

    document.dataset = Dataset.from_values(
        [
            {
                "input": {"messages": [{"role": "user", "content": "Hi"}]},
                "preferred_output": [{"role": "assistant", "content": "Hello!"}],
                "non_preferred_output": [{"role": "assistant", "content": "What?"}],
            }
        ]
    )
    qtbot.mouseClick(window.column_b.turns[3].bubble.add_button, Qt.MouseButton.LeftButton)

    pair = document.dataset.value(1)
    assert pair["preferred_output"] == [{"role": "assistant", "content": answer(6)}]
    assert pair["non_preferred_output"][0]["content"].startswith("Thanks for asking about")
    assert pair["input"]["messages"][-1] == {"role": "user", "content": question(6)}


def test_a_model_that_does_not_exist_gets_a_plain_message(qtbot, services, server) -> None:
    window = make_window(qtbot, services)
    window.set_endpoints(Endpoint("practice", "ft:gpt-4o-mini:acme::gone", server.base_url))

    ask(qtbot, window, "Hello?")
    wait_idle(qtbot, window)

    bubble = window.column_a.turns[-1].bubble
    assert bubble.status.text().startswith(
        "This model isn't available: “ft:gpt-4o-mini:acme::gone” at the practice server. It may "
        "have been shut down, or (on Azure) not deployed yet."
    )
    assert not bubble.add_button.isEnabled()


def test_a_rate_limit_is_a_plain_message_and_the_next_try_works(qtbot, services, server) -> None:
    server.faults.add(Fault("status", path=r"/chat/completions$", status=429, times=3))
    window = make_window(qtbot, services)
    window.set_endpoints(tuned_and_base(services)[0])

    ask(qtbot, window, question(1))
    wait_idle(qtbot, window)
    assert window.column_a.turns[-1].bubble.status.text() == (
        "The practice server is busy (rate limit). Wait a minute and try again."
    )

    ask(qtbot, window, question(1))
    wait_idle(qtbot, window)
    assert window.column_a.turns[-1].content == answer(1)
    sent = window.column_a.messages("")
    assert [m["role"] for m in sent] == [
        "user",
        "user",
        "assistant",
    ]  # the failed reply is left out


def test_a_timeout_is_a_plain_message(qtbot, server, document, store) -> None:
    server.faults.add(Fault("slow", path=r"/chat/completions$", delay=1.0, times=3))
    services = TryServices(
        document=lambda: document,
        store=lambda: store,
        practice_url=lambda: server.base_url,
        providers=ProviderPool(retry=QUICK_RETRY, timeouts=Timeouts(read=0.2)),
    )
    try:
        window = make_window(qtbot, services)
        window.set_endpoints(tuned_and_base(services)[0])
        ask(qtbot, window, question(1))
        wait_idle(qtbot, window)
        assert (
            window.column_a.turns[-1]
            .bubble.status.text()
            .startswith("The practice server did not answer in time.")
        )
    finally:
        assert services.shutdown(20_000)


def test_the_system_prompt_menu_lists_the_datasets_prompts(qtbot, services, document) -> None:
    document.dataset = Dataset.from_values(
        [
            {
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "x"},
                ]
            },
            {
                "messages": [
                    {"role": "system", "content": "Be kind."},
                    {"role": "user", "content": "y"},
                ]
            },
            {
                "messages": [
                    {"role": "system", "content": "Be kind."},
                    {"role": "user", "content": "z"},
                ]
            },
        ]
    )
    window = make_window(qtbot, services)

    window.fill_system_menu()
    actions = window.system_menu.actions()
    actions[1].trigger()

    assert [a.text() for a in actions] == ["Be kind.  (2×)", "Be brief.  (1×)"]
    assert window.system.toPlainText() == "Be brief."


def test_the_model_picker_presets_and_checkpoints(qtbot, services, server) -> None:
    window = make_window(qtbot, services)
    picker = window.column_a.picker
    picker.place.setCurrentIndex(picker.place.findData("local:lmstudio"))

    assert picker.address.text() == "http://localhost:1234/v1" and picker.address.isVisible()
    assert picker.endpoint() is None and picker.missing() == "Type a model name."
    assert not window.send_button.isEnabled()
    picker.model.setEditText("my-fern-model")
    assert picker.endpoint() == Endpoint(
        "local", "my-fern-model", "http://localhost:1234/v1", preset="lmstudio"
    )

    tuned, _ = tuned_and_base(services)
    picker.set_endpoint(tuned)
    assert picker.checkpoints.isVisible()
    qtbot.mouseClick(picker.checkpoints, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "added to the list" in picker.note.text(), timeout=10_000)

    names = [picker.model.itemData(i) for i in range(picker.model.count())]
    assert any(":ckpt-step-" in str(name) for name in names)
    assert picker.endpoint() == tuned


def test_the_playground_opens_once_with_the_datasets_system_prompt(qtbot, services) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    tuned, base = tuned_and_base(services)

    first = open_playground(parent, services, a=base, b=tuned)
    again = open_playground(parent, services)

    assert first is again and first.isVisible()
    assert first.system.toPlainText() == SYSTEM and first.side_by_side.isChecked()
    assert first.column_b.picker.endpoint() == tuned
    first.close()


def test_the_playground_starts_with_the_models_talked_to_last_time(
    qtbot, tmp_path, server, document, store
) -> None:
    """Each new playground started on the first place in the list: an Azure deployment and its
    address had to be typed again every time."""
    from PySide6.QtWidgets import QWidget

    from desktop_app.qt.ui_state import UiState

    parents: list[QWidget] = []  # kept alive: the playground is their child

    def opened() -> tuple[TryServices, PlaygroundWindow]:
        made = TryServices(
            document=lambda: document,
            store=lambda: store,
            practice_url=lambda: server.base_url,
            retry=QUICK_RETRY,
            ui_state=UiState(tmp_path / "window.ini"),  # read afresh, as at the next start
        )
        parents.append(QWidget())
        qtbot.addWidget(parents[-1])
        return made, open_playground(parents[-1], made)

    services, window = opened()
    tuned, base = tuned_and_base(services)
    assert window.column_a.picker.endpoint() == tuned  # nothing kept yet: the first choice
    window.set_endpoints(base, tuned)
    ask(qtbot, window, question(1))
    wait_idle(qtbot, window)
    window.close()
    assert services.shutdown(10_000)

    services, window = opened()
    assert window.side_by_side.isChecked()
    assert window.column_a.picker.endpoint() == base
    assert window.column_b.picker.endpoint() == tuned
    window.column_a.picker.place.setCurrentIndex(window.column_a.picker.place.findData("azure"))
    window.column_a.picker.model.setEditText("voice-deployment")
    window.column_a.picker.address.setText("https://acme.openai.azure.com")
    window.side_by_side.setChecked(False)
    window.question.setPlainText(question(2))
    window.send()  # Azure has no key here: the reply fails, the choice is kept all the same
    wait_idle(qtbot, window)
    window.close()
    assert services.shutdown(10_000)

    services, window = opened()
    picker = window.column_a.picker
    assert not window.side_by_side.isChecked()
    assert picker.place.currentData() == "azure" and picker.address.text().endswith("azure.com")
    assert picker.endpoint() == Endpoint(
        "azure", "voice-deployment", "https://acme.openai.azure.com"
    )
    window.close()
    assert services.shutdown(10_000)


@pytest.mark.parametrize("closing", ["window", "services"])
def test_closing_stops_a_reply_in_flight(qtbot, services, server, closing) -> None:
    server.config.chat_piece_delay = 200.0
    window = make_window(qtbot, services)
    window.set_endpoints(tuned_and_base(services)[0])
    ask(qtbot, window, question(2))
    qtbot.waitUntil(lambda: bool(window.column_a.turns[-1].content), timeout=10_000)

    if closing == "window":
        window.close()
        wait_idle(qtbot, window, 5000)
    else:
        assert services.shutdown(5000)
    assert len(window.column_a.turns[-1].content) < len(answer(2))
