"""The export configs' YAML writer: what it writes, PyYAML reads back as the same values."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.exports import yaml_text
from desktop_app.core.exports.base_models import family_of, short_name

keys = st.text(alphabet="aefnlorstuy_-019", min_size=1, max_size=6)
plain = (
    st.none()
    | st.booleans()
    | st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=False, allow_infinity=False, width=64)
    | st.text(max_size=30)
)
values = st.recursive(
    plain,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(keys, inner, min_size=1, max_size=4)
    ),
    max_leaves=12,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # 2 shared cores
@given(st.dictionaries(keys, values, min_size=1, max_size=6))
def test_dump_round_trips_through_pyyaml(mapping: dict[str, object]) -> None:
    assert yaml.safe_load(yaml_text.dump(mapping)) == mapping


def test_small_floats_stay_numbers_and_comments_are_comments() -> None:
    text = yaml_text.dump(
        {"learning_rate": 1e-05, "lr": 0.0002}, {"learning_rate": "step size\nsecond line"}
    )
    assert "learning_rate: 1.0e-05" in text and "# step size\n# second line\n" in text
    assert yaml.safe_load(text) == {"learning_rate": 1e-05, "lr": 0.0002}


def test_model_families_pick_the_right_template_and_markers() -> None:
    assert family_of("Qwen/Qwen2.5-0.5B-Instruct").llama_factory_template == "qwen"
    assert family_of("Qwen/Qwen3-4B-Instruct-2507").llama_factory_template == "qwen3_nothink"
    assert family_of("meta-llama/Llama-3.2-1B-Instruct").assistant_marker.startswith(
        "<|start_header_id|>"
    )
    assert family_of("google/gemma-3-1b-it").assistant_marker == "<start_of_turn>model\n"
    assert family_of("my-org/secret-model") is None
    assert short_name("mlx-community/Qwen2.5-0.5B-Instruct-4bit") == "qwen2.5-0.5b-instruct-4bit"
