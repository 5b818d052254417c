"""`ftstudio train FILE --provider P --model M [--follow]`: check, upload and start a fine-tuning job.

The offline checks run first, with the provider's own rules (as `ftstudio validate --provider P`
does), and errors stop the command before anything is sent. With --follow, status changes and
training metrics are printed until the job ends; the exit status is then 0 when it succeeded
and 1 when it failed or was cancelled.
`--provider practice` without --base-url starts a practice server inside this command.
`--from-job JOB_ID` trains the exact files an earlier job was sent (“move this model”), and a
provider that takes no new jobs today (OpenAI from 2027-01-06) is refused before anything is read
or sent.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.cli.output import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    open_dataset,
    print_error,
)
from desktop_app.cli.progress import Bar, add_quiet_option, wanted
from desktop_app.cli.provider_options import add_provider_options, note, opened_provider, say
from desktop_app.core.errors import UserFacingError
from desktop_app.core.models.provider_dates import countdown, default_model, refusal
from desktop_app.core.providers.base import Job, JobEvent, JobStatus, Provider, UploadSource
from desktop_app.core.providers.errors import ProviderError
from desktop_app.core.training.jobs import StartProgress, TrainingPlan, follow_job, start_job
from desktop_app.core.training.jobstore import JobStore
from desktop_app.core.training.move_model import find_job, moved_data
from desktop_app.core.training.uploads import UploadProgress

MAX_LISTED_PROBLEMS = 8


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help="upload a dataset and start a fine-tuning job (optionally follow it to the end)",
        description=(
            "Check FILE offline, upload it and start a fine-tuning job. With --follow, print the "
            "job's progress until it ends (exit status 0: succeeded, 1: failed or cancelled)."
        ),
    )
    parser.add_argument(
        "file", metavar="FILE", nargs="?", help="the .jsonl training dataset (not with --from-job)"
    )
    add_provider_options(parser, required=True)
    parser.add_argument(
        "--model",
        help="the base model, e.g. gpt-4.1-mini-2025-04-14 (default: the provider's usual one)",
    )
    parser.add_argument(
        "--from-job",
        metavar="JOB_ID",
        help="train the exact training and validation files of an earlier job (move a model "
        "to another provider)",
    )
    parser.add_argument(
        "--validation-file", metavar="V", help="a .jsonl file of validation examples"
    )
    parser.add_argument("--suffix", help="up to 64 characters added to the fine-tuned model's name")
    parser.add_argument(
        "--epochs", type=int, metavar="N", help="training epochs (default: automatic)"
    )
    parser.add_argument("--seed", type=int, help="a seed, to make a run repeatable")
    parser.add_argument(
        "--method",
        choices=("supervised", "dpo"),
        default=None,
        help="training method (default: dpo for preference pairs, else supervised)",
    )
    parser.add_argument("--follow", action="store_true", help="print progress until the job ends")
    parser.add_argument(
        "--no-checks",
        action="store_true",
        help="skip the offline checks and let the provider judge the file",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=1.0,
        help="practice mode only: how much faster than usual the job runs",
    )
    parser.add_argument(
        "--poll-seconds",
        type=float,
        default=None,
        help="seconds between progress checks with --follow (default: 5, practice 1)",
    )
    add_quiet_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    refused = refusal(args.provider, command_line=True)
    if refused is not None:  # before anything is read or sent
        raise refused
    left = countdown(args.provider)
    if left:
        note(left)
    if args.epochs is not None and not 1 <= args.epochs <= 50:
        raise UserFacingError("--epochs must be between 1 and 50.", "Pick a number in that range.")
    if args.pace <= 0:
        raise UserFacingError(
            "--pace must be more than 0.", "Use 1 for the usual pace, 10 to go ten times faster."
        )
    model = args.model or default_model(args.provider)
    if not model:
        raise UserFacingError(
            "Say which base model to train with --model.",
            "The service's own model list names them (for example in its dashboard).",
        )
    data = _from_job(args) if args.from_job else _from_files(args)
    if not args.no_checks:
        _refuse_on_errors(data.train_path, data.valid_path, model, args.provider)
    plan = TrainingPlan(
        model=model,
        training=data.training,
        validation=data.validation,
        suffix=args.suffix,
        seed=args.seed,
        method=args.method or data.method,
        n_epochs=args.epochs,
        dataset_path=data.dataset_path,
    )
    with (
        JobStore() as store,
        opened_provider(args.provider, args.base_url, args.account, pace=args.pace) as provider,
    ):
        progress = _Progress(args.quiet)
        try:
            started = start_job(provider, plan, store=store, progress=progress)
        finally:
            progress.close()
        job = started.job
        say(f"Started job {job.id} on {provider.label} (model {job.model}).")
        if data.old_model:
            say(_compare_hint(data, args.provider))
        if not args.follow:
            say(f"See how it is doing with: ftstudio job {job.id}")
            return EXIT_OK
        poll = args.poll_seconds
        if poll is None:
            poll = 1.0 if provider.kind == "practice" else 5.0
        return _follow(provider, job, store, poll)


@dataclass(frozen=True, slots=True)
class _Data:
    training: UploadSource
    validation: UploadSource | None
    method: str
    train_path: Path  # what the offline checks read
    valid_path: Path | None
    dataset_path: str | None
    old_model: str = ""  # with --from-job: the model being moved, and where it runs
    old_provider: str = ""
    prompts: Path | None = None  # with --from-job: the validation prompts for the comparison


def _from_files(args: argparse.Namespace) -> _Data:
    if not args.file:
        raise UserFacingError(
            "Name the dataset to train on (FILE), or an earlier job with --from-job JOB_ID.",
            "For example: ftstudio train data.jsonl --provider together",
        )
    train_path = Path(args.file)
    valid_path = Path(args.validation_file) if args.validation_file else None
    training, method = _training_source(train_path)
    validation = _training_source(valid_path)[0] if valid_path else None
    return _Data(training, validation, method, train_path, valid_path, str(train_path.resolve()))


def _from_job(args: argparse.Namespace) -> _Data:
    """The files an earlier job was sent, exactly (FILE and --validation-file are not allowed)."""
    if args.file or args.validation_file:
        raise UserFacingError(
            "--from-job trains the files that job was sent; leave out FILE and --validation-file.",
            f"Run: ftstudio train --from-job {args.from_job} --provider {args.provider}",
        )
    with JobStore() as store:
        moved = moved_data(find_job(store, args.from_job))
    note(
        f"Training the files job {args.from_job} was sent ({moved.record.provider}, "
        f"model {moved.record.model})."
    )
    return _Data(
        moved.training,
        moved.validation,
        moved.method,
        moved.training_copy,
        moved.validation_copy,
        moved.record.dataset_path,
        old_model=moved.old_model,
        old_provider=moved.record.provider,
        prompts=moved.validation_copy or moved.training_copy,
    )


def _compare_hint(data: _Data, provider: str) -> str:
    which = "validation" if data.valid_path else "training"
    return (
        f"When it is done, compare it with {data.old_model} on the {which} prompts, blind: "
        f"ftstudio compare {data.prompts} --provider {data.old_provider} --model-a "
        f"{data.old_model} --provider-b {provider} --model-b NEW_MODEL --out compare.csv "
        "--save compare.json; open compare.json in the playground to rate the replies without "
        "seeing which model wrote them."
    )


def _training_source(path: Path) -> tuple[UploadSource, str]:
    """The upload file made from a dataset (examples only, LF endings), and its method."""
    dataset = open_dataset(path)
    data = dataset.training_bytes()
    if not data:
        raise UserFacingError(
            f"“{path.name}” has no examples to train on.",
            "Add examples (one JSON object per line), then try again.",
        )
    name = path.name if path.suffix.lower() == ".jsonl" else f"{path.stem}.jsonl"
    method = "dpo" if dataset.kind == "preference" else "supervised"
    return UploadSource.from_bytes(data, name), method


def _refuse_on_errors(train_path: Path, valid_path: Path | None, model: str, provider: str) -> None:
    """The offline checks with the provider's own rules (as `ftstudio validate --provider`
    runs them); errors stop the command."""
    from desktop_app.core.analysis.analyzer import analyze_file
    from desktop_app.core.analysis.report import build_report
    from desktop_app.core.problems import Severity

    valid = analyze_file(valid_path, model, provider) if valid_path else None
    report = build_report(
        analyze_file(train_path, model, provider), model=model, provider=provider, validation=valid
    )
    found = [(train_path, p) for p in report.problems if p.severity is Severity.ERROR]
    if valid is not None and valid_path is not None:  # its own lines; no minimum count
        found += [
            (valid_path, p)
            for s in valid.summaries
            for p in s.problems
            if p.severity is Severity.ERROR
        ]
    if not found:
        return
    print_error(f"The data has {len(found)} problem(s) the provider would reject:")
    for path, problem in found[:MAX_LISTED_PROBLEMS]:
        where = f", line {problem.line}" if problem.line else ""
        print_error(f"  - {path.name}{where}: {problem.message}")
    if len(found) > MAX_LISTED_PROBLEMS:
        print_error(f"  … and {len(found) - MAX_LISTED_PROBLEMS} more.")
    raise UserFacingError(
        "Nothing was sent.",
        f"Fix these (“ftstudio validate {train_path}” lists them all), or add --no-checks to let "
        "the provider judge the file.",
    )


class _Progress:
    """Prints each stage once; upload progress as a bar on a terminal, otherwise in quarters."""

    def __init__(self, quiet: bool) -> None:
        self._last: tuple[str, int] = ("", -1)
        self._quiet = quiet
        self._bar: Bar | None = None
        self._bar_stage = ""

    def __call__(self, step: StartProgress) -> None:
        up = step.upload
        if up is not None and not up.reused and wanted(self._quiet):
            self._draw(step.stage, up)
            if up.fraction < 1.0:
                return
        self.close()
        quarter = int(up.fraction * 4) if up else 0
        if (step.stage, quarter) != self._last:
            self._last = (step.stage, quarter)
            note(step.message)

    def _draw(self, stage: str, up: UploadProgress) -> None:
        if self._bar_stage != stage:
            self.close()
            self._bar = Bar(f"Uploading {up.filename}", up.total, "B", shown=True)
            self._bar_stage = stage
        if self._bar is not None:
            self._bar.move_to(up.sent)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _follow(provider: Provider, job: Job, store: JobStore, poll_seconds: float) -> int:
    def on_status(current: Job) -> None:
        say(f"Status: {JobStatus.label(current.status)} ({current.status})")

    def on_event(event: JobEvent) -> None:
        metrics = event.metrics
        if metrics is not None:
            say(f"  {metrics.summary()}")
        else:
            say(f"  {event.message}")

    def on_trouble(error: ProviderError) -> None:
        note(f"(Could not check on the job just now: {error.message} Trying again.)")

    try:
        final = follow_job(
            provider,
            job.id,
            on_status=on_status,
            on_event=on_event,
            on_trouble=on_trouble,
            poll_seconds=poll_seconds,
            store=store,
        )
    except KeyboardInterrupt:
        if provider.kind == "practice":
            note("Stopped. A practice job ends with the command that started it.")
        else:
            note(
                f"Stopped following. The job keeps running; check on it with “ftstudio job {job.id}”."
            )
        return EXIT_INTERRUPTED
    if final.status == JobStatus.SUCCEEDED:
        say(f"The fine-tuned model is ready: {final.fine_tuned_model}")
        if provider.deploy_note:
            say(provider.deploy_note)
        return EXIT_OK
    if final.error is not None:
        what, step = final.error.explain()
        print_error(what, step)
    else:
        print_error(f"The job ended with the status “{final.status}”.")
    return EXIT_PROBLEMS
