"""Prints the mutation score per module from mutmut's result files (mutants/**/*.py.meta).

Used by scripts/mutation.sh after `mutmut run`; the table goes into docs/architecture.md
("Tests that notice bugs"). Mutants a partial run (a pattern) did not reach are counted as not run.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's own exit-code meanings (mutmut/stats.py): 1 and 3 killed, 0 survived, 5 and 33 no test reached it.
_STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    36: "timeout",
    None: "not run",
}


def summarise(root: Path) -> list[tuple[str, Counter[str]]]:
    rows = []
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        counts = Counter(_STATUS.get(code, "other") for code in codes.values())
        rows.append((str(meta.relative_to(root))[: -len(".meta")], counts))
    return rows


def main() -> int:
    rows = summarise(Path("mutants"))
    if not rows:
        print("No mutmut results under mutants/: run `mutmut run` first.")
        return 1
    print(
        "| Module | Mutants | Killed | Survived | No test reaches it | Timeout | Not run | Score |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, c in rows:
        total = sum(c.values())
        run = total - c["not run"]  # the score is of the mutants that ran: killed (or timed out)
        score = f"{100 * (c['killed'] + c['timeout']) / run:.0f} %" if run else "–"
        cells = [total, c["killed"], c["survived"], c["no tests"], c["timeout"], c["not run"]]
        print(f"| `{name}` | " + " | ".join(str(x) for x in cells) + f" | {score} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
