"""How close `ftstudio validate` comes to the least work any checker must do on a file.

    python benchmarks/validate_floor.py FILE [FILE ...] [--model M] [--repeat N] [--jobs N]

The floor parses every line with orjson (the fastest JSON parser there is for Python) and
tiktoken-encodes every string content (a message's `content` when it is text, and the `text` of
each content part; preference pairs' input and outputs too) on every core, keeping only counts:
lines, examples, texts, tokens. No checks, no summaries, no report. `validate --json` and the
floor run as separate processes, alternately, on the same file; the script prints both wall
times (median of the rounds), the ratio validate ÷ floor, and the load average, because figures
taken while other programs use the cores say little (the target is a ratio, and a busy machine
slows the two differently).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RANGE_BYTES = 2 * 1024 * 1024  # as validate cuts the file, so both share the work out alike
DEFAULT_MODEL = "gpt-4.1-mini-2025-04-14"

_encoder: Any = None  # set in the parent before the workers fork, so they share it


def line_ranges(path: Path, size: int, step: int = RANGE_BYTES) -> list[tuple[int, int]]:
    """Byte ranges of about `step` bytes that start and end on line boundaries."""
    cuts = [0]
    with path.open("rb") as handle:
        while cuts[-1] + step < size:
            handle.seek(cuts[-1] + step)
            handle.readline()  # on to the start of the next line
            where = handle.tell()
            if where >= size:
                break
            cuts.append(where)
    cuts.append(size)
    return list(itertools.pairwise(cuts))


def _texts(value: Any) -> list[str]:
    """Every string content of an example: message contents and content parts' text."""
    found: list[str] = []
    if not isinstance(value, dict):
        return found
    messages: list[Any] = []
    for key in ("messages", "preferred_output", "non_preferred_output"):
        if isinstance(value.get(key), list):
            messages += value[key]
    if isinstance(value.get("input"), dict) and isinstance(value["input"].get("messages"), list):
        messages += value["input"]["messages"]
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            found.append(content)
        elif isinstance(content, list):
            found += [p["text"] for p in content if isinstance(p, dict) and "text" in p]
    return [t for t in found if isinstance(t, str)]


def count_range(path: str, byte_range: tuple[int, int]) -> tuple[int, int, int, int]:
    """lines, examples (lines that parse), texts, tokens in one byte range."""
    import orjson

    start, end = byte_range
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    lines = examples = texts = tokens = 0
    encode = _encoder.encode_ordinary
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        lines += 1
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        examples += 1
        for text in _texts(value):
            texts += 1
            tokens += len(encode(text))
    return lines, examples, texts, tokens


def run_floor(path: Path, model: str, jobs: int) -> dict[str, int]:
    """The floor itself, in this process and `jobs` forked workers."""
    global _encoder
    from desktop_app.core.tokens.counts import encoding_for_model

    _encoder = encoding_for_model(model)  # the bundled file, offline, as validate loads it
    ranges = line_ranges(path, path.stat().st_size)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        parts = pool.starmap(count_range, [(str(path), r) for r in ranges], chunksize=1)
    totals = [sum(column) for column in zip(*parts, strict=False)] or [0, 0, 0, 0]
    return dict(zip(("lines", "examples", "texts", "tokens"), totals, strict=False))


def _timed(command: list[str]) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):  # validate: 1 means problems were found, which is fine
        raise SystemExit(f"{' '.join(command[:4])}… failed:\n{done.stderr}")
    return took, done.stdout


def measure(
    path: Path, model: str, jobs: int, repeat: int, no_voice: bool = False
) -> dict[str, Any]:
    validate_cmd = [sys.executable, "-m", "desktop_app.cli", "validate", str(path), "--json"]
    validate_cmd += ["--model", model, "--jobs", str(jobs), "--quiet"]
    validate_cmd += ["--no-voice"] if no_voice else []
    floor_cmd = [sys.executable, __file__, str(path), "--model", model, "--jobs", str(jobs)]
    floor_cmd.append("--floor-only")
    validate_s: list[float] = []
    floor_s: list[float] = []
    counts: dict[str, int] = {}
    validate_tokens = None
    for _ in range(repeat):  # alternate, so a busy moment hits both alike
        took, out = _timed(validate_cmd)
        validate_s.append(took)
        validate_tokens = json.loads(out)["tokens"]["total"]
        took, out = _timed(floor_cmd)
        floor_s.append(took)
        counts = json.loads(out)
    validate_med, floor_med = statistics.median(validate_s), statistics.median(floor_s)
    return {
        "file": path.name,
        "file_mib": path.stat().st_size / 1048576,
        "validate_s": validate_med,
        "floor_s": floor_med,
        "ratio": validate_med / floor_med,
        "validate_rounds_s": validate_s,
        "floor_rounds_s": floor_s,
        "floor_counts": counts,
        "validate_tokens_total": validate_tokens,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per file (default 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument(
        "--no-voice",
        action="store_true",
        help="time validate without the voice checks (what the floor compares with: the "
        "provider rules and token counts; the voice checks are work the floor does not do)",
    )
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        print(json.dumps(run_floor(args.files[0], args.model, args.jobs)))
        return 0
    cores = os.cpu_count() or 1
    what = "validate --no-voice" if args.no_voice else "validate"
    print(f"cores: {cores}, jobs: {args.jobs}, model: {args.model}, timing: {what}")
    for path in args.files:
        load_before = os.getloadavg()[0]
        result = measure(path, args.model, args.jobs, args.repeat, args.no_voice)
        load_after = os.getloadavg()[0]
        print(
            f"{result['file']} ({result['file_mib']:.1f} MiB): validate {result['validate_s']:.2f} s, "
            f"floor {result['floor_s']:.2f} s, ratio {result['ratio']:.2f}× "
            f"(target ≤ 1.15×; load average {load_before:.1f} → {load_after:.1f})"
        )
        print(f"  rounds: validate {_list(result['validate_rounds_s'])}")
        print(f"          floor    {_list(result['floor_rounds_s'])}")
        print(
            f"  floor counted {result['floor_counts']}; "
            f"validate's token total (with the per-message overhead) {result['validate_tokens_total']:,}"
        )
        if max(load_before, load_after) > 0.5 * cores:
            print("  (the machine was busy: these figures say little)")
    return 0


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f} s" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
