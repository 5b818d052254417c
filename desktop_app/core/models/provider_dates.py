"""Dates that decide: which providers still take new jobs, which models may still be offered,
and what to tell the owner of a tuned model whose base model stops answering.

Every answer depends on `today()` (desktop_app.core.models.today), read once per question, and on the
dates in resources/models.json; nothing here hard-codes a date.

    accepts_new_jobs("openai")              # False from 2027-01-06
    countdown("openai")                     # "OpenAI: no new jobs from 6 January 2027 — 30 days left."
    refusal("openai")                       # a UserFacingError naming the date and the alternatives
    default_provider()                      # "openai" until 2027-01-06, then "azure", …
    retirement_notice("ft:gpt-4.1-mini-…", "openai")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop_app.core.errors import UserFacingError
from desktop_app.core.models.catalog import ModelCatalog, ModelInfo, base_model_name, load_models
from desktop_app.core.models.today import today

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Where to go instead, in the order the app suggests them (Azure keeps OpenAI's models and format)
ALTERNATIVES = ("azure", "together", "fireworks", "nebius")
# Providers whose catalogue models are offered (the practice server pretends to be OpenAI)
_CATALOGUE_OF = {"practice": "openai"}


class NoNewJobsError(UserFacingError):
    """The provider no longer takes new fine-tuning jobs."""


def long_date(day: date) -> str:
    """“6 January 2027” (the same in every locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _facts_date(kind: str, catalog: ModelCatalog) -> date | None:
    try:
        return catalog.provider(kind).no_new_jobs_from
    except KeyError:
        return None


def no_new_jobs_from(kind: str, catalog: ModelCatalog | None = None) -> date | None:
    return _facts_date(kind, catalog or load_models())


def accepts_new_jobs(
    kind: str, day: date | None = None, catalog: ModelCatalog | None = None
) -> bool:
    last = no_new_jobs_from(kind, catalog)
    return last is None or (day or today()) < last


def countdown(kind: str, day: date | None = None, catalog: ModelCatalog | None = None) -> str:
    """One line for every place the provider can be chosen; "" when it has no cut-off."""
    catalog = catalog or load_models()
    last = _facts_date(kind, catalog)
    if last is None:
        return ""
    label = catalog.provider(kind).label
    left = (last - (day or today())).days
    if left <= 0:
        return f"{label} takes no new fine-tuning jobs since {long_date(last)}."
    return f"{label}: no new jobs from {long_date(last)} — {_days(left)} left."


def alternatives_text(catalog: ModelCatalog | None = None) -> str:
    catalog = catalog or load_models()
    names = []
    for kind in ALTERNATIVES:
        try:
            names.append(catalog.provider(kind).label)
        except KeyError:
            continue
    first = names[0] + " (the same models and data format)" if names else ""
    return ", ".join([first, *names[1:]]) if names else ""


def refusal(
    kind: str,
    day: date | None = None,
    catalog: ModelCatalog | None = None,
    *,
    command_line: bool = False,
) -> NoNewJobsError | None:
    """The error to show before anything is sent, or None while the provider takes jobs."""
    catalog = catalog or load_models()
    if accepts_new_jobs(kind, day, catalog):
        return None
    last = _facts_date(kind, catalog)
    assert last is not None
    label = catalog.provider(kind).label
    step = f"Train on another provider instead: {alternatives_text(catalog)}."
    if command_line:
        step += (
            " For example “--provider azure --base-url my-resource” or “--provider together”; "
            "“ftstudio train --from-job JOB_ID --provider …” trains a finished job's data again."
        )
    else:
        step += " The “Where to train” guide compares them."
    return NoNewJobsError(
        f"{label} takes no new fine-tuning jobs since {long_date(last)}. Nothing was sent.", step
    )


def model_offered(info: ModelInfo, day: date | None = None) -> bool:
    """A model to offer for new jobs: listed as available and not past its shut-down."""
    return info.status == "available" and not info.is_shut_down(day or today())


def offered_models(
    kind: str, day: date | None = None, catalog: ModelCatalog | None = None
) -> list[ModelInfo]:
    """The catalogue's trainable models for `kind` today (none when it takes no new jobs).

    Practice mode simulates OpenAI's models whatever the date: nothing real is trained.
    """
    catalog = catalog or load_models()
    day = day or today()
    if kind == "practice":
        return [
            m
            for m in catalog.models_for("openai")
            if m.status == "available" and m.methods != ("reinforcement",)
        ]
    if not accepts_new_jobs(kind, day, catalog):
        return []
    return [
        m
        for m in catalog.models_for(_CATALOGUE_OF.get(kind, kind))
        if model_offered(m, day) and m.methods != ("reinforcement",)
    ]


def default_provider(day: date | None = None, catalog: ModelCatalog | None = None) -> str:
    """The provider the overview and `ftstudio validate` assume: the first in the data file's
    order that still takes new jobs and still offers its own default model (Azure is chosen
    after OpenAI for its GPT-4.1 mini, the same model; once that retires, Together AI)."""
    catalog = catalog or load_models()
    for kind in catalog.default_providers:
        wanted = catalog.provider(kind).default_model
        if any(m.id == wanted for m in offered_models(kind, day, catalog)):
            return kind
    return catalog.default_providers[-1] if catalog.default_providers else "together"


def nothing_answers(kind: str, day: date | None = None, catalog: ModelCatalog | None = None) -> str:
    """For a place whose listed models have all shut down: since when, and what to do instead
    ("" while one of them still answers, or when none is listed)."""
    catalog = catalog or load_models()
    listed = [m for m in catalog.models_for(kind) if m.status == "available"]
    if not listed or any(not m.is_shut_down(day or today()) for m in listed):
        return ""
    last = max(m.shutdown_date or date.min for m in listed)
    label = catalog.provider(kind).label
    return (
        f"{label}'s models that could be fine-tuned stopped answering on {long_date(last)}. "
        f"Choose another place above, or type the name of another {label} model."
    )


def default_model(kind: str, day: date | None = None, catalog: ModelCatalog | None = None) -> str:
    """The provider's default model if it is still offered, else its first offered model."""
    catalog = catalog or load_models()
    offered = offered_models(kind, day, catalog)
    try:
        wanted = catalog.provider("openai" if kind == "practice" else kind).default_model
    except KeyError:
        wanted = ""
    for info in offered:
        if info.id == wanted:
            return info.id
    return offered[0].id if offered else wanted


@dataclass(frozen=True, slots=True)
class RetirementNotice:
    """What to tell the owner of a tuned model whose base model stops (or stopped) answering."""

    shutdown: date
    days_left: int  # 0 or less: it no longer answers
    text: str

    @property
    def gone(self) -> bool:
        return self.days_left <= 0


# A tuned model is marked this many days before its base stops answering.
WARN_DAYS = 120


def retirement_notice(
    model: str,
    provider: str,
    day: date | None = None,
    catalog: ModelCatalog | None = None,
) -> RetirementNotice | None:
    """For a tuned model (“ft:gpt-4.1-mini-…:org::id”, or a base name): the notice to show when its
    base model stops answering within WARN_DAYS or already has; None otherwise."""
    catalog = catalog or load_models()
    if not model or provider == "practice":
        return None
    info = catalog.find(base_model_name(model), "openai" if provider == "compatible" else provider)
    if info is None or info.shutdown_date is None:
        return None
    left = (info.shutdown_date - (day or today())).days
    if left > WARN_DAYS:
        return None
    when = long_date(info.shutdown_date)
    if base_model_name(model) == model.strip():  # the base model itself, not a model tuned from it
        text = (
            f"{info.label} was shut down on {when}: it no longer answers, nor do the models "
            "tuned from it."
            if left <= 0
            else f"{info.label} shuts down on {when} ({_days(left)} left); the models tuned "
            "from it stop answering then too."
        )
    elif left <= 0:
        text = (
            f"Stopped answering on {when}: its base model {info.label} was shut down. "
            "Its training data is kept: train a new model elsewhere (Move this model…)."
        )
    else:
        text = (
            f"Stops answering on {when} ({_days(left)} left), when its base model {info.label} "
            "shuts down. Move it now: train the same data on another provider and compare the "
            "two (Move this model…)."
        )
    return RetirementNotice(info.shutdown_date, left, text)
