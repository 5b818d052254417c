"""What the voice checks cost: `ftstudio validate` with them and without, on two kinds of file,
and the app's re-check of one edited example.

    python benchmarks/bench_voice.py [--repeat N] [--examples N]

Files: the generated benchmarks/data/chat_100k.jsonl (varied replies of long-tailed length, see
generate_dataset.py; created when missing) and benchmarks/data/support_100k.jsonl, written here
from a fixed seed: short templated support conversations that quote the user's order number,
with many near-copies, house sign-offs, a few prices and phone numbers (the kind of file these
checks find most in). Each round runs `validate --json --no-voice` and `validate --json` as
subprocesses, alternately, and prints the wall times and their ratio (target ≤ 1.25).

The re-check: the app checks an edited example on the spot (Analyzer.record in the checker
process) and recomputes the whole-file findings on a worker a moment later. Printed: the median
time of Analyzer.record for single lines of each file with the voice features and without
(target: within 16 ms in all), and the deferred whole-file voice pass over all summaries.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

CHAT = HERE / "data" / "chat_100k.jsonl"
SUPPORT = HERE / "data" / "support_100k.jsonl"
TARGET_RATIO = 1.25
TARGET_RECHECK_MS = 16.0

TOPICS = ["refund", "invoice", "password", "delivery", "warranty", "coupon", "battery", "login"]
OPENINGS = ["Thanks for reaching out", "Sorry for the trouble", "Happy to help", "Good question"]
SIGN_OFFS = ["\n\nBest,\nAna", "\n\nBest,\nAna", "\n\nBest,\nAna", "\n\nCheers,\nTom"]


def write_support(path: Path, examples: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for i in range(examples):
            topic = rng.choice(TOPICS)
            order = f"A-{rng.randint(10000, 99999)}"
            words = " ".join(
                rng.choice([*TOPICS, "today", "again", "still", "please"])
                for _ in range(rng.randint(3, 12))
            )
            reply = (
                f"{rng.choice(OPENINGS)}! I checked order {order} and the {topic} issue. "
                f"{words.capitalize()}. It should be sorted within {rng.randint(1, 5)} days."
            )
            if rng.random() < 0.05:
                reply += (
                    f" The fee is ${rng.randint(5, 99)}.99, call 555-{rng.randint(100, 999)}-4567."
                )
            reply += rng.choice(SIGN_OFFS)
            value = {
                "messages": [
                    {"role": "system", "content": "You are Acme's friendly support assistant."},
                    {
                        "role": "user",
                        "content": f"Hi, my {topic} for order {order} is wrong: {words}",
                    },
                    {"role": "assistant", "content": reply},
                ]
            }
            out.write(json.dumps(value, ensure_ascii=False) + "\n")
            del i


def validate(path: Path, *extra: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its worker processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "validate", str(path), "--json", *extra],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu


def recheck_ms(path: Path, lines: int = 300) -> dict[bool, list[float]]:
    """Milliseconds per edited line, without the voice features (False) and with them (True)."""
    from desktop_app.core.analysis import analyzer as analysis
    from desktop_app.core.analysis.analyzer import Analyzer

    raws = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle):
            if number % 97 == 0:
                raws.append(raw.rstrip(b"\n"))
            if len(raws) == lines:
                break
    analyzer = Analyzer()
    analyzer.record(raws[0], 1)  # load the encoding
    real = analysis.voice_features
    timings: dict[bool, list[float]] = {False: [], True: []}
    for voice in (False, True, False, True):
        analysis.voice_features = real if voice else (lambda c, r: None)  # type: ignore[assignment]
        for raw in raws:
            start = time.perf_counter()
            analyzer.record(raw, 1)
            timings[voice].append((time.perf_counter() - start) * 1000)
    analysis.voice_features = real
    return timings


def deferred_seconds(path: Path) -> tuple[float, float, float]:
    """The app's whole-file pass after an edit (on a worker, a moment later): seconds without
    the voice checks, with them, and the Style section's refresh (voice_overview)."""
    from desktop_app.core.analysis.analyzer import analyze_file, dataset_problems
    from desktop_app.core.checks.voice.report import voice_overview

    summaries = analyze_file(path, previews=False).summaries
    times = []
    for voice in (False, True):
        start = time.perf_counter()
        found = dataset_problems(summaries, voice=voice)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    voice_overview(summaries, found)
    return times[0], times[1], time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--no-validate", action="store_true", help="only the app's figures")
    parser.add_argument("--only", choices=["chat", "support"], help="one of the two files")
    args = parser.parse_args()
    if not CHAT.exists():
        subprocess.run([sys.executable, str(HERE / "generate_dataset.py")], check=True)
    if not SUPPORT.exists():
        write_support(SUPPORT, args.examples)
    for path in (CHAT, SUPPORT):
        if args.only and not path.name.startswith(args.only):
            continue
        size = path.stat().st_size / 1e6
        print(f"\n{path.name} ({size:,.0f} MB)")
        ratios = []
        for round_ in range(1, 0 if args.no_validate else args.repeat + 1):
            (without, cpu_without), (with_voice, cpu_with) = (
                validate(path, "--no-voice"),
                validate(path),
            )
            ratios.append(with_voice / without)
            print(
                f"  round {round_}: validate without voice {without:5.1f} s, with voice "
                f"{with_voice:5.1f} s, ratio {with_voice / without:.2f} (target ≤ {TARGET_RATIO});"
                f" CPU {cpu_without:5.1f} s and {cpu_with:5.1f} s, ratio {cpu_with / cpu_without:.2f}"
            )
        if ratios:
            print(f"  median ratio (wall) {statistics.median(ratios):.2f}")
        timings = recheck_ms(path)
        for voice in (False, True):
            ms = sorted(timings[voice])
            print(
                f"  re-check of one edited example, {'with' if voice else 'without'} voice "
                f"features: median {statistics.median(ms):.2f} ms, 99th percentile "
                f"{ms[int(len(ms) * 0.99)]:.2f} ms, slowest {ms[-1]:.1f} ms "
                f"(target {TARGET_RECHECK_MS:.0f} ms)"
            )
        plain, voiced, overview = deferred_seconds(path)
        print(
            f"  whole-file findings after an edit (deferred, on a worker): {plain:.2f} s without "
            f"the voice checks, {voiced:.2f} s with; Style section refresh {overview:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
