"""Reading one line: where the error is, and the parser's own words when no plain ones exist.

Each test failed against a mutant of desktop_app/core/dataset/jsonline.py that the older tests let
through (docs/architecture.md, "Tests that notice bugs"). The offset is where the raw editor puts the cursor.
"""

from __future__ import annotations

from desktop_app.core.dataset.jsonline import RecordKind, parse_line


def test_broken_json_points_at_the_character_where_reading_stopped() -> None:
    parsed = parse_line(b'{"messages": [1,, 2]}')
    assert parsed.kind is RecordKind.BROKEN
    assert parsed.error_offset == 16
    assert parsed.error.endswith("(at character 17).")


def test_nan_points_at_the_first_nan_and_names_it() -> None:
    parsed = parse_line(b'{"score": NaN, "other": NaN}')
    assert parsed.error == (
        "This line uses NaN, which is not allowed in JSON. Replace it with a number or text."
    )
    assert parsed.error_offset == 10


def test_json_that_is_not_an_object_points_at_the_start() -> None:
    parsed = parse_line(b'["user", "assistant"]')
    assert parsed.kind is RecordKind.BROKEN and parsed.error_offset == 0


def test_a_byte_that_is_not_utf8_is_pointed_at() -> None:
    parsed = parse_line(b'{"content": "caf\xe9"}')
    assert parsed.error_offset == 16
    assert "position 17" in parsed.error


def test_an_error_without_plain_words_keeps_the_parsers_own() -> None:
    parsed = parse_line(b'{"content": "\\u12"}')
    assert parsed.error == "This line is not valid JSON: Invalid \\uXXXX escape (at character 15)."
