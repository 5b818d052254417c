"""core.keys.scrub: the one secret scrubber (active keys exactly, anything key-shaped) and its log filter."""

from __future__ import annotations

import hashlib
import logging
import sys
import uuid

import pytest

from desktop_app.core.keys import scrub as scrubber
from desktop_app.core.keys.scrub import HIDDEN, looks_like_key, remember_key, scrub, scrub_value

pytestmark = pytest.mark.usefixtures("no_remembered_keys")  # tests/conftest.py


@pytest.mark.parametrize(
    "text",
    [
        "sk-proj-Abc123def456ghi789",
        "Authorization: Bearer abcdefghijklmnop",
        "api-key: 0123456789abcdef0123456789abcdef",
        "OPENAI_API_KEY='sk-live-zzzzzzzzzzzz'",
        "x-api-key=whatever-it-is",
        "fw_3ZabcdefghijklmnopQRS",
        "0123456789abcdef0123456789ABCDEF",
    ],
)
def test_key_shapes_are_hidden(text: str) -> None:
    assert HIDDEN in scrub(f"before {text} after") and looks_like_key(text)


def test_an_active_key_of_any_shape_is_hidden_exactly() -> None:
    odd = "Zq9~not-shaped-like-a-key"
    assert scrub(f"the key {odd}.") == f"the key {odd}."
    remember_key(odd)
    assert scrub(f"the key {odd}.") == f"the key {HIDDEN}."
    remember_key("abc")  # too short to hide without hiding ordinary words
    assert scrub("abc abc") == "abc abc"


def test_ordinary_text_hashes_and_tokens_stay() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    token = str(uuid.uuid4())
    text = f"line 3 of data.jsonl; provenance/{digest}.jsonl; client token {token}; task-force"
    assert scrub(text) == text


def test_json_values_are_scrubbed_everywhere() -> None:
    value = {
        "problem_a": "refused sk-proj-Abc123def456ghi789",
        "n": 3,
        "rows": ["Bearer abcdefghijk"],
    }
    assert scrub_value(value) == {"problem_a": f"refused {HIDDEN}", "n": 3, "rows": [HIDDEN]}


def test_the_log_filter_scrubs_arguments_and_tracebacks() -> None:
    remember_key("my-very-own-secret")
    try:
        raise ValueError("failed with my-very-own-secret")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "sent %s", ("my-very-own-secret",), None
        )
        record.exc_info = sys.exc_info()
    assert scrubber.ScrubFilter().filter(record)
    assert record.getMessage() == f"sent {HIDDEN}"
    assert "my-very-own-secret" not in (record.exc_text or "") and "ValueError" in record.exc_text
