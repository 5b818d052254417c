"""YAML for export configs, written by PyYAML's `safe_dump` (the library every trainer reads with).

Each top-level key is dumped on its own so a `# ...` comment can stand above it (PyYAML writes no
comments). Keys keep their order, text stays readable (no ASCII escaping, no line folding), and
PyYAML writes small floats as `1.0e-05`, which it reads back as numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import yaml  # PyYAML: the reader of LLaMA-Factory, Axolotl and mlx-lm, so its writer matches them

_NO_FOLDING = 2**30  # a line width PyYAML never reaches: long text stays on one line
_FOLDED_BREAKS = ("\x85", "\u2028", "\u2029")  # YAML folds these into spaces unless escaped


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no type hints
    """safe_dump's writer, except that text holding NEL/LS/PS is double-quoted (escaped): with
    allow_unicode PyYAML would write them raw in single quotes, and read them back as spaces."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(c in value for c in _FOLDED_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(mapping: Mapping[str, Any], comments: Mapping[str, str] | None = None) -> str:
    """The mapping as a YAML document; `comments` puts a `# ...` line above top-level keys."""
    lines: list[str] = []
    for key, value in mapping.items():
        if comments and key in comments:
            lines.extend(f"# {text}".rstrip() for text in comments[key].splitlines())
        lines.append(_dump_one(key, value))
    return "\n".join(lines) + "\n"


def _dump_one(key: str, value: Any) -> str:
    text: str = yaml.dump(
        {key: _plain(value)},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=_NO_FOLDING,
    )
    return text.rstrip("\n")


def _plain(value: Any) -> Any:
    """Mappings of any kind as dicts (safe_dump writes only plain types); checks floats."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("configs hold finite numbers only")
    return value
