"""What the training commands share: the --provider options, opening a provider, printing jobs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys.scrub import scrub
from desktop_app.core.providers.base import Job, Provider
from desktop_app.core.providers.registry import (
    create_provider,
    environment_base_url,
    provider_kinds,
)
from desktop_app.core.training.jobstore import JobRecord, JobStore

PROVIDER_HELP = (
    "openai, azure (give the resource with --base-url), compatible (any OpenAI-compatible "
    "service, with --base-url or OPENAI_BASE_URL), together (Together AI), fireworks (Fireworks "
    "AI, with your account ID as --base-url), nebius (Nebius Token Factory) or practice (a "
    "simulated job on this computer)"
)


def add_provider_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--provider", choices=provider_kinds(), required=required, help=PROVIDER_HELP
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the service's address, for every provider (gateways, proxies, tests): an Azure "
        "resource name or endpoint, an OpenAI-compatible base URL, a Fireworks account, or a "
        "running practice server (http://127.0.0.1:PORT/v1)",
    )
    parser.add_argument(
        "--account",
        help="which stored key to use when you keep several for one provider (default: "
        "“default”; for Azure the resource name, for compatible services the host)",
    )


@contextmanager
def opened_provider(
    kind: str, base_url: str | None, account: str | None, *, pace: float = 1.0
) -> Iterator[Provider]:
    """A provider for the command; `--provider practice` without a URL (or a local
    OPENAI_BASE_URL) starts its own server."""
    base_url = base_url or environment_base_url(kind)
    if kind == "practice" and not base_url:
        from desktop_app.core.providers.practice import PracticeSession

        with PracticeSession(pace=pace) as session:
            note(
                f"Started a practice server at {session.base_url} (it stops when this command ends)."
            )
            yield session.provider
        return
    provider = create_provider(kind, base_url=base_url, account=account)
    try:
        yield provider
    finally:
        provider.close()


@contextmanager
def provider_for_job(job_id: str, args: argparse.Namespace, store: JobStore) -> Iterator[Provider]:
    """The provider a job belongs to: from --provider, or from the app's record of the job."""
    if args.provider:
        with opened_provider(args.provider, args.base_url, args.account) as provider:
            yield provider
        return
    records = store.find(job_id)
    if not records:
        raise UserFacingError(
            f"The app has no record of a job “{job_id}”.",
            "Say where it runs with --provider (and --base-url if needed), or list your jobs "
            "with “ftstudio jobs --provider openai”.",
        )
    record = records[0]
    with opened_provider(record.provider, record.base_url or None, record.account) as provider:
        yield provider


def say_retiring(rows: list[tuple[str, str | None, str]]) -> None:
    """For each (job id, tuned model, provider) whose base stops answering soon or did: the date
    and what to do."""
    from desktop_app.core.models.provider_dates import retirement_notice

    for job_id, model, provider in rows:
        notice = retirement_notice(model or "", provider)
        if notice is not None:
            say(
                f"Note: {job_id}: {notice.text.replace(' (Move this model…)', '')} "
                f"(ftstudio train --from-job {job_id} --provider …)"
            )


def note(text: str) -> None:
    sys.stderr.write(scrub(text) + "\n")
    sys.stderr.flush()


def say(text: str) -> None:
    sys.stdout.write(scrub(text) + "\n")
    sys.stdout.flush()


def when(timestamp: int | None) -> str:
    if not timestamp:
        return "-"
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def job_row(job: Job, provider: str) -> list[str]:
    return [
        job.id,
        provider,
        job.status,
        job.model,
        when(job.created_at),
        str(job.trained_tokens) if job.trained_tokens is not None else "-",
        job.fine_tuned_model or "-",
    ]


def record_row(record: JobRecord) -> list[str]:
    return job_row(record.job(), record.provider)


JOB_HEADER = ["JOB", "PROVIDER", "STATUS", "MODEL", "CREATED", "TOKENS", "FINE-TUNED MODEL"]


def print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def describe_job(job: Job) -> list[str]:
    lines = [
        f"Job:      {job.id}",
        f"Status:   {job.status_label} ({job.status})",
        f"Model:    {job.model}",
        f"Method:   {job.method}",
        f"Created:  {when(job.created_at)}",
    ]
    if job.finished_at:
        lines.append(f"Finished: {when(job.finished_at)}")
    if job.estimated_finish and not job.is_terminal:
        lines.append(f"Expected to finish around {when(job.estimated_finish)}")
    if job.trained_tokens is not None:
        lines.append(f"Trained tokens: {job.trained_tokens:,}")
    if job.fine_tuned_model:
        lines.append(f"Fine-tuned model: {job.fine_tuned_model}")
    if job.error is not None:
        what, step = job.error.explain()
        lines += [f"Why it failed: {what}", f"What to do: {step}"]
    return lines
