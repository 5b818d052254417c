"""Typed errors that carry a plain-language message for the person using the app.

Every error a user can see derives from `UserFacingError`: `message` says what happened in one
sentence, `next_step` what to do about it. The Qt layer shows both; the CLI prints both; neither
ever shows a traceback or a repr().
"""

from __future__ import annotations

from desktop_app.core.keys.scrub import scrub


class UserFacingError(Exception):
    """An error whose text is written for the person using the app."""

    def __init__(self, message: str, next_step: str = "", *, technical: str = "") -> None:
        # Provider answers can echo a key: every text of an error is scrubbed once, here.
        message, next_step, technical = scrub(message), scrub(next_step), scrub(technical)
        super().__init__(message)
        self.message = message
        self.next_step = next_step
        self.technical = technical

    def __str__(self) -> str:
        return f"{self.message} {self.next_step}".strip()


class DatasetOpenError(UserFacingError):
    """The file could not be read at all (missing, a folder, no permission)."""


class DatasetSaveError(UserFacingError):
    """The file could not be written; the edits are still in memory."""
