"""The jobs list keeps the selected job selected when a refresh brings other jobs."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

from desktop_app.core.providers.base import Job
from desktop_app.core.training.job_key import JobKey
from desktop_app.ui.training.job_models import JobRow, JobsModel


def _row(job_id: str, created: int) -> JobRow:
    key = JobKey("practice", "local", "http://127.0.0.1:1/v1", job_id)
    return JobRow(
        key, Job(job_id, "succeeded", "gpt-4.1-mini", created_at=created), "Practice", True
    )


def test_a_refresh_with_newer_jobs_keeps_the_selection_on_its_job(qtbot, qapp) -> None:
    model = JobsModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_rows([_row("ftjob-old", 100), _row("ftjob-mine", 200)])
    view.setCurrentIndex(model.index(0, 0))  # newest first: "ftjob-mine"
    assert model.rows()[view.currentIndex().row()].job.id == "ftjob-mine"
    model.set_rows([_row("ftjob-old", 100), _row("ftjob-mine", 200), _row("ftjob-newer", 300)])
    assert model.rows()[view.currentIndex().row()].job.id == "ftjob-mine"
    model.set_rows([_row("ftjob-old", 100)])  # gone: nothing is selected rather than another job
    assert not view.currentIndex().isValid()
