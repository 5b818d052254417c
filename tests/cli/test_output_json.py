"""--json output: one valid UTF-8 JSON document, scrubbed, whatever the file held."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import output


def _printed(monkeypatch: pytest.MonkeyPatch, value: Any) -> str:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace")
    monkeypatch.setattr("sys.stdout", stream)
    output.print_json(value)
    stream.flush()
    return raw.getvalue().decode("utf-8")


def test_ordinary_values_are_written_by_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Any] = []
    real = output.orjson.dumps
    monkeypatch.setattr(output.orjson, "dumps", lambda v, **k: written.append(v) or real(v, **k))
    value = {"text": "Grüße, 日本語", "key": "api_key=sk-abcdefghijklmnop", "n": [1, 2.5, None]}
    text = _printed(monkeypatch, value)
    assert written and text.endswith("}\n")
    assert json.loads(text) == {
        "text": "Grüße, 日本語",
        "key": "api_key=[hidden]",
        "n": [1, 2.5, None],
    }
    assert "Grüße" in text  # UTF-8, not \u-escaped
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("odd", ["lone \ud800 surrogate", 2**70])
def test_what_orjson_refuses_goes_through_the_standard_library(
    monkeypatch: pytest.MonkeyPatch, odd: object
) -> None:
    text = _printed(monkeypatch, {"value": odd, "key": "Bearer abcdefghijklmnop"})
    parsed = json.loads(text)
    assert parsed["key"] == "[hidden]"
    assert parsed["value"] == odd


def test_validate_json_of_a_broken_file_is_one_document(
    ftstudio_process: Any, tmp_path: Path
) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        '{"messages": [{"role": "user", "content": "\\ud800 hi"}, {"role": "assistant", "content": "ok"}]}\n'
        '{"messages": [{"role": "user", "content": "Grüße"}, {"role": "assistant", "content": "ja"}]}\n'
        "{broken\n",
        encoding="utf-8",
    )
    ran = ftstudio_process("validate", path, "--json")
    report = json.loads(ran.out)
    assert report["lines"] == 3 and report["errors"] >= 1
