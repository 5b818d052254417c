"""Secret-scrubbing edges that mutation testing showed unguarded (docs/architecture.md, "Tests that
notice bugs"): the label kept before a hidden key, ordinary text not taken for a key, a broken log
format string and a stack trace scrubbed too, and the log-record factory installed for real
(the test suite's own process installs it once, so the mutants were never run without this)."""

from __future__ import annotations

import io
import logging

import pytest

from desktop_app.core.keys import scrub as scrubber
from desktop_app.core.keys.scrub import HIDDEN, looks_like_key, remember_key, scrub

pytestmark = pytest.mark.usefixtures("no_remembered_keys")  # tests/conftest.py


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("api_key=abcdef123456", f"api_key={HIDDEN}"),
        ("Authorization: Bearer abcdefghijklmnop", f"Authorization: {HIDDEN}"),
        ("x-api-key = 'whatever-it-is'", f"x-api-key = {HIDDEN}'"),
        ("sent with sk-proj-Abc123def456ghi789 today", f"sent with {HIDDEN} today"),
    ],
)
def test_the_label_before_a_hidden_key_is_kept(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


def test_ordinary_text_is_not_taken_for_a_key() -> None:
    assert looks_like_key("Open Settings, then Security.") is False
    assert looks_like_key("") is False
    assert looks_like_key("sk-proj-Abc123def456ghi789") is True


def test_a_log_line_with_a_broken_format_string_is_still_scrubbed() -> None:
    remember_key("my-very-own-secret")
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "sent my-very-own-secret as %d", ("not a number",), None
    )
    assert scrubber.ScrubFilter().filter(record)
    assert record.getMessage() == f"sent {HIDDEN} as %d"


def test_a_stack_trace_in_a_log_line_is_scrubbed() -> None:
    remember_key("my-very-own-secret")
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "hello", None, None, sinfo="Stack: key=my-very-own-secret"
    )
    assert scrubber.ScrubFilter().filter(record)
    assert record.stack_info == f"Stack: key={HIDDEN}"


def test_the_scrub_filter_is_added_to_a_handler_once() -> None:
    handler = logging.StreamHandler(io.StringIO())
    assert scrubber.scrubbed_handler(handler) is handler
    scrubber.scrubbed_handler(handler)
    assert [type(f) for f in handler.filters] == [scrubber.ScrubFilter]


@pytest.fixture
def fresh_factory(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """As in a new process: no scrubbing factory yet (restored afterwards)."""
    previous = logging.getLogRecordFactory()
    monkeypatch.setattr(scrubber, "_factory_installed", False)
    logging.setLogRecordFactory(logging.LogRecord)
    yield
    logging.setLogRecordFactory(previous)


def test_every_log_record_is_scrubbed_as_it_is_made(fresh_factory) -> None:
    remember_key("my-very-own-secret")
    scrubber.install_log_scrubbing()
    installed = logging.getLogRecordFactory()
    scrubber.install_log_scrubbing()  # a second call must not wrap the factory twice
    assert logging.getLogRecordFactory() is installed
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # a handler without the filter: the factory did it
    log = logging.getLogger("ftstudio.test.factory")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("sent %s", "my-very-own-secret")
        log.warning("plain my-very-own-secret")
        log.warning({"not": "a string"})
    finally:
        log.removeHandler(handler)
    assert stream.getvalue().splitlines() == [
        f"sent {HIDDEN}",
        f"plain {HIDDEN}",
        "{'not': 'a string'}",
    ]
    record = installed("n", logging.INFO, "p", 1, "m", None, None, func="f", sinfo="s")
    assert (record.name, record.funcName, record.stack_info) == ("n", "f", "s")


def test_a_key_of_six_characters_is_hidden_and_shorter_given_secrets_are_not() -> None:
    remember_key("Qx7~pz")  # the shortest key remembered
    assert scrub("key Qx7~pz.") == f"key {HIDDEN}."
    assert scrub("abc abcd", ["abc", "", "abcd"]) == f"abc {HIDDEN}"  # under 4: ordinary words


def test_a_key_inside_a_longer_key_does_not_leave_the_longer_ones_ends() -> None:
    remember_key("bbbbbbbb")
    remember_key("abbbbbbbbc")  # replacing the shorter first would leave "a[hidden]c"
    assert scrub("key abbbbbbbbc and bbbbbbbb") == f"key {HIDDEN} and {HIDDEN}"
