"""Whatever a line holds, the checks answer in words and never crash."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.checks import check_value
from desktop_app.core.checks.fixes import FixNotApplicable, apply_problem_fix

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
KEYS = [
    "role",
    "content",
    "name",
    "weight",
    "tool_calls",
    "tool_call_id",
    "function_call",
    "type",
    "text",
    "image_url",
    "url",
    "id",
    "function",
    "arguments",
    "detail",
]
ROLES = ["system", "user", "assistant", "tool", "function", "developer", "assistnat", "", "User"]


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    message: dict[str, Any] = {
        k: draw(json_values) for k in draw(st.lists(st.sampled_from(KEYS), max_size=5))
    }
    if draw(st.booleans()):
        message["role"] = draw(st.sampled_from(ROLES))
    if draw(st.booleans()):
        message["content"] = draw(st.text(max_size=20) | st.lists(json_values, max_size=3))
    return message


examples = st.one_of(
    st.builds(
        lambda m, t: {"messages": m, **t},
        st.lists(messages() | json_values, max_size=5),
        st.dictionaries(
            st.sampled_from(["tools", "functions", "parallel_tool_calls", "x"]), json_values
        ),
    ),
    st.builds(
        lambda i, p, n: {"input": i, "preferred_output": p, "non_preferred_output": n},
        st.one_of(
            json_values, st.builds(lambda m: {"messages": m}, st.lists(messages(), max_size=3))
        ),
        st.lists(messages(), max_size=2) | json_values,
        st.lists(messages(), max_size=2) | json_values,
    ),
    json_values,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(examples)
def test_checks_and_fixes_never_crash(value: Any) -> None:
    for problem in check_value(value, line=1):
        assert problem.message[:1].isupper() or problem.message.startswith("“")
        json.dumps(problem.to_json())
        if problem.fix is not None and problem.fix.code != "remove_example":
            with contextlib.suppress(FixNotApplicable):
                apply_problem_fix(problem, value)
