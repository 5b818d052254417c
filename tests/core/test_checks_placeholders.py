"""Placeholders left in the text: found where a writer would leave them, never in code or links."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_checks_rules import A, S, U, chat

from desktop_app.core.analysis.analyzer import analyze_file
from desktop_app.core.checks import check_value, fixes, placeholders
from desktop_app.core.checks.base import TextGate
from desktop_app.core.dataset.templates import TEMPLATES
from desktop_app.core.problems import Severity


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Best regards,\n[Your Name]", ["[Your Name]"]),
        ("It happened on [insert date and time] when", ["[insert date and time]"]),
        (
            "Hi [Customer Name], thanks! [Agent] from [Company Name]",
            ["[Customer Name]", "[Agent]", "[Company Name]"],
        ),
        ("You answer for [your company]. Be kind.", ["[your company]"]),
        ("Call us at [Phone Number] or [phone number]", ["[Phone Number]"]),
        ("[YOUR NAME]", ["[YOUR NAME]"]),
        ("Rewrite: [write a sentence in your voice]", ["[write a sentence in your voice]"]),
    ],
)
def test_placeholders_a_writer_leaves_are_found(text: str, found: list[str]) -> None:
    assert placeholders.find(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "names = [name]",  # a list in code
        "total = [add(x) for x in rows]",
        "row[Date] = today",  # an index
        "Open [your account](https://example.com/account)",  # a Markdown link
        "See [1] and [citation needed]",
        "The [datum] field",  # not a field name people write
        "ask [Your name",  # never closed
        "[your " + "very " * 20 + "long aside]",  # longer than a placeholder
    ],
)
def test_brackets_that_are_not_placeholders_are_left_alone(text: str) -> None:
    assert placeholders.find(text) == []


def test_each_placeholder_is_one_warning_at_its_message_with_a_fix_to_replace_it() -> None:
    example = chat(
        S("You write for [your company]."), U("Hi"), A("Thanks, [Your Name] and [Your Name]")
    )
    found = [p for p in check_value(example) if p.code == placeholders.PLACEHOLDER_TEXT]
    assert [(p.message_index, p.field, p.severity) for p in found] == [
        (0, "content", Severity.WARNING),
        (2, "content", Severity.WARNING),
    ]
    assert "Message 3 still says “[Your Name]”" in found[1].message
    assert found[1].fix is not None and found[1].fix.args == ("[Your Name]",)
    assert found[1].fix.code == placeholders.FIX_REPLACE_PLACEHOLDER


def test_a_text_the_model_only_reads_is_not_said_to_be_learnt() -> None:
    example = chat(S("You write for [your company]."), U("Hi"), A("Hello", weight=0), A("Ok"))
    (found,) = [p for p in check_value(example) if p.code == placeholders.PLACEHOLDER_TEXT]
    assert found.message == (
        "Message 1 still says “[your company]”, a placeholder left in. "
        "Replace it with the words it stands for."
    )
    unlearnt = chat(U("Hi"), A("Bye, [Your Name]", weight=0), U("?"), A("Ok"))
    (found,) = [p for p in check_value(unlearnt) if p.code == placeholders.PLACEHOLDER_TEXT]
    assert "a placeholder left in" in found.message


def test_a_non_preferred_reply_may_hold_one() -> None:
    """The non-preferred reply is what the model learns to avoid: brackets and all."""
    pair = {
        "input": {"messages": [U("Hi")]},
        "preferred_output": [A("Thanks! Mia")],
        "non_preferred_output": [A("Thanks! [Agent Name]")],
    }
    assert placeholders.PLACEHOLDER_TEXT not in {p.code for p in check_value(pair)}


def test_placeholders_in_content_parts_and_preference_pairs_are_found() -> None:
    parts = chat(U([{"type": "text", "text": "Sign as [Your Name]"}]), A("ok"))
    pair = {
        "input": {"messages": [U("Hi")]},
        "preferred_output": [A("Thanks! [Agent Name]")],
        "non_preferred_output": [A("no")],
    }
    for example in (parts, pair):
        assert placeholders.PLACEHOLDER_TEXT in {p.code for p in check_value(example)}


def test_the_fix_replaces_the_placeholder_with_the_writers_words_in_its_message() -> None:
    example = chat(U("Hi"), A("Regards, [Your Name]"))
    (problem,) = [p for p in check_value(example) if p.code == placeholders.PLACEHOLDER_TEXT]
    assert fixes.needs_writing(problem.fix.code)  # type: ignore[union-attr]
    assert fixes.offered_fixes(problem, example) == [problem.fix]
    assert fixes.alike(problem.fix, problem, [(0, problem)]) == []  # type: ignore[arg-type]
    fixed = fixes.apply_problem_fix(problem, example, text="Mia")
    assert fixed["messages"][1]["content"] == "Regards, Mia"
    assert example["messages"][1]["content"] == "Regards, [Your Name]"  # a copy was changed
    with pytest.raises(fixes.FixNotApplicable):
        fixes.apply_problem_fix(problem, example, text="  ")
    with pytest.raises(fixes.FixNotApplicable):
        fixes.apply_problem_fix(problem, fixed, text="Mia")


@pytest.mark.parametrize("name", ["brand_voice", "support_replies"])
def test_every_fill_in_of_the_bundled_templates_is_flagged(name: str) -> None:
    (template,) = [t for t in TEMPLATES if t.name == name]
    for line in template.data().decode("utf-8").splitlines():
        value = json.loads(line)
        texts = [m["content"] for m in value["messages"] if isinstance(m.get("content"), str)]
        brackets = {w for t in texts for w in _bracketed(t)}
        flagged = {
            p.message.split("“")[1].split("”")[0]
            for p in check_value(value)
            if p.code == placeholders.PLACEHOLDER_TEXT
        }
        assert brackets and flagged == brackets


def _bracketed(text: str) -> list[str]:
    import re

    return re.findall(r"\[[^\[\]]+\]", text)


_PIECES = [*'[]( abcNYyoure\\"é\n_\u00a0', "your", "Name", "Date", "write", "[Your "]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.booleans())
def test_the_lines_first_look_never_hides_a_placeholder(text: str, ascii_only: bool) -> None:
    raw = json.dumps(chat(U(text), A("ok")), ensure_ascii=ascii_only).encode()
    if placeholders.find(text):
        assert TextGate.of_raw(raw).placeholders


def test_a_whole_file_reports_them_on_the_quick_path_too(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "data.jsonl"
    clean = json.dumps(chat(U("Hi"), A("Hello")))
    left = json.dumps(chat(U("Hi"), A("Hello from [Company Name]")))
    path.write_text("\n".join([clean] * 40 + [left] + [clean] * 9) + "\n", encoding="utf-8")
    analysis = analyze_file(str(path), "gpt-4.1-mini-2025-04-14", "openai", jobs=1)
    lines = [
        p.line
        for summary in analysis.summaries
        for p in summary.problems
        if p.code == placeholders.PLACEHOLDER_TEXT
    ]
    assert lines == [41]
