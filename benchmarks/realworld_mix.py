"""A benchmark file with another mix than generate_dataset.py: lines from the public real-world
files in tests/data/realworld (support chats, translations, preference pairs, pictures, a few
broken lines), repeated until the file has the lines asked for.

    python benchmarks/realworld_mix.py [--lines 10000] [--out benchmarks/data/realworld_mix.jsonl]

Each pass through the files marks every text with the pass number, so no text repeats (a
repeated text would be counted once by validate and flatter it); lines that do not parse are
copied as they are. The same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tests" / "data" / "realworld"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "realworld_mix.jsonl"


def _marked(value: Any, mark: str) -> Any:
    """The value with `mark` added to every text under a "content" or "text" key."""
    if isinstance(value, dict):
        return {
            k: v + mark if k in ("content", "text") and isinstance(v, str) else _marked(v, mark)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_marked(v, mark) for v in value]
    return value


def source_lines() -> list[bytes]:
    lines: list[bytes] = []
    for path in sorted(SOURCES.glob("*.jsonl")):
        lines += [line for line in path.read_bytes().splitlines() if line.strip()]
    return lines


def write_mix(out: Path, count: int) -> int:
    lines = source_lines()
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with out.open("wb") as handle:
        while written < count:
            mark = f" [{written // len(lines) + 1}]"
            for raw in lines[: count - written]:
                try:
                    value = json.loads(raw)
                except ValueError:
                    handle.write(raw + b"\n")  # broken lines stay broken
                else:
                    handle.write(json.dumps(_marked(value, mark), ensure_ascii=False).encode())
                    handle.write(b"\n")
                written += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    written = write_mix(args.out, args.lines)
    print(f"Wrote {written:,} lines to {args.out} ({args.out.stat().st_size / 1048576:.1f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
