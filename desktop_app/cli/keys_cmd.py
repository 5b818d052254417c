"""`ftstudio keys {set,remove,status} --provider P`: the API keys in the system's password store.

`set` reads the key without showing it (or from standard input when that is not a terminal, so
`ftstudio keys set --provider openai < key.txt` works); the key is never printed, only masked.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from desktop_app.cli.output import EXIT_OK, EXIT_PROBLEMS, print_error
from desktop_app.cli.provider_options import opened_provider, say
from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys import secrets
from desktop_app.core.providers.registry import default_account, provider_info, provider_kinds

KEY_KINDS = [k for k in provider_kinds() if provider_info(k).needs_key]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "keys",
        help="save, remove or check API keys (kept in the system's password store)",
        description="Manage the API keys Finetune Studio uses, kept in the system's password store.",
    )
    parser.add_argument("action", choices=("set", "remove", "status"))
    parser.add_argument("--provider", choices=KEY_KINDS, help="which provider's key (status: all)")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="for azure and compatible: the service, to name the account",
    )
    parser.add_argument(
        "--account", help="a name for this key when you keep several (default: “default”)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="status: also test the key with a small request to the provider",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.action != "status" and not args.provider:
        raise UserFacingError(
            f"“keys {args.action}” needs --provider.",
            f"For example: ftstudio keys {args.action} --provider openai",
        )
    if args.action == "set":
        return _set(args)
    if args.action == "remove":
        return _remove(args)
    return _status(args)


def _account(args: argparse.Namespace, kind: str) -> str:
    return str(args.account or default_account(kind, args.base_url))


def _set(args: argparse.Namespace) -> int:
    kind = args.provider
    account = _account(args, kind)
    key = _read_key(provider_info(kind).label)
    if not key:
        print_error(
            "No key was entered, so nothing was saved.", "Run the command again and paste the key."
        )
        return EXIT_PROBLEMS
    try:
        secrets.set_key(kind, key, account)
    except secrets.KeyringUnavailableError as exc:
        variable = secrets.ENVIRONMENT_KEYS.get(kind)
        step = (
            f"Set the {variable} environment variable in this terminal instead."
            if variable
            else exc.next_step
        )
        print_error(exc.message, step)
        return EXIT_PROBLEMS
    say(f"Saved the key {secrets.mask(key)} for {provider_info(kind).label} (account “{account}”).")
    say(secrets.backend_description())
    return EXIT_OK


def _read_key(label: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Paste your {label} API key (it will not be shown): ").strip()
    return sys.stdin.readline().strip()


def _remove(args: argparse.Namespace) -> int:
    kind = args.provider
    account = _account(args, kind)
    if secrets.delete_key(kind, account):
        say(f"Removed the saved key for {provider_info(kind).label} (account “{account}”).")
    else:
        say(f"There was no saved key for {provider_info(kind).label} (account “{account}”).")
    status = secrets.key_status(kind, account)
    if status.source is secrets.KeySource.ENVIRONMENT:
        say(status.where)
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    kinds = [args.provider] if args.provider else KEY_KINDS
    code = EXIT_OK
    for kind in kinds:
        account = _account(args, kind)
        status = secrets.key_status(kind, account)
        label = provider_info(kind).label
        key = f"key {status.masked}" if status.has_key else "no key"
        say(f"{label} (account “{account}”): {key}. {status.where}")
        if args.check and status.has_key:
            code = max(code, _check(kind, args.base_url, account))
    if not secrets.keyring_available():
        say(secrets.backend_description())
    return code


def _check(kind: str, base_url: str | None, account: str) -> int:
    try:
        with opened_provider(kind, base_url, account) as provider:
            say("  " + provider.check_connection())
    except UserFacingError as exc:
        print_error("  " + exc.message, "  " + exc.next_step)
        return EXIT_PROBLEMS
    return EXIT_OK
