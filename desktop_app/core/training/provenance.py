"""What a model was trained on, and what changed in the dataset since (plain Python).

The job store keeps the content hash of the exact files sent and core.training.jobs keeps a copy of
them (provenance_path). Comparing that copy with the dataset as it is now, example by example
(by content, ignoring key order and spacing), gives the counts a writer wants: how many examples
were added, removed or changed since the job. An example counts as *changed* when the
conversation leading up to its last reply is the same but something else differs (typically the
reply that was edited).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.jsonline import RecordKind, parse_line
from desktop_app.core.dataset.records import Dataset

_EXAMPLES = (RecordKind.CHAT, RecordKind.PREFERENCE)


@dataclass(frozen=True, slots=True)
class ProvenanceDiff:
    trained: int  # examples in the files sent
    current: int  # examples in the dataset now
    unchanged: int
    changed: int
    added: int
    removed: int

    @property
    def same(self) -> bool:
        return not (self.changed or self.added or self.removed)

    def summary(self) -> str:
        if self.same:
            return "The dataset has not changed since this job: every example is the same."
        parts = []
        if self.added:
            parts.append(f"{self.added:,} added")
        if self.changed:
            parts.append(f"{self.changed:,} changed")
        if self.removed:
            parts.append(f"{self.removed:,} removed")
        return (
            "Since this job, the dataset has " + ", ".join(parts) + f" example"
            f"{'s' if (self.added + self.changed + self.removed) != 1 else ''} "
            f"({self.unchanged:,} unchanged)."
        )


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def example_keys(value: Any) -> tuple[str, str]:
    """(content hash, prompt hash) of an example; the prompt is everything but the last reply."""
    content = _digest(_canonical(value))
    prompt: Any = value
    if isinstance(value, dict) and isinstance(value.get("messages"), list):
        messages = value["messages"]
        last = max(
            (
                i
                for i, m in enumerate(messages)
                if isinstance(m, dict) and m.get("role") == "assistant"
            ),
            default=len(messages),
        )
        prompt = {
            **{k: v for k, v in value.items() if k != "messages"},
            "messages": messages[:last],
        }
    elif isinstance(value, dict) and "input" in value:
        prompt = value.get("input")
    return content, _digest(_canonical(prompt))


def keys_of_lines(lines: Iterable[bytes]) -> list[tuple[str, str]]:
    keys = []
    for raw in lines:
        parsed = parse_line(raw)
        if parsed.kind in _EXAMPLES:
            keys.append(example_keys(parsed.value))
    return keys


def file_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return [line.rstrip(b"\r") for line in data.split(b"\n") if line.strip()]


def compare(sent: list[tuple[str, str]], now: list[tuple[str, str]]) -> ProvenanceDiff:
    sent_content = Counter(c for c, _ in sent)
    now_content = Counter(c for c, _ in now)
    unchanged = sum((sent_content & now_content).values())
    left = sent_content - now_content  # only in what was sent
    right = now_content - sent_content  # only in the dataset now
    prompt_of = dict(sent + now)
    left_prompts: Counter[str] = Counter()
    for content, count in left.items():
        left_prompts[prompt_of[content]] += count
    right_prompts: Counter[str] = Counter()
    for content, count in right.items():
        right_prompts[prompt_of[content]] += count
    changed = sum((left_prompts & right_prompts).values())
    removed = sum(left.values()) - changed
    added = sum(right.values()) - changed
    return ProvenanceDiff(len(sent), len(now), unchanged, changed, added, removed)


def diff_against(copies: list[Path], dataset: Dataset) -> ProvenanceDiff:
    """Compare the stored copies (training, validation) with a dataset's examples."""
    sent: list[tuple[str, str]] = []
    for path in copies:
        sent += keys_of_lines(file_lines(path))
    return compare(sent, keys_of_lines(record.raw for record in dataset))


def find_example(copy: Path, number: int, dataset: Dataset | None) -> tuple[int | None, int | None]:
    """(record index in `dataset`, line in the copy) of the `number`-th example sent (1-based).

    The example is looked up by content, so edits elsewhere in the dataset do not matter.
    """
    lines = file_lines(copy)
    if not 1 <= number <= len(lines):
        return None, None
    wanted_raw = lines[number - 1]
    parsed = parse_line(wanted_raw)
    if dataset is None:
        return None, number
    wanted = example_keys(parsed.value)[0] if parsed.kind in _EXAMPLES else None
    for index, record in enumerate(dataset):
        if record.raw == wanted_raw:
            return index, number
        if wanted is not None:
            other = record.parse()
            if other.kind in _EXAMPLES and example_keys(other.value)[0] == wanted:
                return index, number
    return None, number
