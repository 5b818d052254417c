"""A comparison of two models on a set of prompts: replies, blind ratings, saving and CSV export.

    prompts = read_prompts(path)                 # compare_prompts: a file, a dataset, validation
    comparison = Comparison.create(prompts.prompts, endpoint_a, endpoint_b)
    estimate_run(comparison)                     # compare_run: tokens and cost before starting
    run_comparison(comparison, (provider_a, provider_b), cancel=event, on_result=comparison.apply)
    comparison.rate_blind(0, "1")                # the reply shown first was better
    comparison.summary().sentence()
    comparison.save(); comparison.export_csv(path)

The blind order of each prompt is drawn once from the comparison's seed and stored with it, so a
saved comparison shows the same order when it is opened again. Nothing here talks to a network.
"""

from __future__ import annotations

import csv
import io
import json
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_app.core.errors import DatasetOpenError, DatasetSaveError, UserFacingError
from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.files.folders import data_dir
from desktop_app.core.keys.scrub import scrub, scrub_value
from desktop_app.core.trying.endpoints import Endpoint
from desktop_app.core.trying.prompts import CompareError, Prompt

SCHEMA_VERSION = 1
A, B, TIE = "a", "b", "tie"
SIDES = (A, B)
DEFAULT_MAX_TOKENS = 1024
DEFAULT_CONCURRENCY = 4

__all__ = [
    "SIDES",
    "TIE",
    "A",
    "B",
    "CompareError",
    "Comparison",
    "Prompt",
    "Reply",
    "Result",
    "Row",
    "RunSettings",
    "Summary",
]


@dataclass(frozen=True, slots=True)
class RunSettings:
    max_tokens: int | None = DEFAULT_MAX_TOKENS
    temperature: float | None = None
    concurrency: int = DEFAULT_CONCURRENCY

    def to_json(self) -> dict[str, Any]:
        return {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "concurrency": self.concurrency,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunSettings:
        max_tokens = data.get("max_tokens")
        temperature = data.get("temperature")
        concurrency = data.get("concurrency")
        return cls(
            max_tokens=max_tokens if isinstance(max_tokens, int) else None,
            temperature=float(temperature) if isinstance(temperature, int | float) else None,
            concurrency=concurrency if isinstance(concurrency, int) else DEFAULT_CONCURRENCY,
        )


@dataclass(frozen=True, slots=True)
class Reply:
    text: str = ""
    error: str | None = None  # what went wrong, in plain words (None: the model answered)
    next_step: str = ""
    error_type: str = ""  # the error's class name (RateLimitError, …), for filtering
    seconds: float | None = None
    sent: bool = True  # False: not asked, because the endpoint had already failed for good

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def shown(self) -> str:
        """The reply, or its problem, as one text for a table cell or a CSV column."""
        if self.ok:
            return self.text
        return f"{self.error} {self.next_step}".strip()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "seconds": self.seconds}
        if self.error is not None:
            data.update(
                error=self.error,
                next_step=self.next_step,
                error_type=self.error_type,
                sent=self.sent,
            )
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reply:
        error = data.get("error")
        seconds = data.get("seconds")
        return cls(
            text=str(data.get("text") or ""),
            error=error if isinstance(error, str) else None,
            next_step=str(data.get("next_step") or ""),
            error_type=str(data.get("error_type") or ""),
            seconds=float(seconds) if isinstance(seconds, int | float) else None,
            sent=data.get("sent") is not False,
        )

    @classmethod
    def failed(
        cls, error: BaseException, seconds: float | None = None, *, sent: bool = True
    ) -> Reply:
        if isinstance(error, UserFacingError):
            message, step = error.message, error.next_step
        else:
            message = "Something unexpected went wrong with this prompt."
            step = "Try it again; if it keeps happening, send the log file to the team."
        return cls(
            error=message,
            next_step=step,
            error_type=type(error).__name__,
            seconds=seconds,
            sent=sent,
        )


@dataclass(slots=True)
class Row:
    prompt: Prompt
    flipped: bool = False  # blind order: True shows reply B first
    a: Reply | None = None
    b: Reply | None = None
    rating: str | None = None  # a / b / tie

    def reply(self, side: str) -> Reply | None:
        return self.a if side == A else self.b

    def blind_sides(self) -> tuple[str, str]:
        """(side shown first, side shown second)."""
        return (B, A) if self.flipped else (A, B)

    @property
    def answered(self) -> bool:
        return self.a is not None and self.b is not None

    @property
    def ratable(self) -> bool:
        return self.a is not None and self.a.ok and self.b is not None and self.b.ok


@dataclass(frozen=True, slots=True)
class Result:
    """One reply that arrived: for the row `row`, from side a or b."""

    row: int
    side: str
    reply: Reply


@dataclass(frozen=True, slots=True)
class Summary:
    prompts: int
    answered: int  # both models replied (successfully or not)
    failed_a: int
    failed_b: int
    rated: int
    a_wins: int
    b_wins: int
    ties: int

    def win_rate(self, side: str) -> float | None:
        """Share of the rated prompts this side won (ties count for neither); None before any."""
        if not self.rated:
            return None
        return (self.a_wins if side == A else self.b_wins) / self.rated

    def sentence(self, name_a: str = "Model A", name_b: str = "Model B") -> str:
        if not self.rated:
            return "No prompts rated yet."
        ranked = sorted(((self.b_wins, name_b, B), (self.a_wins, name_a, A)), reverse=True)
        (top_wins, top_name, top_side), (low_wins, low_name, _) = ranked
        rate = self.win_rate(top_side) or 0.0
        ties = f"{self.ties} tie{'s' if self.ties != 1 else ''}"
        if top_wins == low_wins:
            return (
                f"Even: {name_b} and {name_a} each won {top_wins} of {self.rated} rated "
                f"prompts ({rate:.0%}); {ties}."
            )
        return (
            f"{top_name} won {top_wins} of {self.rated} rated prompts ({rate:.0%}); "
            f"{low_name} won {low_wins}; {ties}."
        )


@dataclass(slots=True)
class Comparison:
    a: Endpoint
    b: Endpoint
    rows: list[Row]
    seed: int
    settings: RunSettings = field(default_factory=RunSettings)
    created: str = ""
    source: str = ""  # where the prompts came from, in words
    dataset_path: str | None = None
    path: Path | None = None  # where it was last saved or loaded (not stored in the file)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        prompts: Sequence[Prompt],
        a: Endpoint,
        b: Endpoint,
        *,
        settings: RunSettings | None = None,
        seed: int | None = None,
        source: str = "",
        dataset_path: str | None = None,
    ) -> Comparison:
        """A new comparison; each prompt's blind order is drawn from `seed` (random if None)."""
        if not prompts:
            raise CompareError("There are no prompts to compare.", "Pick prompts first.")
        chosen_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        draw = random.Random(chosen_seed)
        rows = [Row(prompt, flipped=draw.random() < 0.5) for prompt in prompts]
        return cls(
            a=a,
            b=b,
            rows=rows,
            seed=chosen_seed,
            settings=settings or RunSettings(),
            created=datetime.now().isoformat(timespec="seconds"),
            source=source,
            dataset_path=dataset_path,
        )

    def endpoint(self, side: str) -> Endpoint:
        return self.a if side == A else self.b

    # ---- replies ----------------------------------------------------------------------------
    def apply(self, result: Result) -> None:
        """Store a reply that arrived (thread-safe, so a run can call it from its workers)."""
        with self._lock:
            row = self.rows[result.row]
            if result.side == A:
                row.a = result.reply
            else:
                row.b = result.reply

    def pending(self, *, retry_failed: bool = True) -> list[tuple[int, str]]:
        """(row, side) still to ask: never answered, or (with retry_failed) answered with an error."""
        todo = []
        for index, row in enumerate(self.rows):
            for side in SIDES:
                reply = row.reply(side)
                if reply is None or (retry_failed and not reply.ok):
                    todo.append((index, side))
        return todo

    @property
    def finished(self) -> bool:
        return all(row.answered for row in self.rows)

    # ---- rating -----------------------------------------------------------------------------
    def set_rating(self, index: int, rating: str | None) -> None:
        if rating not in (A, B, TIE, None):
            raise ValueError(f"unknown rating {rating!r}")
        self.rows[index].rating = rating

    def rate_blind(self, index: int, choice: str) -> str:
        """Rate by what the person saw: "1" (first reply better), "2", or "tie". Returns a/b/tie."""
        first, second = self.rows[index].blind_sides()
        rating = {"1": first, "2": second, "tie": TIE}.get(choice)
        if rating is None:
            raise ValueError(f"unknown blind choice {choice!r}")
        self.set_rating(index, rating)
        return rating

    def next_unrated(self, after: int = -1) -> int | None:
        """The next ratable row without a rating after `after` (wrapping around), or None."""
        count = len(self.rows)
        for step in range(1, count + 1):
            index = (after + step) % count
            row = self.rows[index]
            if row.ratable and row.rating is None:
                return index
        return None

    def summary(self) -> Summary:
        ratings = [row.rating for row in self.rows]
        return Summary(
            prompts=len(self.rows),
            answered=sum(row.answered for row in self.rows),
            failed_a=sum(1 for row in self.rows if row.a is not None and not row.a.ok),
            failed_b=sum(1 for row in self.rows if row.b is not None and not row.b.ok),
            rated=sum(r is not None for r in ratings),
            a_wins=ratings.count(A),
            b_wins=ratings.count(B),
            ties=ratings.count(TIE),
        )

    # ---- saving -----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        with self._lock:
            rows = [
                {
                    "prompt": row.prompt.to_json(),
                    "flipped": row.flipped,
                    "a": row.a.to_json() if row.a is not None else None,
                    "b": row.b.to_json() if row.b is not None else None,
                    "rating": row.rating,
                }
                for row in self.rows
            ]
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "finetune-studio-comparison",
            "created": self.created,
            "source": self.source,
            "dataset_path": self.dataset_path,
            "seed": self.seed,
            "settings": self.settings.to_json(),
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "rows": rows,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Comparison:
        version = data.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise CompareError(
                "This comparison was saved by a newer version of Finetune Studio.",
                "Update Finetune Studio to open it.",
            )
        rows = []
        for item in data.get("rows") or ():
            if not isinstance(item, Mapping):
                continue
            a, b = item.get("a"), item.get("b")
            rating = item.get("rating")
            rows.append(
                Row(
                    prompt=Prompt.from_json(item.get("prompt") or {}),
                    flipped=bool(item.get("flipped")),
                    a=Reply.from_json(a) if isinstance(a, Mapping) else None,
                    b=Reply.from_json(b) if isinstance(b, Mapping) else None,
                    rating=rating if rating in (A, B, TIE) else None,
                )
            )
        dataset_path = data.get("dataset_path")
        return cls(
            a=Endpoint.from_json(data.get("a") or {}),
            b=Endpoint.from_json(data.get("b") or {}),
            rows=rows,
            seed=int(data.get("seed") or 0),
            settings=RunSettings.from_json(data.get("settings") or {}),
            created=str(data.get("created") or ""),
            source=str(data.get("source") or ""),
            dataset_path=dataset_path if isinstance(dataset_path, str) else None,
        )

    def default_path(self) -> Path:
        """Beside the dataset (name.comparison-DATE.json), or in the app's data folder."""
        stamp = (self.created or datetime.now().isoformat(timespec="seconds")).replace(":", "")
        stamp = stamp.replace("-", "").replace("T", "-")
        if self.dataset_path:
            dataset = Path(self.dataset_path)
            return dataset.with_name(f"{dataset.stem}.comparison-{stamp}.json")
        return data_dir() / "comparisons" / f"comparison-{stamp}.json"

    def save(self, path: str | Path | None = None) -> Path:
        """Write the comparison as JSON (atomically); returns where it went."""
        target, may_move = self.save_target(path)
        self.path = write_comparison(self.to_json(), target, may_move=may_move)
        return self.path

    def save_target(self, path: str | Path | None = None) -> tuple[Path, bool]:
        """Where `save` writes, and whether it may go to the data folder instead (the first
        save beside a dataset whose folder turns out to be read-only)."""
        if path is not None:
            return Path(path), False
        if self.path is not None:
            return self.path, False
        return self.default_path(), bool(self.dataset_path)

    @classmethod
    def load(cls, path: str | Path) -> Comparison:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise DatasetOpenError(
                f"“{path.name}” could not be read ({exc.strerror or 'the system refused'}).",
                "Check that the file exists and that you can open it.",
            ) from exc
        except ValueError as exc:
            raise CompareError(
                f"“{path.name}” is not a saved comparison (it is not valid JSON).",
                "Open a file that Finetune Studio saved from a comparison.",
                technical=str(exc),
            ) from exc
        if not isinstance(data, dict) or data.get("kind") != "finetune-studio-comparison":
            raise CompareError(
                f"“{path.name}” is not a saved comparison.",
                "Open a file that Finetune Studio saved from a comparison.",
            )
        comparison = cls.from_json(data)
        comparison.path = path
        return comparison

    def csv_rows(self) -> list[list[str]]:
        header = [
            "number",
            "source",
            "system",
            "earlier_turns",
            "prompt",
            "reference",
            "model_a",
            "reply_a",
            "problem_a",
            "model_b",
            "reply_b",
            "problem_b",
            "rating",
            "better_model",
        ]
        rows = [header]
        for number, row in enumerate(self.rows, 1):
            prompt = row.prompt
            rating = {A: "A", B: "B", TIE: "tie"}.get(row.rating or "", "")
            better = {A: self.a.model, B: self.b.model, TIE: "tie"}.get(row.rating or "", "")
            rows.append(
                [
                    str(number),
                    prompt.source,
                    prompt.system,
                    "\n".join(f"{m.role.capitalize()}: {m.content}" for m in prompt.history),
                    prompt.text,
                    prompt.reference or "",
                    self.a.model,
                    row.a.text if row.a is not None else "",
                    _problem(row.a),
                    self.b.model,
                    row.b.text if row.b is not None else "",
                    _problem(row.b),
                    rating,
                    better,
                ]
            )
        return rows

    def export_csv(self, path: str | Path) -> Path:
        """The prompts, replies and ratings as CSV (UTF-8 with a byte-order mark, for Excel)."""
        target = Path(path)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in self.csv_rows():
            writer.writerow([_spreadsheet_safe(scrub(cell)) for cell in row])
        _write(target, buffer.getvalue().encode("utf-8-sig"))
        return target


def write_comparison(data: dict[str, Any], target: Path, *, may_move: bool = False) -> Path:
    """Write a comparison's JSON (from `to_json`) atomically; returns the path written.

    With `may_move`, a folder that cannot be written sends the file to the app's data folder.
    Safe to call on a worker thread with a snapshot taken on the GUI thread.
    """
    payload = (json.dumps(scrub_value(data), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        _write(target, payload)
    except CompareError:
        if not may_move:
            raise
        target = data_dir() / "comparisons" / target.name
        _write(target, payload)
    return target


def _write(target: Path, payload: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, [payload])
    except OSError as exc:
        raise CompareError(
            f"“{target.name}” could not be written ({exc.strerror or 'the system refused'}).",
            _WRITE_STEP,
            technical=str(exc),
        ) from exc
    except DatasetSaveError as error:
        raise CompareError(error.message, _WRITE_STEP, technical=error.technical) from error


_WRITE_STEP = "Pick another folder or file name, and check there is free space."


def _problem(reply: Reply | None) -> str:
    if reply is None:
        return "not asked yet"
    return "" if reply.ok else f"{reply.error} {reply.next_step}".strip()


def _spreadsheet_safe(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (“=…”, “+…”, “@…”, “-1+…”)."""
    if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and cell[1:2] not in (" ", "")):
        return "'" + cell
    return cell
