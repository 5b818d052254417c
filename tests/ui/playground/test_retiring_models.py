"""The jobs list and the playground mark tuned models whose base model stops answering: the date
and what to do, the day before and the day after (pretended through desktop_app.core.models.today)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.ui.playground.fixtures import (  # noqa: F401 (fixtures, found by pytest by name)
    document_fixture,
    server_fixture,
    services_fixture,
    store_fixture,
    trained_fixture,
    tuned_fixture,
)

from PySide6.QtCore import Qt

from desktop_app.core.models.today import pretend_today
from desktop_app.core.providers.base import Job
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.trying.endpoints import TUNED
from desktop_app.ui.playground.playground_window import PlaygroundWindow
from desktop_app.ui.training.job_models import JobColumn, JobRow, JobsModel

OLD = "ft:gpt-4.1-mini-2025-04-14:acme:voice:abc123"
SHUTDOWN = date(2027, 1, 14)


def _row(provider: str = "openai") -> JobRow:
    job = Job(
        id="ftjob-old", status="succeeded", model="gpt-4.1-mini-2025-04-14", fine_tuned_model=OLD
    )
    return JobRow(JobKey(provider, "default", "", "ftjob-old"), job, "OpenAI", True)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 9, 1), OLD),  # months ahead: nothing to say yet
        (date(2027, 1, 13), f"{OLD} — stops answering on 14 January 2027"),
        (SHUTDOWN, f"{OLD} — no longer answers"),
    ],
)
def test_the_jobs_list_marks_a_tuned_model_whose_base_stops(qtbot, day: date, shown: str) -> None:
    model = JobsModel({}, None)
    model.set_rows([_row()])
    with pretend_today(day):
        index = model.index(0, JobColumn.TUNED)
        assert model.data(index) == shown
        tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
        if shown == OLD:
            assert "answering" not in tip
        else:
            assert "14 January 2027" in tip and "Move this model" in tip


def test_azures_copy_of_the_same_model_answers_until_october(qtbot) -> None:
    model = JobsModel({}, None)
    model.set_rows([_row("azure")])
    with pretend_today(SHUTDOWN):
        assert model.data(model.index(0, JobColumn.TUNED)) == OLD


def test_the_playground_marks_it_and_never_offers_a_base_model_past_its_shut_down(
    qtbot, services, store
) -> None:
    job = Job(
        id="ftjob-old", status="succeeded", model="gpt-4.1-mini-2025-04-14", fine_tuned_model=OLD
    )
    store.record_job(job, provider="openai", account="default", base_url="")
    with pretend_today(date(2027, 1, 13)):
        window = PlaygroundWindow(services)
        qtbot.addWidget(window)
        picker = window.column_a.picker
        old = next(e for e in services.endpoint_choices() if e.model == OLD and e.origin == TUNED)
        picker.set_endpoint(old)
        assert "Stops answering on 14 January 2027 (1 day left)" in picker.note.text()
        picker.place.setCurrentIndex(picker.place.findData("openai"))
        names = [picker.model.itemData(i) for i in range(picker.model.count())]
        assert "gpt-4.1-mini-2025-04-14" in names
        picker.place.setCurrentIndex(picker.place.findData("nebius"))  # where a moved model runs
        picker.model.setEditText("meta-llama/Meta-Llama-3.1-8B-Instruct-LoRA:ferns")
        assert picker.endpoint().kind == "nebius" and "answers at once" in picker.note.text()
        picker.place.setCurrentIndex(picker.place.findData("openai"))
    with pretend_today(SHUTDOWN):
        picker.refresh()
        picker.place.setCurrentIndex(picker.place.findData("openai"))
        names = [picker.model.itemData(i) for i in range(picker.model.count())]
        assert "gpt-4.1-mini-2025-04-14" not in names and "gpt-4o-2024-08-06" not in names


def test_after_openais_shut_down_the_playground_starts_where_models_still_answer(
    qtbot, services
) -> None:
    """On 15 January 2027 the playground opened on OpenAI with an empty list and no word of why."""
    from desktop_app.ui.playground.endpoint_picker import EndpointPicker
    from desktop_app.ui.playground.services import TryServices

    alone = TryServices()  # no trained models, no practice server: a writer's first try
    try:
        for day, first in ((date(2026, 12, 7), "openai"), (date(2027, 1, 15), "azure")):
            with pretend_today(day):
                picker = EndpointPicker(alone)
                qtbot.addWidget(picker)
                assert picker.place.currentData() == first
        with pretend_today(date(2027, 1, 15)):
            picker.place.setCurrentIndex(picker.place.findData("openai"))
            assert picker.model.count() == 0
            assert "stopped answering on 14 January 2027" in picker.note.text()
            assert "another place" in picker.note.text()
    finally:
        assert alone.shutdown(5_000)
    with pretend_today(date(2027, 1, 15)):  # practice mode answers on this computer, any day
        practice = EndpointPicker(services)
        qtbot.addWidget(practice)
        practice.place.setCurrentIndex(practice.place.findData("practice"))
        names = [practice.model.itemData(i) for i in range(practice.model.count())]
        assert "gpt-4.1-mini-2025-04-14" in names
        assert "stopped answering" not in practice.note.text()
