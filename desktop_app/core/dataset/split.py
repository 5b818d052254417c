"""A deterministic training/validation split in which identical examples never straddle the sides.

Examples are grouped by canonical content (the JSON with sorted keys, so key order and spacing do
not matter). Each group gets a place in a shuffled order from a hash of the seed and its content,
and whole groups go to validation in that order until it holds the requested share. The result
depends only on the examples, the fraction and the seed, not on the order of lines in the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.atomic import write_atomic

DEFAULT_SEED = 0


class SplitError(UserFacingError):
    """The dataset cannot be split as asked."""


@dataclass(frozen=True, slots=True)
class SplitResult:
    train: list[int]  # record indexes, in file order
    validation: list[int]
    skipped: list[int] = field(default_factory=list)  # blank, broken and non-example lines


def canonical_key(value: Any) -> str:
    """The content of an example with key order and spacing normalised."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def split_indexes(
    dataset: Dataset, validation_fraction: float, seed: int = DEFAULT_SEED
) -> SplitResult:
    """Split the dataset's examples; blank, broken and non-example lines go to `skipped`."""
    if not 0.0 < validation_fraction < 1.0:
        raise SplitError(
            f"The validation share must be between 0 and 1 (for example 0.1 for 10%), not {validation_fraction}.",
            "Pick a share such as 0.1 or 0.2.",
        )
    groups: dict[str, list[int]] = {}
    skipped: list[int] = []
    for index, record in enumerate(dataset):
        parsed = record.parse()
        if parsed.kind in (RecordKind.CHAT, RecordKind.PREFERENCE):
            groups.setdefault(canonical_key(parsed.value), []).append(index)
        else:
            skipped.append(index)
    count = sum(len(indexes) for indexes in groups.values())
    if len(groups) < 2:
        raise _too_few(count)
    target = min(count - 1, max(1, round(count * validation_fraction)))
    order = sorted(groups, key=lambda key: _shuffle_key(seed, key))
    train: list[int] = []
    validation: list[int] = []
    for key in order:
        members = groups[key]
        if len(validation) + len(members) <= target:
            validation.extend(members)
        else:
            train.extend(members)
    if not validation:  # every group was bigger than the target: take the smallest one
        smallest = min(order, key=lambda key: len(groups[key]))
        validation = groups[smallest]
        train = [i for key in order if key != smallest for i in groups[key]]
    return SplitResult(sorted(train), sorted(validation), skipped)


def _shuffle_key(seed: int, key: str) -> bytes:
    return hashlib.sha256(f"{seed}\n{key}".encode("utf-8", "surrogatepass")).digest()


def _too_few(count: int) -> SplitError:
    if count < 2:
        found = "no examples" if count == 0 else "only one example"
        return SplitError(
            f"The file has {found}, so it cannot be split into training and validation parts.",
            "Add more examples first; each part needs at least one.",
        )
    return SplitError(
        f"All {count} examples in the file are identical, so any split would put the same "
        "example in both parts.",
        "Add different examples first, or remove the copies.",
    )


def write_split(
    dataset: Dataset, result: SplitResult, train_path: Path, validation_path: Path
) -> None:
    """Write both sides as training files (examples only, LF endings), each atomically."""
    write_atomic(Path(train_path), [dataset.training_bytes(result.train)])
    write_atomic(Path(validation_path), [dataset.training_bytes(result.validation)])


def split_paths(source: Path, out_dir: Path | None = None) -> tuple[Path, Path]:
    """Default output names: <name>_train.jsonl and <name>_validation.jsonl beside the input."""
    folder = Path(out_dir) if out_dir is not None else Path(source).parent
    stem = Path(source).stem
    return folder / f"{stem}_train.jsonl", folder / f"{stem}_validation.jsonl"
