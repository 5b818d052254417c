"""Personal data and secrets: found, counted, and never repeated in full."""

from __future__ import annotations

import pytest
from test_checks_rules import A, U, chat

from desktop_app.core.checks import check_value
from desktop_app.core.checks.sensitive import find_emails, find_numbers, find_secrets, luhn_ok


def found(text: str) -> dict[str, str]:
    return {p.code: p.message for p in check_value(chat(U(text), A()))}


@pytest.mark.parametrize(
    "number",
    [
        "4242424242424242",
        "4000056655665556",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
    ],
)
def test_luhn_accepts_test_card_numbers(number: str) -> None:
    assert luhn_ok(number)


def test_luhn_rejects_a_changed_digit() -> None:
    assert not luhn_ok("4242424242424241")


@pytest.mark.parametrize(
    "text",
    [
        "Card: 4242 4242 4242 4242",
        "Card: 4242-4242-4242-4242",
        "Card: 4242424242424242.",
        "Amex 3782 822463 10005",
    ],
)
def test_card_numbers(text: str) -> None:
    message = found(text)["card_number"]
    digits = "".join(c for c in text if c.isdigit())
    assert digits not in message.replace(" ", "").replace("-", "")
    assert f"ending {digits[-4:]}" in message


@pytest.mark.parametrize(
    "text",
    [
        "Call +44 20 7946 0958 today",
        "Phone: (555) 123-4567",
        "ring 555.123.4567",
        "+33 6 12 34 56 78",
    ],
)
def test_phone_numbers(text: str) -> None:
    message = found(text)["phone_number"]
    assert "•" in message


@pytest.mark.parametrize(
    "text",
    [
        "Invoice 2024-01-15 for order 1234567890123",
        "Version 1.2.3.4567 released",
        "ISBN 978-3-16-148410-0 is a book",
        "The total is 1,234,567.89 euros",
        "id 123456789012",
        "see https://example.com/track/555-123-4567-99",
        "coordinates 48.8566 2.3522",
    ],
)
def test_numbers_that_are_not_phones_or_cards(text: str) -> None:
    assert find_numbers(text) == ([], [])


def test_emails_are_masked_and_counted() -> None:
    text = "a@x.org, bob@example.com, carol@example.com and dan@example.co.uk"
    message = found(text)["email_address"]
    assert "4 e-mail addresses" in message and "and more" in message
    assert "bob@" not in message and "b•••@example.com" in message
    assert find_emails("no at sign here") == []


@pytest.mark.parametrize(
    ("secret", "label"),
    [
        ("sk-proj-" + "A1b2C3d4" * 4, "API key"),
        ("sk-ant-api03-" + "x" * 30, "API key"),
        ("AKIA" + "IOSFODNN7EXAMPLE", "AWS"),
        ("ghp_" + "a1B2" * 9, "GitHub"),
        ("xoxb-1234567890-abcdefghij", "Slack"),
        ("AIza" + "SyA-1234567890abcdefghijklmnopqrstu", "Google"),
        ("hf_" + "abcdEFGH" * 4, "Hugging Face"),
        ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "Stripe"),
    ],
)
def test_secrets_are_named_but_not_shown(secret: str, label: str) -> None:
    message = found(f"config: {secret} end")["secret_key"]
    assert label in message and secret not in message


@pytest.mark.parametrize(
    "text", ["ask-me-anything", "task-based learning", "the sk- prefix", "ASIAN food", "my_var = 1"]
)
def test_ordinary_words_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


def test_secrets_in_tool_results_are_found_too() -> None:
    value = chat(
        U(),
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c", "content": "key=AKIAIOSFODNN7EXAMPLE"},
        A(),
    )
    assert [p.message_index for p in check_value(value) if p.code == "secret_key"] == [2]
