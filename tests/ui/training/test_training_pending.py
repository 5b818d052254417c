"""At the app's start, a job whose start was sent but never confirmed is looked up, adopted into
the job records with a message, and followed (hub.resolve_pending, called by wiring at start)."""

from __future__ import annotations

import pytest
from training_helpers import (  # type: ignore[import-not-found]
    chat_dataset,
    hub_fixture,  # noqa: F401 (fixture)
    practice_server_fixture,  # noqa: F401 (fixture)
)

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import CLIENT_TOKEN_KEY, JobRequest, UploadSource
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.training.job_key import JobKey
from desktop_app.ui.training.hub import TrainingHub

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_an_unconfirmed_start_is_adopted_with_a_message(
    qtbot, hub: TrainingHub, practice_server: PracticeServer
) -> None:
    url = practice_server.base_url
    with PracticeProvider(base_url=url) as direct:  # the job exists; the app never heard back
        data = chat_dataset(12).training_bytes()
        file = direct.upload_file(UploadSource.from_bytes(data, "ferns.jsonl"))
        request = JobRequest(model="gpt-4o-mini-2024-07-18", training_file=file.id)
        job = direct.create_job(request)
    store = hub.store
    assert store is not None
    store.add_pending_create(
        request.client_token, provider="practice", account="local", base_url=url, request={}
    )
    assert job.metadata[CLIENT_TOKEN_KEY] == request.client_token
    messages: list[str] = []
    hub.message.connect(messages.append)
    hub.resolve_pending()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages[0].startswith(f"Found the job {job.id}")
    assert store.pending_creates() == []
    record = store.get("practice", "local", job.id)
    assert record is not None
    assert hub.poller.is_watching(JobKey("practice", "local", url, job.id))  # followed from now on
    qtbot.waitUntil(
        lambda: store.get("practice", "local", job.id).is_terminal,  # type: ignore[union-attr]
        timeout=20_000,
    )
