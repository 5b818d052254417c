"""Templates and the bundled sample are real, readable datasets."""

from __future__ import annotations

import pytest

from desktop_app.core.analysis.analyzer import Analyzer, dataset_problems
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.templates import TEMPLATES, find_template, sample_path


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_templates_parse(template) -> None:
    ds = Dataset.from_bytes(template.data())
    kinds = {ds[i].parse().kind for i in range(len(ds))}
    assert kinds <= {RecordKind.CHAT}
    assert (len(ds) == 0) == (template.name == "empty")
    assert find_template(template.name) is template


def test_sample_shows_the_deliberate_problems() -> None:
    ds = Dataset.open(sample_path())
    assert 18 <= len(ds) <= 25
    analyzer = Analyzer()
    summaries = [analyzer.record(ds[i].raw, i + 1) for i in range(len(ds))]
    codes = {p.code for s in summaries for p in s.problems}
    codes |= {p.code for p in dataset_problems(summaries, model=analyzer.model)}
    for expected in (
        "empty_reply",
        "unknown_role",
        "email_address",
        "no_assistant_message",
        "duplicate_example",
    ):
        assert expected in codes
