"""A server on this computer lists its models in the picker (real HTTP on 127.0.0.1: the practice
server answers GET /v1/models as Ollama, LM Studio and llama.cpp do), and one that is not running
is said to be so, with how to start it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from desktop_app.core.practice_server import PracticeServer
from desktop_app.ui.playground.endpoint_picker import EndpointPicker
from desktop_app.ui.playground.services import TryServices


@pytest.fixture
def alone() -> Iterator[TryServices]:
    services = TryServices()  # no trained models, no practice mode: a writer's first try
    yield services
    assert services.shutdown(10_000)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_local_server_fills_the_model_list(qtbot, alone) -> None:
    """“the model's name” was all the writer got: what Ollama calls a model, they had to know."""
    with PracticeServer(pace=100.0) as server:
        picker = EndpointPicker(alone)
        qtbot.addWidget(picker)
        picker.place.setCurrentIndex(picker.place.findData("local"))
        picker.address.setText(server.base_url)
        qtbot.waitUntil(lambda: picker.model.count() > 0, timeout=10_000)
        names = [picker.model.itemText(i) for i in range(picker.model.count())]
        assert "gpt-4.1-mini-2025-04-14" in names
        assert picker.model.currentText() == names[0]  # nothing typed: the first is chosen
        assert picker.note.text().startswith(f"The server has {len(names)} models: pick one")
        endpoint = picker.endpoint()
        assert endpoint is not None and endpoint.model == names[0]
        assert endpoint.base_url == server.base_url


def test_a_server_that_is_not_running_is_said_to_be_so(qtbot, alone) -> None:
    picker = EndpointPicker(alone)
    qtbot.addWidget(picker)
    picker.place.setCurrentIndex(picker.place.findData("local:ollama"))
    address = f"http://127.0.0.1:{_closed_port()}/v1"
    picker.model.setEditText("llama3.2")
    picker.address.setText(address)
    qtbot.waitUntil(lambda: "Nothing answers" in picker.note.text(), timeout=10_000)
    assert picker.note.text() == (
        f"Nothing answers at {address} yet. "
        "Start Ollama (open the Ollama app, or run “ollama serve”)."
    )
    assert picker.model.currentText() == "llama3.2"  # what the writer typed stays
    picker.place.setCurrentIndex(picker.place.findData("openai"))
    assert "Nothing answers" not in picker.note.text()  # the note belongs to the local server
