"""The validation report: per-line and whole-file problems, token statistics and the cost estimate,
as one JSON object (`to_json`) or as plain text for people (`format_text`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.analysis.analyzer import FileAnalysis, dataset_problems
from desktop_app.core.checks import REGISTRY
from desktop_app.core.checks.provider_rules import RULES as PROVIDER_RULES
from desktop_app.core.checks.provider_rules import facts_name
from desktop_app.core.checks.voice.report import VoiceOverview, epochs_problem, voice_overview
from desktop_app.core.checks.voice.texts import file_texts
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.models.catalog import load_models
from desktop_app.core.problems import Problem, Severity
from desktop_app.core.tokens.counts import encoding_name_for_model
from desktop_app.core.tokens.estimate import Estimate, estimate
from desktop_app.core.tokens.stats import Distribution, distribution

_EXAMPLE_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE)
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class ValidationReport:
    file: str
    model: str
    model_label: str | None  # None when the model is not in the model list
    encoding: str
    provider: str
    file_bytes: int
    kinds: dict[RecordKind, int]
    problems: list[Problem]  # whole-file problems first, then by line
    tokens: Distribution | None
    assistant_tokens: Distribution | None
    trained_tokens: Distribution | None
    messages_per_example: Distribution | None
    missing_system: int
    missing_user: int
    over_limit: int
    estimate: Estimate | None
    voice: VoiceOverview | None = None  # the Style section's numbers (None: voice checks off)

    @property
    def lines(self) -> int:
        return sum(self.kinds.values())

    @property
    def examples(self) -> int:
        return self.kinds[RecordKind.CHAT] + self.kinds[RecordKind.PREFERENCE]

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def to_json(self) -> dict[str, Any]:
        def dist(value: Distribution | None) -> dict[str, Any] | None:
            return None if value is None else value.to_json()

        return {
            "file": self.file,
            "model": self.model,
            "encoding": self.encoding,
            "provider": self.provider,
            "file_bytes": self.file_bytes,
            "lines": self.lines,
            "examples": self.examples,
            "chat_examples": self.kinds[RecordKind.CHAT],
            "preference_examples": self.kinds[RecordKind.PREFERENCE],
            "blank_lines": self.kinds[RecordKind.BLANK],
            "broken_lines": self.kinds[RecordKind.BROKEN],
            "other_lines": self.kinds[RecordKind.OTHER],
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.count(Severity.INFO),
            "problem_counts": dict(Counter(p.code for p in self.problems)),
            "problems": [p.to_json() for p in self.problems],
            "tokens": {
                "total": self.tokens.total if self.tokens else 0,
                "assistant": self.assistant_tokens.total if self.assistant_tokens else 0,
                "trained": self.trained_tokens.total if self.trained_tokens else 0,
                "over_limit": self.over_limit,
                "per_example": dist(self.tokens),
                "assistant_per_example": dist(self.assistant_tokens),
                "trained_per_example": dist(self.trained_tokens),
            },
            "messages_per_example": dist(self.messages_per_example),
            "missing_system": self.missing_system,
            "missing_user": self.missing_user,
            "estimate": None if self.estimate is None else self.estimate.to_json(),
            "voice": None if self.voice is None else self.voice.to_json(),
        }


def build_report(
    analysis: FileAnalysis,
    *,
    model: str,
    provider: str = "openai",
    validation: FileAnalysis | None = None,
    epochs: int | None = None,
    voice: bool = True,
) -> ValidationReport:
    summaries = analysis.summaries
    info = load_models().find(model, facts_name(provider))  # that provider's price and dates
    whole = dataset_problems(
        summaries,
        model=model,
        provider=provider,
        validation=validation.summaries if validation is not None else None,
        file_bytes=analysis.file_bytes,
        texts=file_texts(analysis.path),
        voice=voice,
    )
    examples = [s for s in summaries if s.kind in _EXAMPLE_KINDS]
    totals = [s.tokens for s in examples if s.tokens is not None]
    limit = info.training_context if info is not None else None
    cost = estimate(totals, info, epochs) if info is not None and totals else None
    if cost is not None and cost.overtraining:
        whole.append(epochs_problem(cost.overtraining))
    problems = sort_problems([p for s in summaries for p in s.problems] + whole)
    return ValidationReport(
        file=str(analysis.path),
        model=model,
        model_label=info.label if info is not None else None,
        encoding=encoding_name_for_model(model),
        provider=provider,
        file_bytes=analysis.file_bytes,
        kinds=Counter(dict.fromkeys(RecordKind, 0)) | Counter(s.kind for s in summaries),
        problems=problems,
        tokens=distribution(totals),
        assistant_tokens=distribution(
            s.assistant_tokens for s in examples if s.assistant_tokens is not None
        ),
        trained_tokens=distribution(
            s.trained_tokens for s in examples if s.trained_tokens is not None
        ),
        messages_per_example=distribution(s.turns for s in examples),
        missing_system=sum(1 for s in examples if not s.has_system),
        missing_user=sum(1 for s in examples if not s.has_user),
        over_limit=sum(1 for t in totals if limit is not None and t > limit),
        estimate=cost,
        voice=voice_overview(summaries, whole) if voice else None,
    )


def sort_problems(problems: Sequence[Problem]) -> list[Problem]:
    """Whole-file problems first, then by line, errors before warnings before notes."""
    return sorted(
        problems,
        key=lambda p: (p.line is not None, p.line or 0, _SEVERITY_ORDER[p.severity]),
    )


# ---- text for people --------------------------------------------------------------------------
_HEADINGS = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}


def format_text(report: ValidationReport, *, per_code: int = 5) -> list[str]:
    """The readable report: summary first, then the problems grouped by kind."""
    out = [f"{report.file}", ""]
    out += _summary(report)
    out += _tokens(report)
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        found = [p for p in report.problems if p.severity is severity]
        if found:
            out += ["", f"{_HEADINGS[severity]} ({len(found):,})"]
            out += _groups(found, per_code)
    if any(
        len([p for p in report.problems if p.code == code]) > per_code for code in _codes(report)
    ):
        out += ["", "Only the first few lines of each kind are listed; add --all to see every one."]
    return out


def _codes(report: ValidationReport) -> set[str]:
    return {p.code for p in report.problems}


def _summary(report: ValidationReport) -> list[str]:
    kinds = report.kinds
    model = f"{report.model_label} ({report.model})" if report.model_label else report.model
    parts = [f"{report.lines:,} lines", f"{report.examples:,} examples"]
    if kinds[RecordKind.PREFERENCE]:
        parts[-1] += (
            f" ({kinds[RecordKind.CHAT]:,} chat, {kinds[RecordKind.PREFERENCE]:,} preference pairs)"
        )
    skipped = kinds[RecordKind.BLANK] + kinds[RecordKind.BROKEN] + kinds[RecordKind.OTHER]
    if skipped:
        parts.append(f"{skipped:,} lines that are not examples")
    errors, warnings, notes = report.errors, report.warnings, report.count(Severity.INFO)
    if errors:
        verdict = (
            f"{_n(errors, 'error')} to fix before training, {_n(warnings, 'warning')}, "
            f"{_n(notes, 'note')}."
        )
    elif warnings or notes:
        verdict = f"Ready to train. {_n(warnings, 'warning')} and {_n(notes, 'note')} worth a look."
    else:
        verdict = "Ready to train. No problems found."
    return [
        f"Result:   {verdict}",
        f"Contents: {', '.join(parts)}",
        f"Model:    {model}, counted with {report.encoding}",
    ]


def _tokens(report: ValidationReport) -> list[str]:
    tokens = report.tokens
    if tokens is None:
        return ["Tokens:   none (no readable examples)"]
    out = [
        f"Tokens:   {tokens.total:,} in all; assistant replies {report.assistant_tokens.total if report.assistant_tokens else 0:,}, "
        f"trained replies {report.trained_tokens.total if report.trained_tokens else 0:,}",
        f"          per example: min {tokens.min:,}, median {tokens.median:,.0f}, mean "
        f"{tokens.mean:,.0f}, max {tokens.max:,} (10% below {tokens.p10:,.0f}, 10% above "
        f"{tokens.p90:,.0f})",
    ]
    if report.missing_system or report.missing_user:
        out.append(
            f"          {_n(report.missing_system, 'example')} without a system message, "
            f"{report.missing_user:,} without a user message"
        )
    est = report.estimate
    if est is not None:
        cost = f", about ${est.cost_usd:,.2f}" if est.cost_usd is not None else ""
        price = (
            f" at ${est.price_per_million:,.2f} per million tokens" if est.price_per_million else ""
        )
        out.append(
            f"Estimate: {est.epochs} epochs{' (automatic)' if est.epochs_automatic else ''}, "
            f"{est.trained_tokens:,} trained tokens{cost}{price}"
        )
    voice = report.voice
    if voice is not None and voice.replies:
        out.append(
            f"Style:    {voice.fact_share:.0%} of the replies state facts the conversation "
            "doesn't contain (see teaches_facts)"
        )
    return out


def _groups(problems: list[Problem], per_code: int) -> list[str]:
    out: list[str] = []
    by_code: dict[str, list[Problem]] = {}
    for problem in problems:
        by_code.setdefault(problem.code, []).append(problem)
    for code, group in sorted(by_code.items(), key=lambda item: -len(item[1])):
        rule = REGISTRY.get(code) or PROVIDER_RULES.get(code)
        meaning = rule.meaning if rule is not None else code
        count = f"{len(group):,} line{'s' if len(group) != 1 else ''}" if group[0].line else ""
        out.append(f"  • {meaning} [{code}]{' — ' + count if count else ''}")
        for problem in group[:per_code]:
            where = f"line {problem.line}: " if problem.line is not None else ""
            # the window's one-click fix (this command changes nothing; the app does it)
            fix = f"  (in the app: {problem.fix.label})" if problem.fix is not None else ""
            out.append(f"      {where}{problem.message}{fix}")
        if len(group) > per_code:
            out.append(f"      … and {len(group) - per_code:,} more")
    return out


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"
