"""Per-message checks that mutation testing showed unguarded (docs/architecture.md, "Tests that notice bugs").

Each test failed against a mutant of desktop_app/core/checks/messages.py that the older tests let
through: one bad message stopping the checks of the messages after it, or a finding that no
longer says which message and which field it is about.
"""

from __future__ import annotations

from test_checks_rules import A, U, chat

from desktop_app.core.checks import check_value

TYPO_ROLE = {"role": "assistnat", "content": "It arrives <|endoftext|> on Monday."}


def findings(*messages: object) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.code, p.message_index, p.field, p.message) for p in check_value(chat(*messages))]


def test_a_message_that_is_not_an_object_does_not_stop_the_checks() -> None:
    found = findings("Where is my parcel?", U(), A(5))
    assert found[0] == (
        "message_not_an_object",
        0,
        None,
        "Message 1 is text, not a message with a role and content.",
    )
    assert ("content_wrong_type", 2, "content") in [f[:3] for f in found]


def test_a_message_with_an_unknown_role_does_not_stop_the_checks() -> None:
    found = findings(U(), {"role": "assistnat", "content": "Hi"}, A(5))
    assert [f[:2] for f in found if f[0] != "unknown_role"] == [("content_wrong_type", 2)]


def test_special_tokens_in_a_message_with_an_unknown_role_name_the_message() -> None:
    found = [f for f in findings(U(), TYPO_ROLE) if f[0] == "special_token"]
    assert found == [
        (
            "special_token",
            1,
            "content",
            "Message 2 contains <|endoftext|>, a special token OpenAI does not allow in training text.",
        )
    ]


def test_special_tokens_point_at_the_part_of_the_content_they_are_in() -> None:
    parts = [{"type": "text", "text": "Hi"}, {"type": "text", "text": "<|im_start|>"}]
    found = [f for f in findings(U(parts), A()) if f[0] == "special_token"]
    assert [(f[1], f[2]) for f in found] == [(0, "content[1].text")]
    assert found[0][3].startswith("Message 1 contains")
