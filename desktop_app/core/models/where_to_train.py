"""The “Where to train” guide: a row per provider, from the `guide` section of
resources/models.json, adjusted to today's date (OpenAI's row only while it takes jobs, with its
countdown). Plain Python; the start dialog shows it (desktop_app.ui.training.where_to_train)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop_app.core.models.catalog import ModelCatalog, load_models
from desktop_app.core.models.provider_dates import accepts_new_jobs, countdown, long_date
from desktop_app.core.models.today import today


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


def rules_summary(kind: str, catalog: ModelCatalog | None = None) -> str:
    """The provider's data rules in one line, for the start dialog and `validate --provider`."""
    catalog = catalog or load_models()
    try:
        facts = catalog.provider("openai" if kind == "practice" else kind)
    except KeyError:
        return ""
    size = facts.max_file_bytes
    limit = f"{size / 1024**3:,.0f} GB" if size >= 1024**3 else f"{size // 1024**2:,} MB"
    if facts.upload_part_bytes:
        limit += " per piece (larger files go in parts)"
    parts = [
        f"at least {facts.min_examples:,} example{'s' if facts.min_examples != 1 else ''}",
        f"files up to {limit}",
        "preference pairs (DPO): " + ("yes" if facts.preference_training else "not here"),
    ]
    if facts.roles:
        parts.append("roles: " + ", ".join(facts.roles))
    if facts.last_message:
        parts.append(f"every conversation ends with the {facts.last_message}'s reply")
    if facts.rules_note:
        parts.append(facts.rules_note)
    return f"{facts.label}'s rules: " + "; ".join(parts) + "."
