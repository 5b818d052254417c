"""The glossary of words a writer may not know, read from docs/glossary.md (one source for the
Help dialog and the documentation): each `## Term` heading starts an entry.

Links elsewhere in the app name an entry by its key, `glossary:<key>` (the heading in lower case,
words joined by "-"), e.g. `glossary:learning-rate-multiplier`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.files.resources import docs_file

GLOSSARY_FILE = "glossary.md"
LINK_PREFIX = "glossary:"
_HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    title: str
    text: str  # Markdown


def term_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")


def parse_glossary(markdown: str) -> list[Term]:
    headings = list(_HEADING.finditer(markdown))
    terms = []
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(markdown)
        title = heading.group(1)
        terms.append(Term(term_key(title), title, markdown[heading.end() : end].strip()))
    return terms


def load_glossary(path: Path | None = None) -> list[Term]:
    path = path or docs_file(GLOSSARY_FILE)
    return parse_glossary(path.read_text(encoding="utf-8"))


def link(key: str, text: str) -> str:
    """An HTML link (for rich-text labels and tooltips) that opens the glossary at `key`."""
    return f'<a href="{LINK_PREFIX}{key}">{text}</a>'
