"""The one-click fixes: each makes its problem go away, never touches the original, keeps the rest."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from test_checks_rules import CASES, A, Case, S, U, chat, pair, problems_of

from desktop_app.core.checks import check_value
from desktop_app.core.checks.fixes import (
    FIX_CODES,
    FixNotApplicable,
    alike,
    apply_fix,
    apply_problem_fix,
    fix_each,
    needs_writing,
    new_errors,
    offered_fixes,
    removes_example,
)
from desktop_app.core.dataset.jsonline import parse_line

FIXABLE = [c for c in CASES if c.fix is not None and c.fix != "remove_example"]
WRITTEN = "Of course: it ships on Monday."  # what the writer types for "Write the reply"


def _value(item: Any) -> Any:
    return parse_line(item).value if isinstance(item, bytes) else item


@pytest.mark.parametrize("case", FIXABLE, ids=lambda c: c.code)
def test_fix_removes_its_problem_and_leaves_the_original(case: Case) -> None:
    value = _value(case.bad)
    before = copy.deepcopy(value)
    problem = next(p for p in problems_of(case.bad) if p.code == case.code)
    assert problem.fix is not None
    text = WRITTEN if needs_writing(problem.fix.code) else None
    fixed = apply_problem_fix(problem, value, text=text)
    assert value == before  # pure: the original is untouched
    assert fixed is not None and fixed is not value
    codes = [p.code for p in check_value(fixed)]
    assert case.code not in codes
    assert "duplicate_keys" not in codes


def test_every_fix_code_offered_is_known() -> None:
    offered = {c.fix for c in CASES if c.fix is not None}
    assert offered <= FIX_CODES
    # and every fix is exercised by a case; the word list's fix (it needs a word list, which
    # no single-line case has) by tests/core/test_voice_wordlist.py
    assert FIX_CODES - offered == {"replace_phrase"}


def test_remove_example_removes_the_line() -> None:
    assert removes_example("remove_example") and not removes_example("trim_whitespace")
    assert apply_fix("remove_example", chat(S(), U())) is None


def test_change_role_uses_the_closest_role() -> None:
    value = chat(
        U(), {"role": "assistnat", "content": "Monday."}, {"role": "developer", "content": "x"}
    )
    assert apply_fix("change_role", value, 1)["messages"][1]["role"] == "assistant"
    assert apply_fix("change_role", value, 2)["messages"][2]["role"] == "system"
    with pytest.raises(FixNotApplicable):
        apply_fix("change_role", chat(U(), {"role": "zzzzqq", "content": "x"}), 1)


def test_trim_whitespace_keeps_inner_spacing() -> None:
    value = chat(U(), A("  Line one.\n\nLine two.  \n"))
    assert (
        apply_fix("trim_whitespace", value, 1)["messages"][1]["content"] == "Line one.\n\nLine two."
    )


def test_fixes_keep_unknown_keys_and_their_order() -> None:
    value = {"note": "mine", "messages": [U(), A("Hi ", id="m2")], "zz": 1}
    fixed = apply_fix("trim_whitespace", value, 1)
    assert list(fixed) == ["note", "messages", "zz"]
    assert fixed["messages"][1] == {"role": "assistant", "content": "Hi", "id": "m2"}


def test_convert_prompt_completion_keeps_other_keys() -> None:
    fixed = apply_fix(
        "convert_prompt_completion", {"prompt": "Q?", "completion": "A.", "source": "wiki"}
    )
    assert fixed == {
        "messages": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "A."}],
        "source": "wiki",
    }


def test_fix_for_a_preference_output() -> None:
    value = pair(preferred_output=[A("Yes.  ")])
    problem = next(p for p in check_value(value) if p.code == "reply_whitespace")
    assert apply_problem_fix(problem, value)["preferred_output"][0]["content"] == "Yes."


def test_remove_special_tokens_in_parts() -> None:
    value = chat(U([{"type": "text", "text": "Hi<|im_end|>"}]), A())
    assert apply_fix("remove_special_tokens", value, 0)["messages"][0]["content"][0]["text"] == "Hi"


def test_set_weight_and_remove_weight() -> None:
    value = chat(U(weight=1), A(weight=0))
    assert apply_fix("set_weight_1", value, 1)["messages"][1]["weight"] == 1
    assert "weight" not in apply_fix("remove_weight", value, 0)["messages"][0]


def test_content_to_text_writes_json_scalars() -> None:
    assert apply_fix("content_to_text", chat(U(), A(True)), 1)["messages"][1]["content"] == "true"
    assert apply_fix("content_to_text", chat(U(), A(2.5)), 1)["messages"][1]["content"] == "2.5"


def test_keep_last_duplicate_serialises_without_the_repeat() -> None:
    raw = b'{"messages": [{"role": "user", "content": "a", "content": "b"}, {"role": "assistant", "content": "c"}]}'
    fixed = apply_fix("keep_last_duplicate", parse_line(raw).value)
    assert json.dumps(fixed).count('"content"') == 2
    assert fixed["messages"][0]["content"] == "b"


@pytest.mark.parametrize(
    ("code", "value", "index", "field"),
    [
        ("remove_message", chat(U()), 5, None),
        ("trim_whitespace", chat(U(), A(None)), 1, None),
        ("remove_key", chat(U()), None, "nothere"),
        ("join_text_parts", chat(U(), A([{"type": "image_url"}])), 1, None),
        ("clean_name", chat(U(name="€€€"), A()), 0, None),
        ("rename_preference_keys", pair(), None, None),
        ("convert_prompt_completion", chat(U()), None, None),
        ("content_to_text", chat(U(), A("already text")), 1, None),
        ("set_weight_1", {"messages": "oops"}, 0, None),
        ("trim_whitespace", ["not", "an", "object"], 0, None),
    ],
)
def test_a_fix_that_no_longer_fits_says_so(
    code: str, value: Any, index: int | None, field: str | None
) -> None:
    with pytest.raises(FixNotApplicable):
        apply_fix(code, value, index, field)


def test_unknown_fix_code() -> None:
    with pytest.raises(ValueError, match="unknown fix"):
        apply_fix("make_it_better", chat(U(), A()), 0)


@pytest.mark.parametrize("case", [c for c in CASES if c.fix is not None], ids=lambda c: c.code)
def test_no_offered_fix_trades_one_error_for_another(case: Case) -> None:
    """Every fix offered, applied and checked again: no error the example did not have."""
    value = _value(case.bad)
    problem = next(p for p in problems_of(case.bad) if p.code == case.code)
    offered = offered_fixes(problem, value)
    assert offered and offered[0] == problem.fix
    for fix in offered:
        text = WRITTEN if needs_writing(fix.code) else None
        fixed = apply_problem_fix(problem, value, fix, text)
        if fixed is not None:
            assert not new_errors(value, fixed), (fix.code, check_value(fixed))


def test_an_empty_reply_is_written_first_and_removing_the_example_comes_second() -> None:
    value = chat(U(), A(""))
    problem = next(p for p in check_value(value) if p.code == "empty_reply")
    codes = [f.code for f in offered_fixes(problem, value)]
    # removing the only reply would leave "no assistant reply": that fix is not offered
    assert codes == ["write_reply", "remove_example"]
    fixed = apply_problem_fix(problem, value, text="Sure.")
    assert fixed["messages"][1] == {"role": "assistant", "content": "Sure."}


def test_an_empty_second_reply_may_be_removed() -> None:
    value = chat(U(), A("Hello."), U("And?"), A(" "))
    problem = next(p for p in check_value(value) if p.code == "empty_reply")
    codes = [f.code for f in offered_fixes(problem, value)]
    assert codes == ["write_reply", "remove_message", "remove_example"]


def test_a_missing_reply_is_added_at_the_end() -> None:
    value = chat(S(), U("Where is my parcel?"))
    problem = next(p for p in check_value(value) if p.code == "no_assistant_message")
    fixed = apply_problem_fix(problem, value, text="It left our depot today.")
    assert fixed["messages"][-1] == {"role": "assistant", "content": "It left our depot today."}
    assert not [p for p in check_value(fixed) if p.severity == "error"]


def test_writing_nothing_is_not_a_fix() -> None:
    value = chat(U(), A(""))
    problem = next(p for p in check_value(value) if p.code == "empty_reply")
    with pytest.raises(FixNotApplicable):
        apply_problem_fix(problem, value, text="   ")


def _found(values: list[Any]) -> list[tuple[int | None, Any]]:
    return [(i, p) for i, v in enumerate(values) for p in check_value(v)]


def test_the_same_fix_mends_every_problem_like_it_in_one_pass() -> None:
    """Fix All … Like This: two messages of one example and one of another, each mended, the
    examples without the problem left alone."""
    values = [
        chat(U("Hello?"), A("First. "), U("And?"), {"role": "x", "content": "y"}, A(" Second.")),
        chat(U(), A()),
        chat(U(), A("Third.  ")),
    ]
    found = _found(values)
    problem = next(p for _, p in found if p.code == "reply_whitespace")
    assert problem.fix is not None
    pairs = alike(problem.fix, problem, found)
    assert sorted(r for r, _ in pairs) == [0, 0, 2]
    changes, left = fix_each(pairs, values.__getitem__)
    assert left == 0 and sorted(changes) == [0, 2]
    assert changes[0]["messages"][1]["content"] == "First."
    assert changes[0]["messages"][4]["content"] == "Second."
    assert changes[0]["messages"][3] == {"role": "x", "content": "y"}  # the rest as it was
    assert changes[2]["messages"][1]["content"] == "Third."
    assert values[0]["messages"][1]["content"] == "First. "  # the originals untouched


def test_removing_messages_in_one_example_goes_from_the_last_to_the_first() -> None:
    """Removing message 0 first would have moved message 2 to 1, and the second removal would
    have taken the wrong message (or found nothing)."""
    value = chat("not a message", U(), 7, A())
    found = _found([value])
    first = next(p for _, p in found if p.code == "message_not_an_object")
    assert first.fix is not None
    pairs = alike(first.fix, first, found)
    assert len(pairs) == 2
    changes, left = fix_each(pairs, [value].__getitem__)
    assert left == 0 and changes[0] == chat(U(), A())


def test_a_fix_that_no_longer_applies_is_counted_not_forced() -> None:
    values = [chat(U(), A("One. ")), chat(U(), A("Two. "))]
    found = _found(values)
    problem = next(p for _, p in found if p.code == "reply_whitespace")
    assert problem.fix is not None
    pairs = alike(problem.fix, problem, found)
    now = [values[0], chat(U(), A())]  # the second example was edited meanwhile
    changes, left = fix_each(pairs, now.__getitem__)
    assert left == 1 and list(changes) == [0]


def test_removing_every_blank_line_removes_only_them() -> None:
    from desktop_app.core.checks import check_line

    lines = [json.dumps(chat(U(), A())).encode(), b"", b"   ", json.dumps(chat(U(), A())).encode()]
    found = [(i, p) for i, raw in enumerate(lines) for p in check_line(raw, parse_line(raw), i + 1)]
    blank = next(p for _, p in found if p.code == "blank_line")
    assert blank.fix is not None
    pairs = alike(blank.fix, blank, found)
    changes, _ = fix_each(pairs, lambda i: parse_line(lines[i]).value)
    assert sorted(changes) == [1, 2] and set(changes.values()) == {None}


def test_a_fix_the_writer_must_write_is_never_done_for_all() -> None:
    values = [chat(U(), A("")), chat(U(), A(""))]
    found = _found(values)
    problem = next(p for _, p in found if p.fix is not None and needs_writing(p.fix.code))
    assert problem.fix is not None
    assert alike(problem.fix, problem, found) == []
