"""The status timeline of a training job (Checking the files → … → Model ready) and banners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desktop_app.core.providers.base import Job, JobStatus
from desktop_app.qt.job_poller import JobState
from desktop_app.ui import theme
from desktop_app.ui.training.job_models import clock

STEPS = (
    (JobStatus.VALIDATING_FILES, "Checking the files"),
    (JobStatus.QUEUED, "Waiting in line"),
    (JobStatus.RUNNING, "Training"),
    ("done", "Model ready"),
)
ORDER = {
    JobStatus.VALIDATING_FILES: 0,
    JobStatus.QUEUED: 1,
    JobStatus.RUNNING: 2,
    "pausing": 2,
    JobStatus.PAUSED: 2,
    JobStatus.SUCCEEDED: 3,
    JobStatus.FAILED: 3,
    JobStatus.CANCELLED: 3,
}


class StatusTimeline(QWidget):
    """Checking the files → Waiting in line → Training → Model ready (or Failed / Cancelled)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status-timeline")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self.labels: list[QLabel] = []
        for number, (_status, text) in enumerate(STEPS):
            if number:
                arrow = QLabel("→", self)
                arrow.setEnabled(False)
                layout.addWidget(arrow)
            label = QLabel(text, self)
            label.setObjectName(f"timeline-step-{number}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setMinimumWidth(130)
            self.labels.append(label)
            layout.addWidget(label)
        layout.addStretch(1)
        self.current = -1

    def set_job(self, job: Job | None, times: dict[int, int | None]) -> None:
        if job is None:
            return
        at = ORDER.get(job.status, 0)
        self.current = at
        accent = theme.severity_color("info").name()
        bad = theme.severity_color("error").name()
        for number, label in enumerate(self.labels):
            text = STEPS[number][1]
            if number == 2 and job.status in (JobStatus.PAUSED, "pausing"):
                text = "Paused"
            if number == 3:
                text = {
                    JobStatus.SUCCEEDED: "Model ready",
                    JobStatus.FAILED: "Failed",
                    JobStatus.CANCELLED: "Cancelled",
                }.get(job.status, "Model ready")
            stamp = clock(times.get(number))
            done = number < at or (number == 3 and job.is_terminal)
            mark = "✔ " if done and not (number == 3 and job.status != JobStatus.SUCCEEDED) else ""
            if number == 3 and job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
                mark = "✖ "
            label.setText(f"{mark}{text}" + (f"\n{stamp}" if stamp else ""))
            if number == at and not job.is_terminal:
                label.setStyleSheet(f"font-weight: bold; color: {accent};")
            elif number == 3 and job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
                label.setStyleSheet(f"font-weight: bold; color: {bad};")
            elif done:
                label.setStyleSheet("font-weight: bold;")
            else:
                label.setStyleSheet("color: palette(mid);")


def step_times(job: Job, state: JobState) -> dict[int, int | None]:
    times: dict[int, int | None] = {0: job.created_at, 3: job.finished_at}
    for event in state.events:
        text = event.message.lower()
        if 1 not in times and ("queued" in text or "queue" in text):
            times[1] = event.created_at
        if 2 not in times and "job started" in text:
            times[2] = event.created_at
    return times


def banner(parent: QWidget, name: str, color: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet(
        f"QLabel#{name} {{ border: 1px solid {color}; border-radius: 4px; padding: 8px; }}"
    )
    label.hide()
    return label
