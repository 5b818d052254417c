"""Per-model facts (limits, encodings, prices, methods, shutdown dates) read from resources/models.json.

The facts change faster than the code (OpenAI is winding fine-tuning down), so they live in one
data file with the date they were checked; this module only reads it into frozen dataclasses and
resolves the names people type (aliases, dated ids, `ft:` names) to a listed model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.resources import resource
from desktop_app.core.models.today import today as current_day
from desktop_app.core.settings.choices import DEFAULT_MODEL as DEFAULT_MODEL  # re-exported

METHODS = ("supervised", "dpo", "vision", "reinforcement")
_DATE_SUFFIX = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class ModelDataError(UserFacingError):
    """models.json is missing or damaged."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    label: str
    provider: str
    family: str
    aliases: tuple[str, ...]
    encoding: str
    training_context: int | None  # tokens per training example; longer ones are truncated
    inference_context: int | None
    training_price_per_million: float | None  # USD per 1M trained tokens
    training_price_per_hour: float | None  # USD per hour (reinforcement fine-tuning)
    methods: tuple[str, ...]
    status: str  # available / shut_down / legacy
    shutdown_date: date | None
    notes: str = ""
    # USD per 1M tokens of chatting with a model fine-tuned from this one (None: not known)
    inference_input_price_per_million: float | None = None
    inference_output_price_per_million: float | None = None

    def supports(self, method: str) -> bool:
        return method in self.methods

    def is_shut_down(self, today: date | None = None) -> bool:
        """True when the model is listed as shut down or its shutdown date has passed."""
        if self.status == "shut_down":
            return True
        day = today or current_day()
        return self.shutdown_date is not None and day >= self.shutdown_date


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    name: str
    label: str
    min_examples: int
    recommended_examples: int
    max_file_bytes: int
    max_upload_bytes: int | None
    upload_part_bytes: int | None
    no_new_jobs_from: date | None
    notes: str = ""
    checked: date | None = None  # when these facts were last checked
    roles: tuple[str, ...] = ()  # message roles it takes (empty: not known)
    preference_training: bool = True  # the app can start preference (DPO) jobs here
    last_message: str = ""  # the role every conversation must end with ("" when free)
    default_model: str = ""
    rules_note: str = ""  # its own data rules in a few words (the checks apply them)
    max_images: int | None = None  # pictures per example, where it differs from OpenAI's 10


@dataclass(frozen=True, slots=True)
class ModelCatalog:
    checked: date
    models: tuple[ModelInfo, ...]
    providers: tuple[ProviderFacts, ...]
    source: Path | None = None
    default_providers: tuple[str, ...] = ("openai",)  # the first that still trains is the default
    guide: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _index: dict[str, ModelInfo] = field(default_factory=dict, repr=False, compare=False)

    def find(self, name: str, provider: str | None = None) -> ModelInfo | None:
        """The listed model for an id, alias, dated id or fine-tuned name; None if unknown.

        With `provider`, that provider's entry wins (Azure lists the same ids as OpenAI with its
        own dates); without, or when it has none, the first listed entry answers.
        """
        key = base_model_name(name).lower()
        if not key:
            return None
        keys = [key]
        undated = _DATE_SUFFIX.sub("", key)
        if undated != key:
            keys.append(undated)
        if provider:
            for wanted in keys:
                found = self._index.get(f"{provider}\t{wanted}")
                if found is not None:
                    return found
        for wanted in keys:
            found = self._index.get(wanted)
            if found is not None:
                return found
        return None

    def models_for(self, provider: str) -> tuple[ModelInfo, ...]:
        """The models listed for one provider, in the file's order."""
        return tuple(m for m in self.models if m.provider == provider)

    def provider(self, name: str = "openai") -> ProviderFacts:
        for facts in self.providers:
            if facts.name == name:
                return facts
        raise KeyError(name)


def base_model_name(name: str) -> str:
    """`ft:BASE:org:suffix:id` (and its `:ckpt-step-N` checkpoints) → BASE, and Azure's
    `BASE.ft-JOBID` (PROVIDERS.md §2.2, the deployment body) → BASE; other names unchanged."""
    name = name.strip()
    if name[:3].lower() == "ft:":
        parts = name.split(":")
        return parts[1].strip() if len(parts) > 1 else ""
    base, dot_ft, job = name.partition(".ft-")
    return base if dot_ft and base and job else name


def load_models(path: Path | None = None) -> ModelCatalog:
    """Read a models file; the bundled resources/models.json (cached) when no path is given."""
    if path is None:
        return _bundled_catalog()
    return _load(Path(path))


def find_model(name: str, catalog: ModelCatalog | None = None) -> ModelInfo | None:
    return (catalog or load_models()).find(name)


def default_model(catalog: ModelCatalog | None = None) -> ModelInfo:
    found = find_model(DEFAULT_MODEL, catalog)
    if found is None:
        raise ModelDataError(
            f"The model list does not contain the default model {DEFAULT_MODEL}.",
            "Reinstall Finetune Studio to restore its model list.",
        )
    return found


@cache
def _bundled_catalog() -> ModelCatalog:
    return _load(resource("models.json"))


def _load(path: Path) -> ModelCatalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelDataError(
            f"The model list “{path.name}” could not be read.",
            "Reinstall Finetune Studio to restore it.",
            technical=str(exc),
        ) from exc
    except ValueError as exc:
        raise _damaged(path, f"it is not valid JSON ({exc})") from exc
    try:
        return _catalog(data, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise _damaged(path, f"an entry is missing or has the wrong type ({exc})") from exc


def _damaged(path: Path, reason: str) -> ModelDataError:
    return ModelDataError(
        f"The model list “{path.name}” is damaged: {reason}.",
        "Reinstall Finetune Studio, or restore the file from a backup.",
    )


def _catalog(data: dict[str, Any], path: Path) -> ModelCatalog:
    models = tuple(_model(entry) for entry in data["models"])
    providers = tuple(_provider(name, entry) for name, entry in data["providers"].items())
    index: dict[str, ModelInfo] = {}
    for model in models:  # ids win over aliases and families
        index.setdefault(model.id.lower(), model)
    for model in models:
        for alias in model.aliases:
            index.setdefault(alias.lower(), model)
    for model in models:
        index.setdefault(model.family.lower(), model)
    for model in models:  # per provider: “azure\tgpt-4.1-mini-2025-04-14”
        for name in (model.id, *model.aliases, model.family):
            index.setdefault(f"{model.provider}\t{name.lower()}", model)
    return ModelCatalog(
        checked=date.fromisoformat(data["checked"]),
        models=models,
        providers=providers,
        source=path,
        default_providers=tuple(str(p) for p in data.get("default_providers", ("openai",))),
        guide=dict(data.get("guide") or {}),
        _index=index,
    )


def _model(entry: dict[str, Any]) -> ModelInfo:
    methods = tuple(str(m) for m in entry["methods"])
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method {unknown[0]!r} for {entry['id']}")
    return ModelInfo(
        id=str(entry["id"]),
        label=str(entry.get("label") or entry["id"]),
        provider=str(entry.get("provider", "openai")),
        family=str(entry.get("family") or entry["id"]),
        aliases=tuple(str(a) for a in entry.get("aliases", ())),
        encoding=str(entry["encoding"]),
        training_context=_optional_int(entry.get("training_context")),
        inference_context=_optional_int(entry.get("inference_context")),
        training_price_per_million=_optional_float(entry.get("training_price_per_million")),
        training_price_per_hour=_optional_float(entry.get("training_price_per_hour")),
        inference_input_price_per_million=_optional_float(
            entry.get("inference_input_price_per_million")
        ),
        inference_output_price_per_million=_optional_float(
            entry.get("inference_output_price_per_million")
        ),
        methods=methods,
        status=str(entry.get("status", "available")),
        shutdown_date=_optional_date(entry.get("shutdown_date")),
        notes=str(entry.get("notes", "")),
    )


def _provider(name: str, entry: dict[str, Any]) -> ProviderFacts:
    return ProviderFacts(
        name=name,
        label=str(entry.get("label", name)),
        min_examples=int(entry["min_examples"]),
        recommended_examples=int(entry["recommended_examples"]),
        max_file_bytes=int(entry["max_file_bytes"]),
        max_upload_bytes=_optional_int(entry.get("max_upload_bytes")),
        upload_part_bytes=_optional_int(entry.get("upload_part_bytes")),
        no_new_jobs_from=_optional_date(entry.get("no_new_jobs_from")),
        notes=str(entry.get("wind_down_note", "")),
        checked=_optional_date(entry.get("checked")),
        roles=tuple(str(r) for r in entry.get("roles", ())),
        preference_training=bool(entry.get("preference_training", True)),
        last_message=str(entry.get("last_message", "")),
        default_model=str(entry.get("default_model", "")),
        rules_note=str(entry.get("rules_note", "")),
        max_images=_optional_int(entry.get("max_images_per_example")),
    )


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _optional_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _optional_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))
