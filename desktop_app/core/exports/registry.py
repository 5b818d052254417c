"""The trainers a dataset can be exported for, and `export_project`, which writes the folder.

An export folder for a local trainer runs as it is on the writer's own machine: the data in the trainer's format, a
configuration file or script with settings for a small model, and a README with the exact
commands (train, then try the model through a local OpenAI-compatible server). The app downloads
nothing; the exported commands download the trainer and the model when the writer runs them.
The Google Vertex AI export holds the data in Gemini's format and the request that starts a
tuning job in the writer's Google Cloud project.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.records import Dataset, DatasetKind
from desktop_app.core.dataset.split import SplitError, split_indexes
from desktop_app.core.exports import axolotl, llama_factory, mlx_lm, trl, unsloth, vertex
from desktop_app.core.exports.common import (
    MANIFEST,
    VALIDATION_SPLIT,
    ExportError,
    FolderWriter,
    Source,
    as_dataset,
    prepare_folder,
    read_source,
)
from desktop_app.core.exports.job import ExportJob, ExportResult

AUTO_VALIDATION_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class ExportTarget:
    name: str  # command-line name: mlx-lm, trl, ...
    label: str  # display name
    summary: str  # one sentence: who it is for
    default_model: str
    needs_validation: bool  # the trainer refuses to run without a validation file
    supports_preference: bool  # it can train on DPO preference pairs
    build: Callable[[ExportJob], None]


TARGETS: dict[str, ExportTarget] = {
    module.NAME: ExportTarget(
        module.NAME,
        module.LABEL,
        module.SUMMARY,
        module.DEFAULT_MODEL,
        module.NEEDS_VALIDATION,
        module.SUPPORTS_PREFERENCE,
        module.build,
    )
    for module in (mlx_lm, trl, unsloth, axolotl, llama_factory, vertex)
}


def target(name: str) -> ExportTarget:
    try:
        return TARGETS[name]
    except KeyError:
        raise ExportError(
            f"Finetune Studio cannot export for “{name}”.",
            f"Pick one of: {', '.join(TARGETS)}.",
        ) from None


def export_project(
    dataset_or_values: Dataset | Iterable[Any],
    target_name: str,
    out_dir: str | Path,
    validation_values: Dataset | Iterable[Any] | None = None,
    base_model: str | None = None,
    *,
    validation_fraction: float | None = None,
    overwrite: bool = False,
    source_name: str | None = None,
) -> ExportResult:
    """Write a ready-to-run folder for `target_name`; see the module docstring.

    Validation data comes from `validation_values`, or from `validation_fraction` of the dataset
    (a deterministic split); a trainer that needs it gets 10% set aside when neither is given.
    """
    chosen = target(target_name)
    if validation_values is not None and validation_fraction is not None:
        raise ExportError(
            "Validation data can come from a separate file or from a share of the dataset, not both.",
            "Choose one of the two.",
        )
    dataset = as_dataset(dataset_or_values)
    train, validation, validation_note = _sources(
        dataset, validation_values, validation_fraction, chosen
    )
    if train.kind == DatasetKind.PREFERENCE and not chosen.supports_preference:
        raise ExportError(
            f"{chosen.label} cannot train on preference pairs (DPO); it learns from chat examples "
            "only.",
            "Export these pairs for "
            + ", ".join(t.label for t in TARGETS.values() if t.supports_preference)
            + " instead.",
        )
    folder = Path(out_dir)
    created = not folder.exists()
    prepare_folder(folder, overwrite=overwrite)
    job = ExportJob(
        target=chosen.label,
        base_model=(base_model or "").strip() or chosen.default_model,
        kind=train.kind,
        train=train,
        validation=validation,
        writer=FolderWriter(folder),
        source_name=_describe_source(dataset, source_name),
        validation_note=validation_note,
    )
    try:
        chosen.build(job)
        if not job.counts.get("train"):
            raise _nothing_to_train(chosen, job)
        if chosen.needs_validation and not job.counts.get("valid"):
            raise ExportError(
                f"None of the validation examples can be used, and {chosen.label} needs some "
                "to train.",
                "Pick other validation data, or let Finetune Studio set some aside "
                "(no validation file).",
            )
        _write_manifest(job, chosen)
    except BaseException:
        _undo(job.writer, folder if created else None)
        raise
    return ExportResult(
        target=chosen.name,
        folder=folder,
        files=list(job.writer.files),
        notes=job.notes(),
        train_examples=job.counts.get("train", 0),
        validation_examples=job.counts.get("valid", 0),
    )


def _sources(
    dataset: Dataset,
    validation_values: Dataset | Iterable[Any] | None,
    fraction: float | None,
    chosen: ExportTarget,
) -> tuple[Source, Source | None, str]:
    """Training and validation sources, and a sentence when validation was set aside or copied."""
    if validation_values is not None:
        train = read_source(dataset)
        return train, read_source(as_dataset(validation_values), kind=train.kind), ""
    auto = fraction is None and chosen.needs_validation
    if fraction is None and not auto:
        return read_source(dataset), None, ""
    try:
        split = split_indexes(
            dataset, fraction if fraction is not None else AUTO_VALIDATION_FRACTION
        )
    except SplitError:
        if not auto:
            raise
        train = read_source(dataset)
        copy = Source(train.kind, list(train.examples), quiet=True)
        return (
            train,
            copy,
            (
                "There were too few different examples to set some aside for validation, so the "
                "validation file holds copies of the training examples; its loss shows how well they "
                "were learned, not how well the model generalises."
            ),
        )
    train = read_source(dataset)
    chosen_lines = {index + 1 for index in split.validation}
    validation = Source(train.kind, [e for e in train.examples if e.line in chosen_lines])
    train.examples = [e for e in train.examples if e.line not in chosen_lines]
    for example in validation.examples:
        train.log.add(VALIDATION_SPLIT, example.line)
    note = (
        f"{chosen.label} needs validation data to train, so Finetune Studio set aside "
        f"{AUTO_VALIDATION_FRACTION:.0%} of the examples for it."
        if auto
        else ""
    )
    return train, validation, note


def _describe_source(dataset: Dataset, name: str | None) -> str:
    if name:
        return f"“{name}”"
    if dataset.path is not None:
        return f"“{dataset.path.name}”"
    return "your dataset"


def _nothing_to_train(chosen: ExportTarget, job: ExportJob) -> ExportError:
    reasons = [note for note in job.train.log.notes() if note.startswith("Left out")]
    why = "".join(f" {reason}" for reason in reasons[:2])
    return ExportError(
        f"Nothing was exported: none of the examples is one {chosen.label} can train on.{why}",
        "Fix the examples (the checks panel shows what is wrong), or export for another trainer.",
    )


def _undo(writer: FolderWriter, created: Path | None) -> None:
    """Remove what a failed export wrote (and its folder, if it made it and it is empty)."""
    for path in writer.files:
        path.unlink(missing_ok=True)
    if created is None:
        return
    for folder in sorted(
        {p.parent for p in writer.files}, key=lambda p: len(p.parts), reverse=True
    ):
        with contextlib.suppress(OSError):
            folder.rmdir()
    with contextlib.suppress(OSError):
        created.rmdir()


def _write_manifest(job: ExportJob, chosen: ExportTarget) -> None:
    """finetune-studio-export.json: what was written, so a later export can replace exactly it."""
    from desktop_app import __version__

    manifest = {
        "app": "Finetune Studio",
        "version": __version__,
        "target": chosen.name,
        "base_model": job.base_model,
        "kind": job.kind,
        "source": job.source_name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": dict(job.counts),
        "files": [*job.writer.relative(), MANIFEST],
    }
    job.writer.write(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
