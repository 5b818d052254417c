"""Personal data and secrets in text: e-mail addresses, phone numbers, card numbers, API keys.

Findings are warnings: the data may be intended (a support address), but it is sent to the
provider and may be learned by the model. The messages never repeat what they found in full.
"""

from __future__ import annotations

import re

from desktop_app.core.checks.base import Findings, list_words, nth, rule
from desktop_app.core.problems import Severity

F = "personal data"
EMAIL_ADDRESS = rule(
    "email_address",
    Severity.WARNING,
    "The text contains an e-mail address.",
    "Training data is sent to the provider and the model may repeat it. Replace real addresses "
    "with made-up ones unless they are meant to be there (a public support address, say).",
    family=F,
)
PHONE_NUMBER = rule(
    "phone_number",
    Severity.WARNING,
    "The text contains what looks like a phone number.",
    "Replace real people's numbers with made-up ones; the model may repeat what it learns.",
    family=F,
)
CARD_NUMBER = rule(
    "card_number",
    Severity.WARNING,
    "The text contains what looks like a payment card number (it passes the card checksum).",
    "Never train on real card numbers. Replace it with a test number such as 4242 4242 4242 4242.",
    family=F,
)
SECRET_KEY = rule(
    "secret_key",
    Severity.WARNING,
    "The text contains what looks like an API key, access key or private key.",
    "Revoke the key with its provider (it has left your computer once uploaded), and replace it "
    "with a placeholder such as sk-...",
    family=F,
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NUMBER = re.compile(r"[+(]?[0-9][0-9 ().-]{7,24}[0-9]")
_MAYBE_NUMBER = re.compile(r"[0-9][0-9 ().-]{7}")  # cheap first look: 8 digits/separators in a row
_PHONE_SHAPE = re.compile(
    r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{1,4}[ .-])(?:\d{2,4}[ .-]){0,3}\d{2,4}"
)
# Each secret pattern with the plain substring every match contains (a fast first look).
_SECRETS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "sk-",
        "an API key (sk-…)",
        re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ),
    ("_live_", "a Stripe secret key", re.compile(r"(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}")),
    ("AKIA", "an AWS access key (AKIA…)", re.compile(r"(?<![A-Z0-9])AKIA[A-Z0-9]{16}(?![A-Z0-9])")),
    ("ASIA", "an AWS access key (ASIA…)", re.compile(r"(?<![A-Z0-9])ASIA[A-Z0-9]{16}(?![A-Z0-9])")),
    (
        "gh",
        "a GitHub token",
        re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
    ),
    ("xox", "a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("AIza", "a Google API key", re.compile(r"AIza[0-9A-Za-z_-]{35}")),
    ("hf_", "a Hugging Face token", re.compile(r"(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}")),
    ("-----BEGIN", "a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def mask_digits(digits: str, keep: int) -> str:
    return "•" * (len(digits) - keep) + digits[-keep:]


def find_emails(text: str) -> list[str]:
    if "@" not in text:
        return []
    return [mask_email(m) for m in _EMAIL.findall(text)]


def find_numbers(text: str) -> tuple[list[str], list[str]]:
    """(masked card numbers, masked phone numbers) in a text."""
    cards: list[str] = []
    phones: list[str] = []
    if _MAYBE_NUMBER.search(text) is None:
        return cards, phones
    for match in _NUMBER.finditer(text):
        candidate = match.group()
        digits = "".join(c for c in candidate if c.isdigit())
        if _is_card(candidate, digits):
            cards.append("card ending " + digits[-4:])
        elif _is_phone(candidate, digits, text, match.start(), match.end()):
            phones.append(mask_digits(digits, 2))
    return cards, phones


def _is_card(candidate: str, digits: str) -> bool:
    if not 13 <= len(digits) <= 19 or digits[0] not in "3456" or not luhn_ok(digits):
        return False
    groups = re.split(r"[ -]", candidate.strip())
    return len(groups) == 1 or all(g.isdigit() and 4 <= len(g) <= 6 for g in groups)


def _is_phone(candidate: str, digits: str, text: str, start: int, end: int) -> bool:
    if not 9 <= len(digits) <= 15 or not _PHONE_SHAPE.fullmatch(candidate):
        return False
    if not candidate.startswith("+") and not any(c in candidate for c in " ().-"):
        return False  # a bare run of digits is more often an id than a phone number
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "./" or after.isalnum() or after == "/")


def find_secrets(text: str) -> list[str]:
    found: list[str] = []
    for hint, label, pattern in _SECRETS:
        if hint in text and pattern.search(text) and label not in found:
            found.append(label)
    return found


def check_text(text: str, index: int | None, field: str, out: Findings, label: str = "") -> None:
    gate = out.gate
    where = label or (nth(index) if index is not None else "The text")
    if gate.email:
        emails = find_emails(text)
        _report(
            out, EMAIL_ADDRESS, emails, where, "an e-mail address", "e-mail addresses", index, field
        )
    if gate.numbers:
        cards, phones = find_numbers(text)
        _report(out, CARD_NUMBER, cards, where, "a card number", "card numbers", index, field)
        _report(out, PHONE_NUMBER, phones, where, "a phone number", "phone numbers", index, field)
    secrets = find_secrets(text) if gate.secrets else []
    if secrets:
        out.add(
            SECRET_KEY,
            f"{where} contains what looks like {list_words(secrets)}. Remove it, and revoke the key "
            "if it is real.",
            message_index=index,
            field=field,
        )


def _report(
    out: Findings,
    code: str,
    found: list[str],
    where: str,
    one: str,
    many: str,
    index: int | None,
    field: str,
) -> None:
    if not found:
        return
    unique = list(dict.fromkeys(found))
    shown = list_words(unique[:3]) + (" and more" if len(unique) > 3 else "")
    what = one if len(unique) == 1 else f"{len(unique)} {many}"
    out.add(code, f"{where} contains {what} ({shown}).", message_index=index, field=field)
