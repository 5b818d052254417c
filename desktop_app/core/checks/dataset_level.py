"""Findings about a file as a whole: counts, duplicates, train/validation leaks, conflicting replies,
examples over the model's limit, the file size, a mix of formats, and the model's fit for the data.

They work on per-line summaries (see desktop_app.core.analysis.analyzer.RecordSummary), never on the raw
file, so the GUI can recompute them cheaply after every edit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from desktop_app.core.checks import provider_rules
from desktop_app.core.checks.base import FIX_REMOVE_EXAMPLE, REGISTRY, rule
from desktop_app.core.checks.voice.features import VoiceFeatures
from desktop_app.core.checks.voice.near import Texts
from desktop_app.core.checks.voice.report import voice_problems
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.models.catalog import (
    DEFAULT_MODEL,
    ModelCatalog,
    ModelInfo,
    ProviderFacts,
    load_models,
)
from desktop_app.core.models.today import today as current_day
from desktop_app.core.problems import Fix, Problem, Severity

F = "dataset"
TOO_FEW_EXAMPLES = rule(
    "too_few_examples",
    Severity.ERROR,
    "The file has fewer examples than the provider's minimum (10 for OpenAI).",
    family=F,
)
FEW_EXAMPLES = rule(
    "few_examples",
    Severity.WARNING,
    "The file has fewer than 50 examples; results usually improve with 50 to 100 good ones.",
    family=F,
)
TOO_LONG = rule(
    "too_long",
    Severity.WARNING,
    "The example has more tokens than the model learns from per example; the end is cut off.",
    "Shorten the example or split a long conversation into several examples.",
    family=F,
)
FILE_TOO_LARGE = rule(
    "file_too_large",
    Severity.INFO,
    "The file is over 512 MB, so it is uploaded in parts (this takes longer).",
    family=F,
)
DUPLICATE_EXAMPLE = rule(
    "duplicate_example",
    Severity.WARNING,
    "The example is an exact copy of an earlier one.",
    "Copies make the model learn that example more strongly than the others.",
    family=F,
)
IN_VALIDATION = rule(
    "in_validation_file",
    Severity.WARNING,
    "The example is also in the validation file, so validation scores would look too good.",
    family=F,
)
CONFLICTING_REPLIES = rule(
    "conflicting_replies",
    Severity.INFO,
    "The same conversation appears earlier with a different final reply.",
    "If the replies disagree, the model learns a mixture. Fine if you want variety.",
    family=F,
)
MIXED_FORMATS = rule(
    "mixed_formats",
    Severity.ERROR,
    "The file mixes chat examples and preference pairs; a training file holds one kind.",
    family=F,
)
METHOD_NOT_SUPPORTED = rule(
    "method_not_supported",
    Severity.ERROR,
    "The chosen model cannot be trained with this kind of data.",
    family=F,
)
IMAGES_NEED_VISION = rule(
    "images_need_vision_model",
    Severity.ERROR,
    "The data has images, but the chosen model cannot learn from images.",
    family=F,
)
MODEL_UNAVAILABLE = rule(
    "model_unavailable",
    Severity.WARNING,
    "The chosen model has been shut down by its provider and can no longer be trained.",
    family=F,
)

EXAMPLE_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE)


class Summary(Protocol):
    """What the dataset-level rules read from each line (see analysis.RecordSummary)."""

    @property
    def kind(self) -> RecordKind: ...
    @property
    def tokens(self) -> int | None: ...
    @property
    def content_hash(self) -> bytes: ...
    @property
    def prompt_hash(self) -> bytes: ...
    @property
    def images(self) -> int: ...
    @property
    def voice(self) -> VoiceFeatures | None: ...


def _problem(code: str, message: str, line: int | None = None, fix: Fix | None = None) -> Problem:
    found = REGISTRY[code]
    return Problem(code, found.severity, message, line, fix=fix, hint=found.hint)


def dataset_problems(
    summaries: Sequence[Summary],
    *,
    model: str = DEFAULT_MODEL,
    provider: str = "openai",
    validation: Sequence[Summary] | None = None,
    file_bytes: int | None = None,
    catalog: ModelCatalog | None = None,
    texts: Texts | None = None,
    voice: bool = True,
) -> list[Problem]:
    """Problems about the whole file. Per-line findings carry `line` (the summary's index + 1).

    `provider` is a provider kind (see provider_rules.PROVIDERS): its limits come from
    resources/models.json, and its own rules from provider_rules. `voice=False` leaves out the
    checks of what the replies say (desktop_app.core.checks.voice); `texts` lets them quote examples."""
    catalog = catalog or load_models()
    facts = catalog.provider(provider_rules.facts_name(provider))
    info = catalog.find(model, provider_rules.facts_name(provider))  # Azure has its own dates
    found: list[Problem] = []
    found += _counts(summaries, facts)
    found += _format_mix(summaries)
    found += _model_fit(summaries, info, catalog)
    found += provider_rules.dataset_rules(provider, summaries, facts, file_bytes)
    in_parts = facts.upload_part_bytes is not None
    if file_bytes is not None and in_parts and file_bytes > facts.max_file_bytes:
        found.append(
            _problem(
                FILE_TOO_LARGE,
                f"The file is {file_bytes / 1024 / 1024:,.0f} MB, more than the "
                f"{facts.max_file_bytes // 1024 // 1024} MB {facts.label} takes in one piece; it "
                "will be uploaded in parts.",
            )
        )
    found += _too_long(summaries, info)
    found += _duplicates(summaries)
    if validation is not None:
        found += _leaks(summaries, validation)
    if voice:
        found += voice_problems(summaries, texts)
    return found


def _counts(summaries: Sequence[Summary], facts: ProviderFacts) -> list[Problem]:
    examples = sum(1 for s in summaries if s.kind in EXAMPLE_KINDS)
    if examples < facts.min_examples:
        what = "no examples" if examples == 0 else f"only {_plural(examples, 'example')}"
        return [
            _problem(
                TOO_FEW_EXAMPLES,
                f"The file has {what} that can be trained on; {facts.label} needs at least "
                f"{facts.min_examples}.",
            )
        ]
    if examples < facts.recommended_examples:
        return [
            _problem(
                FEW_EXAMPLES,
                f"The file has {_plural(examples, 'example')}. It can train, but results usually "
                f"improve with at least {facts.recommended_examples} good examples.",
            )
        ]
    return []


def _format_mix(summaries: Sequence[Summary]) -> list[Problem]:
    kinds = Counter(s.kind for s in summaries if s.kind in EXAMPLE_KINDS)
    if len(kinds) < 2:
        return []
    minority = (
        RecordKind.PREFERENCE
        if kinds[RecordKind.CHAT] >= kinds[RecordKind.PREFERENCE]
        else RecordKind.CHAT
    )
    this, most = (
        ("a preference pair", "chat examples")
        if minority is RecordKind.PREFERENCE
        else ("a chat example", "preference pairs")
    )
    return [
        _problem(
            MIXED_FORMATS,
            f"This example is {this}, but most of the file is {most}. A training file holds only "
            "one kind; move it to a separate file.",
            line,
        )
        for line, s in enumerate(summaries, 1)
        if s.kind is minority
    ]


def _pick_instead(catalog: ModelCatalog, info: ModelInfo, method: str) -> str:
    """What to pick instead of `info` for `method`: models of the same provider that can (“Pick
    GPT-4o (Azure) or GPT-4.1 (Azure)”), else the providers that have one (the message named
    OpenAI's GPT-4o whatever the provider, and OpenAI takes no new jobs from January 2027)."""
    usable = [m for m in catalog.models if m.supports(method) and _still_trains(catalog, m)]
    same = [m.label for m in usable if m.provider == info.provider]
    if same:
        return "Pick " + _either(same[:2])
    others = {m.provider: catalog.provider(m.provider).label for m in usable}
    here = catalog.provider(info.provider).label
    if not others:
        return f"None of {here}'s models can"
    return f"None of {here}'s models can; train with {_either(list(others.values())[:2])}"


def _still_trains(catalog: ModelCatalog, model: ModelInfo) -> bool:
    stop = catalog.provider(model.provider).no_new_jobs_from
    return not model.is_shut_down() and (stop is None or current_day() < stop)


def _either(names: list[str]) -> str:
    return " or ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " or " + names[-1]


def _model_fit(
    summaries: Sequence[Summary], info: ModelInfo | None, catalog: ModelCatalog
) -> list[Problem]:
    if info is None:
        return []
    found: list[Problem] = []
    if info.is_shut_down():
        when = f" on {info.shutdown_date.isoformat()}" if info.shutdown_date else ""
        found.append(
            _problem(
                MODEL_UNAVAILABLE,
                f"{info.label} was shut down{when}; it can no longer be trained. Pick another model.",
            )
        )
    kinds = {s.kind for s in summaries}
    if RecordKind.PREFERENCE in kinds and not info.supports("dpo"):
        found.append(
            _problem(
                METHOD_NOT_SUPPORTED,
                f"This file holds preference pairs (DPO), but {info.label} cannot be trained with "
                f"preferences. {_pick_instead(catalog, info, 'dpo')}.",
            )
        )
    if RecordKind.CHAT in kinds and not info.supports("supervised"):
        found.append(
            _problem(
                METHOD_NOT_SUPPORTED,
                f"This file holds chat examples, but {info.label} cannot be trained on them "
                "(it only supports reinforcement fine-tuning).",
            )
        )
    if any(s.images for s in summaries) and not info.supports("vision"):
        found.append(
            _problem(
                IMAGES_NEED_VISION,
                f"The examples contain images, but {info.label} cannot learn from images. "
                f"{_pick_instead(catalog, info, 'vision')}, or remove the images.",
            )
        )
    return found


def _too_long(summaries: Sequence[Summary], info: ModelInfo | None) -> list[Problem]:
    limit = info.training_context if info is not None else None
    if info is None or limit is None:
        return []
    longest = max((m.training_context or 0 for m in load_models().models), default=limit)
    return [
        _problem(
            TOO_LONG,
            f"This example has {s.tokens:,} tokens: too long for any model (the longest "
            f"learns from {longest:,} tokens per example). Split it into several examples."
            if s.tokens > longest
            else f"This example has {s.tokens:,} tokens; {info.label} learns from at most "
            f"{limit:,} tokens per example, so the end will be cut off.",
            line,
        )
        for line, s in enumerate(summaries, 1)
        if s.tokens is not None and s.tokens > limit
    ]


def _duplicates(summaries: Sequence[Summary]) -> list[Problem]:
    found: list[Problem] = []
    first_seen: dict[bytes, int] = {}
    prompts: dict[bytes, tuple[int, bytes]] = {}
    for line, s in enumerate(summaries, 1):
        if not s.content_hash or s.kind not in EXAMPLE_KINDS:
            continue
        earlier = first_seen.setdefault(s.content_hash, line)
        if earlier != line:
            found.append(
                _problem(
                    DUPLICATE_EXAMPLE,
                    f"This example is an exact copy of example {earlier}.",
                    line,
                    Fix(FIX_REMOVE_EXAMPLE, "Remove this copy"),
                )
            )
            continue
        if s.prompt_hash:
            seen = prompts.setdefault(s.prompt_hash, (line, s.content_hash))
            if seen[0] != line and seen[1] != s.content_hash:
                found.append(
                    _problem(
                        CONFLICTING_REPLIES,
                        f"This example has the same conversation as example {seen[0]}, but a "
                        "different final reply.",
                        line,
                    )
                )
    return found


def _leaks(summaries: Sequence[Summary], validation: Sequence[Summary]) -> list[Problem]:
    in_validation: dict[bytes, int] = {}
    for line, s in enumerate(validation, 1):
        if s.content_hash and s.kind in EXAMPLE_KINDS:
            in_validation.setdefault(s.content_hash, line)
    return [
        _problem(
            IN_VALIDATION,
            f"This example is also in the validation file (example {in_validation[s.content_hash]}). "
            "Keep each example on one side only.",
            line,
            Fix(FIX_REMOVE_EXAMPLE, "Remove it from the training file"),
        )
        for line, s in enumerate(summaries, 1)
        if s.content_hash in in_validation and s.kind in EXAMPLE_KINDS
    ]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"
