"""`ftstudio compare PROMPTS --model-a A --model-b B [--provider P] [--base-url URL] --out FILE.csv`.

Asks two models the same prompts (a JSONL dataset, a CSV file with a prompt column, or a text
file with one prompt per line) and writes their replies side by side, with the dataset's
reference reply, to a CSV file. The token and cost estimate is printed first. A failed prompt
does not stop the others; Ctrl+C stops the run and still writes what arrived. The exit status is
0 when every prompt got both replies and 1 when some failed.

`--provider` takes a provider (openai, azure, compatible, practice, …) or a local server preset
(ollama, lmstudio, llamacpp, vllm, mlx) whose usual address is used unless --base-url is given.
Model B can run elsewhere with --provider-b / --base-url-b / --account-b.
"""

from __future__ import annotations

import argparse
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from desktop_app.cli.output import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    check_can_write,
)
from desktop_app.cli.provider_options import note, say
from desktop_app.core.errors import UserFacingError
from desktop_app.core.processes import in_background
from desktop_app.core.providers.registry import provider_kinds
from desktop_app.core.trying.comparison import SIDES, Comparison, Result, RunSettings
from desktop_app.core.trying.comparison_run import (
    MAX_CONCURRENCY,
    RunReport,
    estimate_run,
    run_comparison,
)
from desktop_app.core.trying.endpoints import LOCAL, PRESETS, Endpoint, ProviderPool, preset
from desktop_app.core.trying.prompts import read_prompts

PRESET_KEYS = tuple(p.key for p in PRESETS)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="ask two models the same prompts and write their replies side by side (CSV)",
        description=(
            "Ask two models the same prompts and write the replies, next to the reference reply "
            "from your data, to a CSV file. PROMPTS is a .jsonl dataset (the prompt is the "
            "conversation before the last assistant reply), a .csv file with a “prompt” column, "
            "or a text file with one prompt per line."
        ),
    )
    parser.add_argument("prompts", metavar="PROMPTS", help="the prompts: .jsonl, .csv or .txt")
    parser.add_argument("--model-a", required=True, metavar="A", help="the first model")
    parser.add_argument("--model-b", required=True, metavar="B", help="the second model")
    _where(parser, "", "the models", default="openai")
    _where(parser, "-b", "model B", default=None)
    parser.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV file to write")
    parser.add_argument(
        "--save", metavar="FILE.json", help="also save the whole comparison (to rate it in the app)"
    )
    parser.add_argument("--force", action="store_true", help="replace existing output files")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="N",
        help=f"requests at the same time (1 to {MAX_CONCURRENCY}, default 4)",
    )
    parser.add_argument(
        "--max-tokens", type=int, default=1024, metavar="N", help="longest reply (default 1024)"
    )
    parser.add_argument(
        "--temperature", type=float, metavar="T", help="sampling temperature (default: the model's)"
    )
    parser.add_argument(
        "--estimate-only", action="store_true", help="print the estimate and stop (nothing is sent)"
    )
    parser.set_defaults(func=run)


def _where(parser: argparse.ArgumentParser, suffix: str, whom: str, *, default: str | None) -> None:
    choices = [*provider_kinds(), *PRESET_KEYS, LOCAL]
    if suffix:
        where = "where model B runs, when elsewhere than model A (the same choices as --provider)"
    else:
        where = (
            "where the models run (both, unless --provider-b is given): a provider, a local "
            f"server ({', '.join(PRESET_KEYS)}), or “local” with --base-url (default: openai)"
        )
    parser.add_argument(f"--provider{suffix}", choices=choices, default=default, help=where)
    parser.add_argument(
        f"--base-url{suffix}", metavar="URL", help=f"{whom}: the address, if not the usual one"
    )
    parser.add_argument(
        f"--account{suffix}", metavar="ACCOUNT", help=f"{whom}: which stored key to use"
    )


def endpoint_for(kind: str, model: str, base_url: str | None, account: str | None) -> Endpoint:
    """The endpoint the options describe (a preset name means a local server)."""
    found = preset(kind)
    if found is not None:
        return Endpoint(LOCAL, model, base_url or found.base_url, account, preset=found.key)
    if kind == LOCAL and not base_url:
        raise UserFacingError(
            "--provider local needs the server's address.",
            "Add --base-url, for example --base-url http://localhost:11434/v1 (or use a preset "
            "such as --provider ollama).",
        )
    return Endpoint(kind, model, base_url or "", account)


def run(args: argparse.Namespace) -> int:
    _check_numbers(args)
    out = Path(args.out)
    save = Path(args.save) if args.save else None
    source = Path(args.prompts)
    for target in (out, save):
        if target is not None:
            check_can_write(target, force=args.force, inputs=(source,))
    prompts = read_prompts(source)
    if prompts.skipped:
        note(prompts.skipped_summary())
    with ExitStack() as stack:
        a, b = _endpoints(args, stack)
        settings = RunSettings(
            max_tokens=args.max_tokens, temperature=args.temperature, concurrency=args.concurrency
        )
        comparison = Comparison.create(prompts.prompts, a, b, settings=settings, source=str(source))
        note(f"Comparing {len(comparison.rows)} prompts.")
        for line in estimate_run(comparison).lines():
            note(line)
        if args.estimate_only:
            return EXIT_OK
        providers = ProviderPool()
        stack.callback(providers.close)
        report = _run(comparison, providers)
    comparison.export_csv(out)
    if save is not None:
        comparison.save(save)
    return _finish(comparison, report, out, save)


def _check_numbers(args: argparse.Namespace) -> None:
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        raise UserFacingError(
            f"--concurrency must be between 1 and {MAX_CONCURRENCY}.",
            "Use 4 for most services, 1 for a small local server.",
        )
    if args.max_tokens < 1:
        raise UserFacingError(
            "--max-tokens must be at least 1.", "Use 1024, or the length of your longest reply."
        )


def _endpoints(args: argparse.Namespace, stack: ExitStack) -> tuple[Endpoint, Endpoint]:
    kind_a, base_a, account_a = args.provider, args.base_url, args.account
    if args.provider_b is None:  # both models at the same place
        kind_b, base_b, account_b = kind_a, args.base_url_b or base_a, args.account_b or account_a
    else:
        kind_b, base_b, account_b = args.provider_b, args.base_url_b, args.account_b
    if (kind_a == "practice" and not base_a) or (kind_b == "practice" and not base_b):
        from desktop_app.core.providers.practice import PracticeSession

        session = stack.enter_context(PracticeSession())
        note(f"Started a practice server at {session.base_url} (it stops when this command ends).")
        if kind_a == "practice" and not base_a:
            base_a = session.base_url
        if kind_b == "practice" and not base_b:
            base_b = session.base_url
    return (
        endpoint_for(kind_a, args.model_a, base_a, account_a),
        endpoint_for(kind_b, args.model_b, base_b, account_b),
    )


def _run(comparison: Comparison, providers: ProviderPool) -> RunReport:
    """Run on a helper thread so Ctrl+C reaches this one; then cancel and wait."""
    cancel = threading.Event()
    done: list[RunReport] = []
    failure: list[BaseException] = []
    total = len(comparison.rows)
    finished_rows: set[int] = set()
    lock = threading.Lock()

    def on_result(result: Result) -> None:
        comparison.apply(result)
        row = comparison.rows[result.row]
        with lock:
            if row.answered and result.row not in finished_rows:
                finished_rows.add(result.row)
                note(f"[{len(finished_rows)}/{total}] {_row_line(comparison, result.row)}")

    def work() -> None:
        try:
            done.append(
                run_comparison(comparison, providers.get, cancel=cancel, on_result=on_result)
            )
        except BaseException as exc:  # noqa: BLE001 - raised again on the main thread
            failure.append(exc)
        finally:
            ended.set()

    # An Event, not Thread.join: a join interrupted by Ctrl+C can report a running thread as
    # finished (Python 3.11), and the replies still arriving would be lost.
    ended = threading.Event()
    in_background(work, name="ftstudio-compare")
    try:
        while not ended.wait(0.2):
            pass
    except KeyboardInterrupt:
        cancel.set()
        note("Stopping… (the replies that arrived are kept)")
        ended.wait()
    if failure:
        raise failure[0]
    return done[0]


def _row_line(comparison: Comparison, index: int) -> str:
    row = comparison.rows[index]
    states = []
    for side in SIDES:
        reply = row.reply(side)
        states.append(f"{side.upper()} {'ok' if reply is not None and reply.ok else 'failed'}")
    question = " ".join(row.prompt.text.split())
    short = question if len(question) <= 50 else question[:49] + "…"
    return f"{short} — {', '.join(states)}"


def _finish(comparison: Comparison, report: RunReport, out: Path, save: Path | None) -> int:
    summary = comparison.summary()
    say(f"Wrote {len(comparison.rows)} prompts with both models' replies to {out}.")
    if save is not None:
        say(f"Saved the comparison to {save} (open it in Finetune Studio to rate the replies).")
    for side, failed in (("a", summary.failed_a), ("b", summary.failed_b)):
        if failed:
            endpoint = comparison.endpoint(side)
            first = next(r.reply(side) for r in comparison.rows if _failed(r.reply(side)))
            assert first is not None
            note(
                f"Model {side.upper()} ({endpoint.model}) failed on {failed} of "
                f"{len(comparison.rows)} prompts. {first.error} {first.next_step}".rstrip()
            )
    if report.cancelled:
        missing = len(comparison.pending(retry_failed=False))
        note(
            f"Stopped before the end: {missing} replies were not asked for (their cells are empty)."
        )
        return EXIT_INTERRUPTED
    return EXIT_PROBLEMS if summary.failed_a or summary.failed_b else EXIT_OK


def _failed(reply: object) -> bool:
    return reply is not None and not getattr(reply, "ok", True)
