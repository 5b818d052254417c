"""What the start-job dialog works out before anything is sent (plain Python, run on a worker).

- `model_choices`: the provider's model list merged with resources/models.json.
- `run_checks`: every offline check (each line in the checker process + dataset_problems, with
  the chosen provider's own rules) on the exact training and validation parts, the estimate (epochs,
  trained tokens, cost), and the bytes to upload.
- `estimate_lines`: the estimate in plain words.

Nothing here touches Qt; it could move to desktop_app.core as it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desktop_app.core.analysis.analyzer import RecordSummary
from desktop_app.core.analysis.checker_process import CALL_RECORDS, CheckerProcess
from desktop_app.core.checks.dataset_level import dataset_problems
from desktop_app.core.checks.provider_rules import facts_name
from desktop_app.core.checks.voice.report import epochs_problem
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset, DatasetKind
from desktop_app.core.models.catalog import ModelCatalog, ModelInfo, load_models
from desktop_app.core.models.provider_dates import accepts_new_jobs, offered_models, refusal
from desktop_app.core.models.today import today as current_day
from desktop_app.core.problems import Problem, Severity
from desktop_app.core.providers.base import ModelRef, UploadSource
from desktop_app.core.providers.config import OPENAI_FAMILY
from desktop_app.core.tokens.estimate import Estimate, estimate

BATCH = 500
_BLANK = RecordSummary(RecordKind.BLANK, "", 0, None, None, None, (), b"", b"")


# ---- models -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ModelChoice:
    id: str
    label: str
    info: ModelInfo | None  # what models.json knows (None for a model it does not list)
    shutdown_date: str | None
    listed: bool  # the provider's own list has it

    @property
    def methods(self) -> tuple[str, ...]:
        return self.info.methods if self.info is not None else ("supervised",)

    def supports(self, method: str) -> bool:
        return method in self.methods

    def describe(self) -> str:
        """“Learns from up to 65,536 tokens per example · $5.00 per 1M trained tokens · …”."""
        parts = []
        info = self.info
        if info is not None and info.training_context:
            parts.append(f"learns from up to {info.training_context:,} tokens per example")
        if info is not None and info.training_price_per_million is not None:
            parts.append(f"${info.training_price_per_million:,.2f} per 1M trained tokens")
        elif info is None:
            parts.append("price not known to the app (see the provider's price list)")
        names = {"supervised": "supervised", "dpo": "DPO", "vision": "images"}
        methods = [names[m] for m in self.methods if m in names]
        if methods:
            parts.append("methods: " + ", ".join(methods))
        if self.shutdown_date:
            parts.append(f"shuts down on {self.shutdown_date}")
        text = " · ".join(parts)
        return text[:1].upper() + text[1:]


def model_choices(
    kind: str,
    listed: Sequence[ModelRef] | None,
    catalog: ModelCatalog | None = None,
    today: date | None = None,
) -> list[ModelChoice]:
    """Models to offer for `kind` today. OpenAI-family services: the data file's trainable models
    plus the provider's own fine-tuned models. Other services: the provider's live list once it
    arrives (with what the data file knows about each), the data file's catalogue until then —
    so no list is empty without a key. Nothing past its shut-down, nothing from a provider that
    takes no new jobs."""
    catalog = catalog or load_models()
    day = today or current_day()
    if not accepts_new_jobs(kind, day, catalog):
        return []
    facts = facts_name(kind)
    listed_by_id = {m.id: m for m in listed or ()}
    openai_family = kind in OPENAI_FAMILY
    live = [ref for ref in listed or () if not ref.is_fine_tuned]
    choices: list[ModelChoice] = []
    seen: set[str] = set()
    if openai_family or not live:
        for info in offered_models(kind, day, catalog):
            ref = listed_by_id.get(info.id)
            shutdown = (ref.shutdown_date if ref and ref.shutdown_date else None) or (
                info.shutdown_date.isoformat() if info.shutdown_date else None
            )
            choices.append(ModelChoice(info.id, info.label, info, shutdown, ref is not None))
            seen.add(info.id)
    for ref in listed or ():
        if ref.id in seen:
            continue
        if openai_family and not ref.is_fine_tuned:
            continue  # not something the app knows how to train
        known = catalog.find(ref.id, facts)
        if known is not None and known.is_shut_down(day):
            continue  # past its shut-down (or its base is): never offered
        label = f"Your model {ref.id}" if ref.is_fine_tuned else ref.id
        shutdown = ref.shutdown_date or (
            known.shutdown_date.isoformat() if known and known.shutdown_date else None
        )
        choices.append(ModelChoice(ref.id, label, known, shutdown, True))
        seen.add(ref.id)
    return choices


def unknown_model(name: str) -> ModelInfo:
    """A stand-in for a model the data file does not list (no price, no limit)."""
    return ModelInfo(
        id=name,
        label=name,
        provider="",
        family=name,
        aliases=(),
        encoding="o200k_base",
        training_context=None,
        inference_context=None,
        training_price_per_million=None,
        training_price_per_hour=None,
        methods=("supervised", "dpo"),
        status="available",
        shutdown_date=None,
    )


# ---- checks -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ValidationChoice:
    mode: str = "none"  # none / split / file
    fraction: float = 0.1
    path: Path | None = None
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem plus where it is: the open dataset (linkable) or the validation file."""

    problem: Problem
    in_validation_file: bool = False

    @property
    def record_index(self) -> int | None:
        return None if self.in_validation_file else self.problem.record_index

    @property
    def text(self) -> str:
        where = ""
        if self.problem.line is not None:
            where = (
                f"Validation file, example {self.problem.line}: "
                if self.in_validation_file
                else f"Example {self.problem.line}: "
            )
        elif self.in_validation_file:
            where = "Validation file: "
        return where + self.problem.message


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    errors: list[Finding]
    warnings: list[Finding]
    estimate: Estimate
    training: UploadSource
    validation: UploadSource | None
    examples: int
    validation_examples: int
    method: str
    notes: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.errors)


def run_checks(
    dataset: Dataset,
    *,
    checker: CheckerProcess,
    model: str,
    method: str,
    epochs: int | None,
    validation: ValidationChoice,
    provider: str,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    catalog: ModelCatalog | None = None,
    today: date | None = None,
) -> CheckOutcome:
    """Every check on the parts that would be sent, the estimate, and the files to upload."""
    from desktop_app.core.dataset.split import split_indexes

    catalog = catalog or load_models()

    # the common rules plus the provider's own, checked in the checker process (the window's
    # process never builds a tokenizer: see core/analysis/checker_process.py)
    def check(raws: list[bytes], first: int) -> list[RecordSummary]:
        items = [(raw, first + i) for i, raw in enumerate(raws)]
        out: list[RecordSummary] = []
        for start in range(0, len(items), CALL_RECORDS):  # an edit meanwhile waits one call
            out += checker.records(model, provider, items[start : start + CALL_RECORDS])
        return out

    summaries = _summaries(check, dataset, progress, cancelled)
    notes: list[str] = []
    train_rows: list[int] | None = None
    valid_rows: list[int] | None = None
    valid_dataset: Dataset | None = None
    if validation.mode == "split":
        result = split_indexes(dataset, validation.fraction, validation.seed)
        train_rows, valid_rows = result.train, result.validation
        notes.append(
            f"{len(valid_rows):,} examples ({validation.fraction:.0%}) are set aside to measure "
            "how well the model does on examples it did not train on."
        )
    elif validation.mode == "file" and validation.path is not None:
        valid_dataset = Dataset.open(validation.path)

    findings = _line_findings(summaries)
    if valid_rows is not None:
        training_side = _keep(summaries, set(train_rows or ()))
        validation_side: list[RecordSummary] | None = _keep(summaries, set(valid_rows))
    else:
        training_side = summaries
        validation_side = None
    if valid_dataset is not None:
        valid_summaries = _summaries(check, valid_dataset, None, cancelled)
        validation_side = valid_summaries
        findings += [
            Finding(p, in_validation_file=True)
            for s in valid_summaries
            for p in s.problems
            if p.severity is not Severity.INFO
        ]

    training_bytes = dataset.training_bytes(train_rows)
    problems = dataset_problems(
        training_side,
        model=model,
        provider=provider,
        validation=validation_side,
        file_bytes=len(training_bytes),
        catalog=catalog,
    )
    findings += [Finding(p) for p in problems if p.severity is not Severity.INFO]
    findings += _method_findings(dataset, method)
    findings += _wind_down_findings(provider, catalog, today or current_day())

    info = catalog.find(model, facts_name(provider)) or unknown_model(model)
    totals = [
        s.tokens
        for s in training_side
        if s.kind in (RecordKind.CHAT, RecordKind.PREFERENCE) and s.tokens is not None
    ]
    counted = estimate(totals, info, epochs)
    if counted.overtraining:  # many epochs, few examples: say so before the money is spent
        findings.append(Finding(epochs_problem(counted.overtraining)))
    if provider == "practice":
        counted = _free(counted)

    validation_source = None
    validation_examples = 0
    if valid_rows is not None:
        data = dataset.training_bytes(valid_rows)
        validation_source = UploadSource.from_bytes(data, _named(filename, "validation"))
        validation_examples = len(valid_rows)
    elif valid_dataset is not None and validation.path is not None:
        data = valid_dataset.training_bytes()
        validation_source = UploadSource.from_bytes(data, _named(validation.path.name, ""))
        validation_examples = sum(
            1 for s in validation_side or () if s.kind in (RecordKind.CHAT, RecordKind.PREFERENCE)
        )
    return CheckOutcome(
        errors=[f for f in findings if f.problem.severity is Severity.ERROR],
        warnings=[f for f in findings if f.problem.severity is Severity.WARNING],
        estimate=counted,
        training=UploadSource.from_bytes(training_bytes, _named(filename, "")),
        validation=validation_source,
        examples=len(totals),
        validation_examples=validation_examples,
        method=method,
        notes=notes,
    )


def _summaries(
    check: Callable[[list[bytes], int], list[RecordSummary]],
    dataset: Dataset,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool],
) -> list[RecordSummary]:
    raws = [record.raw for record in dataset]
    out: list[RecordSummary] = []
    for first in range(0, len(raws), BATCH):
        if cancelled():
            raise InterruptedError
        out += check(raws[first : first + BATCH], first + 1)
        if progress is not None:
            progress(len(out), len(raws))
    return out


def _keep(summaries: list[RecordSummary], rows: set[int]) -> list[RecordSummary]:
    """The summaries of `rows`, the others blanked, so line numbers stay those of the file."""
    return [s if i in rows else _BLANK for i, s in enumerate(summaries)]


def _line_findings(summaries: list[RecordSummary]) -> list[Finding]:
    """Per-line problems of every line (each one is sent, as training or validation)."""
    return [
        Finding(problem)
        for summary in summaries
        for problem in summary.problems
        if problem.severity is not Severity.INFO
    ]


def _method_findings(dataset: Dataset, method: str) -> list[Finding]:
    kind = dataset.kind
    if method == "dpo" and kind != DatasetKind.PREFERENCE:
        return [
            _error(
                "method_needs_pairs",
                "DPO learns from preference pairs (a preferred and a non-preferred reply), but "
                "this dataset holds chat examples. Choose “Supervised”, or use a preference "
                "dataset.",
            )
        ]
    if method == "supervised" and kind == DatasetKind.PREFERENCE:
        return [
            _error(
                "method_needs_chats",
                "This dataset holds preference pairs, which train with DPO. Choose “DPO”.",
            )
        ]
    return []


def _wind_down_findings(provider: str, catalog: ModelCatalog, today: date) -> list[Finding]:
    """An error when the provider takes no new jobs today (OpenAI from 2027-01-06)."""
    refused = refusal(provider, today, catalog)
    if refused is not None:
        return [_error("openai_no_new_jobs", f"{refused.message} {refused.next_step}")]
    return []


def _error(code: str, message: str) -> Finding:
    return Finding(Problem(code, Severity.ERROR, message))


def _free(counted: Estimate) -> Estimate:
    from dataclasses import replace

    return replace(counted, cost_usd=0.0, price_per_million=0.0)


def _named(filename: str, part: str) -> str:
    stem = Path(filename).stem or "dataset"
    suffix = f"_{part}" if part else ""
    return f"{stem}{suffix}.jsonl"


def estimate_lines(outcome: CheckOutcome, provider: str) -> list[tuple[str, str]]:
    """(label, value) rows of the estimate for the confirmation page."""
    counted = outcome.estimate
    rows = [("Training examples", f"{outcome.examples:,}")]
    if outcome.validation is not None:
        rows.append(("Validation examples", f"{outcome.validation_examples:,}"))
    how = "chosen automatically" if counted.epochs_automatic else "as you chose"
    rows.append(("Epochs (passes over the data)", f"{counted.epochs} ({how})"))
    rows.append(("Trained tokens (estimate)", f"{counted.trained_tokens:,}"))
    if provider == "practice":
        rows.append(("Cost", "Free — practice mode, nothing leaves this computer"))
    elif counted.cost_usd is None:
        rows.append(("Cost (estimate)", "Unknown — the app has no price for this model"))
    else:
        rows.append(
            (
                "Cost (estimate)",
                f"about ${counted.cost_usd:,.2f} "
                f"(${counted.price_per_million:,.2f} per 1M trained tokens)",
            )
        )
    if counted.capped_examples:
        rows.append(
            (
                "Cut short",
                f"{counted.capped_examples:,} examples are longer than the model learns from; "
                "their ends are left out",
            )
        )
    return rows
