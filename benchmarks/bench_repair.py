"""Time `ftstudio repair` against `ftstudio validate` on the same files, for several kinds of file.

    python benchmarks/bench_repair.py [--lines N] [--repeat R]

For each kind it writes a seeded file of about N lines into benchmarks/data/ (git-ignored), then
runs both commands as subprocesses, alternately, and prints each one's wall time (median), the
ratio, and the peak memory of repair's process against the file's size. Targets: repair at most
2× validate's time, and its peak memory at most 2× the file (above the interpreter's own).

Kinds: `clean` (one example per line: the fast path), `pretty` (every example pretty-printed over
about ten lines), `broken` (one per line, with comments, trailing commas, Python syntax, missing
closing braces and misspelled roles on a tenth of the lines), `array` (one pretty-printed JSON
array wrapped in {"data": [...]}).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_validate import Run, measure  # noqa: E402  (the same process-tree measurement)

DATA = HERE / "data"
TARGET_TIME = 2.0
TARGET_MEMORY = 2.0
WORDS = [
    "the",
    "a",
    "reply",
    "user",
    "question",
    "answer",
    "model",
    "data",
    "line",
    "file",
    "repair",
    "example",
    "ok",
    "été",
    "naïve",
    "你好",
    "🙂",
]


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(int(rng.lognormvariate(3.0, 1.0)) + 1))


def _example(rng: random.Random) -> dict[str, object]:
    messages = [{"role": "system", "content": "You are a helpful assistant."}]
    for _ in range(rng.randint(1, 2)):
        messages += [
            {"role": "user", "content": _text(rng)},
            {"role": "assistant", "content": _text(rng)},
        ]
    return {"messages": messages}


def _break(line: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return line[:-2] + ",]}"  # a trailing comma
    if kind == 1:
        return line.replace('"', "'")  # Python quotes
    if kind == 2:
        return line[:-1]  # no closing brace
    if kind == 3:
        return line.replace('"assistant"', '"assistnat"')
    return "// a comment\n" + line


def write_clean(path: Path, lines: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        for _ in range(lines):
            out.write(json.dumps(_example(rng), ensure_ascii=False) + "\n")


def write_pretty(path: Path, lines: int, rng: random.Random) -> None:
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < lines:
            text = json.dumps(_example(rng), ensure_ascii=False, indent=2)
            out.write(text + "\n")
            written += text.count("\n") + 1


def write_broken(path: Path, lines: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        for _ in range(lines):
            line = json.dumps(_example(rng), ensure_ascii=False)
            out.write((_break(line, rng) if rng.random() < 0.1 else line) + "\n")


def write_array(path: Path, lines: int, rng: random.Random) -> None:
    examples, written = [], 0
    while written < lines:
        examples.append(_example(rng))
        written += 6 + 4 * (len(examples[-1]["messages"]))  # type: ignore[arg-type]
    text = json.dumps({"data": examples}, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


KINDS: dict[str, Callable[[Path, int, random.Random], None]] = {
    "clean": write_clean,
    "pretty": write_pretty,
    "broken": write_broken,
    "array": write_array,
}


def _repair_cmd(python: str, path: Path) -> list[str]:
    out = path.with_suffix(".out.jsonl")
    return [
        python,
        "-m",
        "desktop_app.cli.main",
        "repair",
        str(path),
        "--out",
        str(out),
        "--force",
        "--quiet",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark ftstudio repair against validate.")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=list(KINDS))
    args = parser.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    python = sys.executable
    empty = DATA / "repair_empty.jsonl"
    empty.write_bytes(b"")
    idle = measure(_repair_cmd(python, empty))  # the interpreter and the imports, no data
    print(
        f"{args.lines:,} lines per file; repairing an empty file takes {idle.peak_tree_bytes / 1e6:.0f} MB"
    )
    failed = False
    for kind in args.kinds:
        path = DATA / f"repair_{kind}_{args.lines}.jsonl"
        if not path.exists():
            KINDS[kind](path, args.lines, random.Random(13))
        lines = path.read_bytes().count(b"\n")
        size = path.stat().st_size
        validate: list[Run] = []
        repair: list[Run] = []
        for _ in range(args.repeat):
            validate.append(
                measure([python, "-m", "desktop_app.cli.main", "validate", str(path), "--json"])
            )
            repair.append(measure(_repair_cmd(python, path)))
        v = statistics.median(r.seconds for r in validate)
        r = statistics.median(r.seconds for r in repair)
        memory = max(run.peak_tree_bytes for run in repair) - idle.peak_tree_bytes
        ratio, mem_ratio = r / v, memory / size
        ok = ratio <= TARGET_TIME and mem_ratio <= TARGET_MEMORY
        failed |= not ok
        print(
            f"{kind:7s} {lines:>8,} lines {size / 1e6:6.1f} MB | validate {v:6.2f} s | "
            f"repair {r:6.2f} s ({ratio:4.2f}× validate, target ≤{TARGET_TIME}×) | "
            f"repair memory {memory / 1e6:6.1f} MB above idle ({mem_ratio:4.2f}× the file, "
            f"target ≤{TARGET_MEMORY}×) {'ok' if ok else 'MISSED'}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
