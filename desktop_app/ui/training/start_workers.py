"""What the start dialog runs on workers (no widgets here): the checks on exactly the data that
would be sent, and the upload that starts the job; plus the choices fixed when the checks start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.analysis.checker_process import CheckerProcess
from desktop_app.core.cancel import CancelToken, cancel_event
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.providers.connections import ProviderCache
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import StartedJob, TrainingPlan, start_job
from desktop_app.core.training.jobstore import JobStore
from desktop_app.core.training.preflight import CheckOutcome, ValidationChoice, run_checks
from desktop_app.ui.training.start_chooser import Target


def check_dataset(
    checker: CheckerProcess,
    snapshot: Dataset,
    model: str,
    method: str,
    epochs: int | None,
    validation: ValidationChoice,
    provider: str,
    filename: str,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> CheckOutcome:
    def report(done: int, total: int) -> None:
        progress((done, total))

    try:
        return run_checks(
            snapshot,
            checker=checker,
            model=model,
            method=method,
            epochs=epochs,
            validation=validation,
            provider=provider,
            filename=filename,
            progress=report,
            cancelled=lambda: cancel.cancelled,
        )
    except InterruptedError:
        cancel.raise_if_cancelled()
        raise


@dataclass(frozen=True, slots=True)
class Choices:
    """What the person chose on the first page, fixed when the checks start."""

    target: Target
    model: str
    method: str
    epochs: int | None
    batch_size: int | None
    learning_rate_multiplier: float | None
    beta: float | None
    suffix: str | None
    seed: int | None
    validation: ValidationChoice


@dataclass(frozen=True, slots=True)
class Started:
    key: JobKey
    started: StartedJob


def upload_and_start(
    providers: ProviderCache,
    target: Target,
    plan: TrainingPlan,
    store: JobStore,
    limits: dict[str, int],
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> Started:
    provider = providers.get(target.kind, target.account, target.base_url)
    started = start_job(
        provider, plan, store=store, progress=progress, cancel=cancel_event(cancel), **limits
    )
    key = JobKey(provider.kind, provider.account, provider.base_url, started.job.id)
    return Started(key, started)
