"""`ftstudio practice-server [--port N] [--pace X]`: run the practice server until Ctrl+C.

The server speaks OpenAI's fine-tuning API on this computer only (127.0.0.1), simulating jobs,
so the app or any OpenAI client can rehearse a whole training run without a key or a cost.
"""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.output import EXIT_OK
from desktop_app.cli.provider_options import note, say
from desktop_app.core.errors import UserFacingError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "practice-server",
        help="run a local practice server that simulates fine-tuning jobs (no key, no cost)",
        description=(
            "Run a server on this computer that speaks OpenAI's fine-tuning API and simulates "
            "jobs. Point the app or `ftstudio train --provider practice --base-url URL` at it."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: any free one)"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=1.0,
        help="how much faster than usual jobs run (default 1: about half a minute)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop_app.core.practice_server import PracticeServer

    if args.pace <= 0:
        raise UserFacingError(
            "--pace must be more than 0.", "Use 1 for the usual pace, 10 to go ten times faster."
        )
    try:
        server = PracticeServer(port=args.port, pace=args.pace).start()
    except OSError as exc:
        raise UserFacingError(
            f"The practice server could not listen on port {args.port} ({exc.strerror or 'in use'}).",
            "Pick another port with --port, or leave it out to use any free one.",
        ) from None
    try:  # from here on, Ctrl+C stops the server (its thread would keep the command alive)
        say(
            f"Practice server running at {server.base_url} (pace {args.pace:g}×). Nothing leaves this computer."
        )
        say(
            f"Try it: ftstudio train FILE --provider practice --base-url {server.base_url} --model gpt-4o-mini --follow"
        )
        note("Press Ctrl+C to stop.")
        server.serve_until_interrupted()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    note("Practice server stopped.")
    return EXIT_OK
