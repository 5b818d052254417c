"""Which job a view, a poll or a worker is about: `JobKey` (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class JobKey:
    """Which job at which provider account (and address) a view or a poll is about."""

    provider: str
    account: str
    base_url: str
    job_id: str

    @property
    def record_key(self) -> tuple[str, str, str]:
        """(provider, account, job id): how the job store names the job."""
        return (self.provider, self.account, self.job_id)
