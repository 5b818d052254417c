"""The “Where to train” guide: a row per provider, from the `guide` section of
resources/models.json, adjusted to today's date (OpenAI's row only while it takes jobs, with its
countdown). Plain Python; the start dialog shows it (desktop_app.ui.training.where_to_train)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop_app.core.models import ModelCatalog, load_models
from desktop_app.core.provider_dates import accepts_new_jobs, countdown, long_date
from desktop_app.core.today import today


@dataclass(frozen=True, slots=True)
class GuideRow:
    provider: str  # provider kind
    label: str
    needs: str
    models: str
    try_it: str
    try_at_once: bool
    price: str
    dates: str
    countdown: str = ""


@dataclass(frozen=True, slots=True)
class Guide:
    rows: tuple[GuideRow, ...]
    recommendation: str
    checked: date | None

    @property
    def checked_text(self) -> str:
        return f"Facts checked on {long_date(self.checked)}." if self.checked else ""


def where_to_train(day: date | None = None, catalog: ModelCatalog | None = None) -> Guide:
    catalog = catalog or load_models()
    day = day or today()
    data = catalog.guide
    rows = []
    for entry in data.get("rows", ()):
        kind = str(entry["provider"])
        if not accepts_new_jobs(kind, day, catalog):
            continue  # “OpenAI while it lasts”
        try:
            label = catalog.provider(kind).label
        except KeyError:
            label = "Practice mode" if kind == "practice" else kind
        rows.append(
            GuideRow(
                provider=kind,
                label=label,
                needs=str(entry.get("needs", "")),
                models=str(entry.get("models", "")),
                try_it=str(entry.get("try", "")),
                try_at_once=bool(entry.get("try_at_once", False)),
                price=str(entry.get("price", "")),
                dates=str(entry.get("dates", "")),
                countdown=countdown(kind, day, catalog),
            )
        )
    checked = data.get("checked")
    return Guide(
        rows=tuple(rows),
        recommendation=str(data.get("recommendation", "")),
        checked=date.fromisoformat(checked) if checked else None,
    )
