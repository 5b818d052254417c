"""Time `ftstudio validate --json` against the Cookbook-style baseline on the same file, in one run.

    python benchmarks/bench_validate.py [FILE] [--model M] [--repeat N]

Without FILE it generates benchmarks/data/chat_100k.jsonl first (seeded, about 200 MB). Each tool
runs as its own subprocess, alternately, `--repeat` times. For each run it measures the wall time
and the peak memory of the whole process tree (the sum of the resident sizes of the process and
all its children, sampled every 20 ms from /proc), and reports the figures, the speed ratio and
peak memory against the file's size. It also checks that both counted the same tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_FILE = HERE / "data" / "chat_100k.jsonl"
TARGET_SPEEDUP = 2.5
TARGET_MEMORY = 1.5


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the process and its children
    peak_tree_bytes: int  # sampled sum over the process tree
    peak_single_bytes: int  # ru_maxrss of the largest process (getrusage RUSAGE_CHILDREN)
    stdout: bytes


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        for task in tasks:
            text = (task / "children").read_text()
            found += [int(c) for c in text.split()]
    except OSError:
        pass
    return found


def _tree_rss(pid: int) -> int:
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
        stack += _children(current)
    return total


def measure(command: list[str]) -> Run:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"{command[1]} failed with exit status {process.returncode}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    single = usage.ru_maxrss * 1024
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return Run(seconds, cpu, peak, single if single > before * 1024 else 0, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark ftstudio validate against the Cookbook way."
    )
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--model", default="gpt-4.1-mini-2025-04-14")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.file.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate_dataset.py"), "--out", str(args.file)], check=True
        )
    size = args.file.stat().st_size
    python = sys.executable
    ours_cmd = [
        python,
        "-m",
        "desktop_app.cli.main",
        "validate",
        str(args.file),
        "--model",
        args.model,
        "--json",
    ]
    base_cmd = [
        python,
        str(HERE / "cookbook_baseline.py"),
        str(args.file),
        "--encoding",
        "o200k_base",
    ]
    print(f"file: {args.file} ({size / 1e6:.1f} MB), model {args.model}, {os.cpu_count()} cores")
    ours: list[Run] = []
    base: list[Run] = []
    for round_ in range(args.repeat):
        base.append(measure(base_cmd))
        ours.append(measure(ours_cmd))
        print(
            f"  round {round_ + 1}: cookbook {base[-1].seconds:6.1f} s ({base[-1].cpu_seconds:.1f} s CPU)  "
            f"ftstudio validate {ours[-1].seconds:6.1f} s ({ours[-1].cpu_seconds:.1f} s CPU)",
            flush=True,
        )
    ours_tokens = json.loads(ours[-1].stdout)["tokens"]["total"]
    base_tokens = json.loads(base[-1].stdout.decode().strip().splitlines()[-1])["tokens_total"]
    report(base, ours, size)
    same = ours_tokens == base_tokens
    print(f"tokens counted:         ftstudio {ours_tokens:,}, cookbook {base_tokens:,}", end="")
    print(" (the same)" if same else " (DIFFERENT)")
    return 0 if same else 1


def report(base: list[Run], ours: list[Run], size: int) -> None:
    """Print the figures. Each round runs both tools back to back, under about the same
    conditions, so the speed-up is taken within rounds (the median of the rounds' ratios)."""
    ratios = [b.seconds / o.seconds for b, o in zip(base, ours, strict=True)]
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(b.cpu_seconds for b in base) / statistics.median(
        o.cpu_seconds for o in ours
    )
    ours_peak = max(r.peak_tree_bytes for r in ours)
    print()
    for name, runs in (("cookbook baseline:", base), ("ftstudio validate:", ours)):
        seconds = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        peak = max(r.peak_tree_bytes for r in runs)
        print(
            f"{name:23s} {seconds:7.2f} s wall, {cpu:6.2f} s CPU (medians), "
            f"peak memory {peak / 1e6:5.0f} MB = {peak / size:.2f}x the file"
        )
    print(f"speed-up per round:     {', '.join(f'{r:.2f}x' for r in ratios)}")
    verdict = "met" if ratio >= TARGET_SPEEDUP else "NOT met"
    print(f"speed-up (median):      {ratio:7.2f}x   target >= {TARGET_SPEEDUP}x: {verdict}")
    print(f"CPU time ratio:         {cpu_ratio:7.2f}x   (the baseline runs on one core)")
    verdict = "met" if ours_peak <= TARGET_MEMORY * size else "NOT met"
    print(
        f"memory vs file size:    {ours_peak / size:7.2f}x   target <= {TARGET_MEMORY}x: {verdict}"
    )
    print(
        f"load average now:       {os.getloadavg()[0]:7.2f}    (other busy programs skew the times)"
    )


if __name__ == "__main__":
    sys.exit(main())
