"""What a job's status and its failure mean, in plain words (the provider's own words kept)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar


class JobStatus:
    VALIDATING_FILES = "validating_files"
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TERMINAL = frozenset({SUCCEEDED, FAILED, CANCELLED})
    LABELS: ClassVar[dict[str, str]] = {
        VALIDATING_FILES: "Checking the files",
        QUEUED: "Waiting in line",
        RUNNING: "Training",
        "pausing": "Pausing",
        PAUSED: "Paused",
        SUCCEEDED: "Finished — the model is ready",
        FAILED: "Failed",
        CANCELLED: "Cancelled",
    }

    @classmethod
    def label(cls, status: str) -> str:
        return cls.LABELS.get(status, status.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class JobError:
    """Why a job failed, as the provider said it."""

    code: str
    message: str
    param: str | None = None

    @property
    def example_number(self) -> int | None:
        """The example the provider names (“Example 12, message 2 …”), 1-based, or None."""
        found = re.search(r"\bExample (\d+)\b", self.message)
        return int(found.group(1)) if found else None

    def explain(self) -> tuple[str, str]:
        """(what happened, what to do) in plain words for the person training."""
        which = "validation file" if self.param == "validation_file" else "training file"
        if self.code == "invalid_n_examples":
            return (
                f"The provider needs more examples: {self.message}.",
                "Add examples until the file has at least 10 (50 to 100 usually work much "
                "better), then start the job again.",
            )
        if self.code in ("invalid_training_file", "invalid_validation_file", "invalid_file_format"):
            number = self.example_number
            where = f" Example {number} is the problem." if number else ""
            return (
                f"The provider could not use the {which}.{where} It said: {self.message}",
                "Fix that example (the checks panel can help), then start the job again.",
            )
        if self.code == "server_error":
            return (
                "The job failed because of a problem on the provider's side.",
                "Start the job again; you are normally not charged for a job that failed this way.",
            )
        return (
            f"The job failed: {self.message}",
            "Read the message, fix the cause, and try again.",
        )
