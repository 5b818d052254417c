"""`ftstudio jobs`, `ftstudio job ID` and `ftstudio cancel ID`: list, inspect and cancel jobs.

`jobs` lists the jobs this app started (from its own records, offline); with --provider it
asks the provider for its list (newest first, a page at a time) and adds what the app knows.
`job` and `cancel` find the job's provider from the app's records, or from --provider.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.output import EXIT_OK, print_json
from desktop_app.cli.provider_options import (
    JOB_HEADER,
    add_provider_options,
    describe_job,
    job_row,
    opened_provider,
    print_table,
    provider_for_job,
    record_row,
    say,
    say_retiring,
)
from desktop_app.core.providers.errors import NotSupportedError
from desktop_app.core.training.jobs import EventFollower, refresh_job
from desktop_app.core.training.jobstore import JobStore

RECENT_EVENTS = 12


def register(subparsers: Any) -> None:
    jobs = subparsers.add_parser(
        "jobs",
        help="list fine-tuning jobs",
        description="List the jobs started from this computer; with --provider, the provider's own list.",
    )
    add_provider_options(jobs, required=False)
    jobs.add_argument("--limit", type=int, default=20, help="how many jobs to show (default 20)")
    jobs.add_argument("--after", metavar="ID", help="with --provider: the page after this job")
    jobs.add_argument("--json", action="store_true", help="print JSON instead of a table")
    jobs.set_defaults(func=run, jobs_action="list")

    job = subparsers.add_parser(
        "job",
        help="show one job: status, recent events, checkpoints",
        description="Show a job's status, its latest events and checkpoints.",
    )
    job.add_argument("job_id", metavar="ID", help="the job id (ftjob-…)")
    add_provider_options(job, required=False)
    job.add_argument("--json", action="store_true", help="print JSON instead of text")
    job.set_defaults(func=run, jobs_action="show")

    cancel = subparsers.add_parser(
        "cancel", help="cancel a running job", description="Cancel a fine-tuning job."
    )
    cancel.add_argument("job_id", metavar="ID", help="the job id (ftjob-…)")
    add_provider_options(cancel, required=False)
    cancel.set_defaults(func=run, jobs_action="cancel")


def run(args: argparse.Namespace) -> int:
    with JobStore() as store:
        if args.jobs_action == "show":
            return _show(args, store)
        if args.jobs_action == "cancel":
            return _cancel(args, store)
        return _list(args, store)


def _list(args: argparse.Namespace, store: JobStore) -> int:
    if not args.provider:
        records = store.list_jobs(limit=args.limit)
        if args.json:
            print_json(
                [
                    {**r.job().to_dict(), "provider": r.provider, "account": r.account}
                    for r in records
                ]
            )
        elif not records:
            say(
                "No jobs were started from this computer yet. To see a provider's own list, add --provider."
            )
        else:
            print_table(JOB_HEADER, [record_row(r) for r in records])
            say_retiring([(r.job_id, r.fine_tuned_model, r.provider) for r in records])
        return EXIT_OK
    with opened_provider(args.provider, args.base_url, args.account) as provider:
        page = provider.list_jobs(after=args.after, limit=args.limit)
        for job in page.items:
            if store.get(provider.kind, provider.account, job.id) is not None:
                store.record_job(job, provider=provider.kind, account=provider.account)
        if args.json:
            print_json({"data": [j.to_dict() for j in page.items], "has_more": page.has_more})
            return EXIT_OK
        if not page.items:
            say(f"{provider.label} has no fine-tuning jobs for this account.")
        else:
            print_table(JOB_HEADER, [job_row(j, provider.kind) for j in page.items])
            say_retiring([(j.id, j.fine_tuned_model, provider.kind) for j in page.items])
        if page.next_after:
            say(f"More jobs: add --after {page.next_after}")
    return EXIT_OK


def _show(args: argparse.Namespace, store: JobStore) -> int:
    with provider_for_job(args.job_id, args, store) as provider:
        job = refresh_job(provider, store, args.job_id)
        events = EventFollower(provider, job.id).poll() if provider.capabilities.events else []
        checkpoints = []
        if provider.capabilities.checkpoints:
            try:
                checkpoints = provider.list_checkpoints(job.id).items
            except NotSupportedError:
                checkpoints = []
        if args.json:
            print_json(
                {
                    "job": job.to_dict(),
                    "events": [
                        {
                            "created_at": e.created_at,
                            "level": e.level,
                            "message": e.message,
                            "type": e.type,
                            "data": dict(e.data),
                        }
                        for e in events
                    ],
                    "checkpoints": [
                        {"model": c.model, "step": c.step, "train_loss": c.metrics.train_loss}
                        for c in checkpoints
                    ],
                }
            )
            return EXIT_OK
        for line in describe_job(job):
            say(line)
        say_retiring([(job.id, job.fine_tuned_model, provider.kind)])
        if checkpoints:
            say("Checkpoints:")
            for checkpoint in checkpoints:
                loss = checkpoint.metrics.train_loss
                say(
                    f"  step {checkpoint.step}: {checkpoint.model}"
                    + (f" (training loss {loss:.3f})" if loss is not None else "")
                )
        if events:
            say("Latest events:")
            for event in events[-RECENT_EVENTS:]:
                metrics = event.metrics
                say(f"  {metrics.summary() if metrics else event.message}")
    return EXIT_OK


def _cancel(args: argparse.Namespace, store: JobStore) -> int:
    with provider_for_job(args.job_id, args, store) as provider:
        job = provider.cancel_job(args.job_id)
        store.record_job(
            job, provider=provider.kind, account=provider.account, base_url=provider.base_url
        )
        say(f"Job {job.id}: {job.status_label} ({job.status}).")
    return EXIT_OK
