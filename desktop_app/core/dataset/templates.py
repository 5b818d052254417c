"""Starting points for a new dataset (File ▸ New) and the sample opened on the very first start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.files.resources import resource


@dataclass(frozen=True, slots=True)
class Template:
    name: str  # file stem in resources/templates/
    title: str
    description: str

    @property
    def path(self) -> Path:
        return resource("templates", f"{self.name}.jsonl")

    def data(self) -> bytes:
        return self.path.read_bytes()


TEMPLATES: tuple[Template, ...] = (
    Template("empty", "Empty dataset", "Start from nothing and add examples one by one."),
    Template(
        "brand_voice",
        "Brand voice",
        "Teach the model to rewrite text the way your company speaks.",
    ),
    Template(
        "support_replies",
        "Support replies",
        "Teach the model to answer customer messages kindly and with a next step.",
    ),
    Template(
        "code_review",
        "Code review",
        "Teach the model to review code changes: bugs first, then style.",
    ),
)


def find_template(name: str) -> Template:
    for template in TEMPLATES:
        if template.name == name:
            return template
    raise KeyError(name)


def sample_path() -> Path:
    """The bundled sample dataset (a brand-voice task with a few deliberate problems)."""
    return resource("samples", "brand_voice.jsonl")
