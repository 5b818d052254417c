"""Dates that decide, tested on the day before and the day after each date by pretending it is
that day (desktop_app.core.models.today), with the real model data file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop_app.core.models import provider_dates as dates
from desktop_app.core.models.catalog import load_models
from desktop_app.core.models.today import pretend_today, today

NO_NEW_JOBS = date(2027, 1, 6)
OPENAI_SHUTDOWN = date(2027, 1, 14)
AZURE_4O = date(2027, 10, 1)
AZURE_41 = date(2027, 10, 14)
BEFORE = timedelta(days=-1)


def test_today_is_the_system_date_unless_a_test_pretends(monkeypatch) -> None:
    monkeypatch.delenv("FINETUNE_STUDIO_TODAY")  # the suite's pinned day
    assert today() == date.today()
    monkeypatch.setenv("FINETUNE_STUDIO_TODAY", "2027-01-06")
    assert today() == date(2027, 1, 6)
    monkeypatch.setenv("FINETUNE_STUDIO_TODAY", "not a date")
    assert today() == date.today()
    monkeypatch.delenv("FINETUNE_STUDIO_TODAY")
    with pretend_today(date(2027, 1, 7)):
        assert today() == date(2027, 1, 7)
        with pretend_today(date(2030, 1, 1)):
            assert today() == date(2030, 1, 1)
        assert today() == date(2027, 1, 7)
    assert today() == date.today()


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 12, 7), "OpenAI: no new jobs from 6 January 2027 — 30 days left."),
        (NO_NEW_JOBS + BEFORE, "OpenAI: no new jobs from 6 January 2027 — 1 day left."),
        (NO_NEW_JOBS, "OpenAI takes no new fine-tuning jobs since 6 January 2027."),
    ],
)
def test_the_countdown(day: date, text: str) -> None:
    assert dates.countdown("openai", day) == text
    with pretend_today(day):
        assert dates.countdown("openai") == text
    assert dates.countdown("together", day) == ""


def test_openai_takes_jobs_until_the_day_before_the_cut_off() -> None:
    assert dates.accepts_new_jobs("openai", NO_NEW_JOBS + BEFORE)
    assert dates.refusal("openai", NO_NEW_JOBS + BEFORE) is None
    assert not dates.accepts_new_jobs("openai", NO_NEW_JOBS)
    refused = dates.refusal("openai", NO_NEW_JOBS, command_line=True)
    assert refused is not None
    assert "6 January 2027" in refused.message and "Nothing was sent" in refused.message
    for name in ("Azure OpenAI", "Together AI", "Fireworks AI", "Nebius"):
        assert name in refused.next_step
    assert "--from-job" in refused.next_step
    assert dates.refusal("azure", NO_NEW_JOBS) is None


@pytest.mark.parametrize(
    ("day", "provider", "model"),
    [
        (NO_NEW_JOBS + BEFORE, "openai", "gpt-4.1-mini-2025-04-14"),
        (NO_NEW_JOBS, "azure", "gpt-4.1-mini-2025-04-14"),
        (OPENAI_SHUTDOWN + BEFORE, "azure", "gpt-4.1-mini-2025-04-14"),
        (OPENAI_SHUTDOWN, "azure", "gpt-4.1-mini-2025-04-14"),
        (AZURE_41 + BEFORE, "azure", "gpt-4.1-mini-2025-04-14"),
        (AZURE_41, "together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"),
    ],
)
def test_the_default_provider_is_one_that_still_trains(
    day: date, provider: str, model: str
) -> None:
    assert dates.default_provider(day) == provider
    assert dates.default_model(provider, day) == model


def _offered(kind: str, day: date) -> set[str]:
    return {m.id for m in dates.offered_models(kind, day)}


def test_openai_models_are_offered_until_the_cut_off_and_never_after() -> None:
    before = _offered("openai", NO_NEW_JOBS + BEFORE)
    assert {"gpt-4.1-mini-2025-04-14", "gpt-4o-2024-08-06"} <= before
    assert "gpt-4.1-nano-2025-04-14" not in before  # shut down on 2026-10-23
    assert _offered("openai", NO_NEW_JOBS) == set()
    assert _offered("openai", OPENAI_SHUTDOWN) == set()


def test_azure_models_retire_on_azures_own_dates() -> None:
    assert "gpt-4o-mini-2024-07-18" in _offered("azure", AZURE_4O + BEFORE)
    assert "gpt-4o-mini-2024-07-18" not in _offered("azure", AZURE_4O)
    assert "gpt-4o-2024-08-06" not in _offered("azure", AZURE_4O)
    assert "gpt-4.1-2025-04-14" in _offered("azure", AZURE_41 + BEFORE)
    after = _offered("azure", AZURE_41)
    assert not {"gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14"} & after
    assert "gpt-oss-20b" in after  # the open models have no retirement date


def test_no_catalogue_is_ever_empty_and_practice_keeps_its_pretend_models() -> None:
    for day in (date(2026, 12, 7), OPENAI_SHUTDOWN, AZURE_41, date(2030, 1, 1)):
        for kind in ("azure", "together", "fireworks", "nebius", "practice"):
            assert dates.offered_models(kind, day), (kind, day)
    assert "gpt-4.1-mini-2025-04-14" in _offered("practice", date(2030, 1, 1))


def test_families_are_listed_for_the_open_model_providers() -> None:
    catalog = load_models()
    for kind in ("together", "fireworks", "nebius"):
        families = {m.family for m in catalog.models_for(kind)}
        assert {"llama-3", "qwen", "gemma", "gpt-oss"} <= families, kind
    assert {"llama-3", "qwen", "mistral", "gpt-oss"} <= {
        m.family for m in catalog.models_for("azure")
    }


def test_azure_has_its_own_dates_for_the_same_model_ids() -> None:
    catalog = load_models()
    openai = catalog.find("gpt-4.1-mini-2025-04-14")
    azure = catalog.find("gpt-4.1-mini-2025-04-14", "azure")
    assert openai is not None and azure is not None
    assert (openai.provider, openai.shutdown_date) == ("openai", OPENAI_SHUTDOWN)
    assert (azure.provider, azure.shutdown_date) == ("azure", AZURE_41)
    assert catalog.find("ft:gpt-4o-mini-2024-07-18:org::x", "azure").shutdown_date == AZURE_4O


@pytest.mark.parametrize(
    ("day", "gone", "days_left"),
    [
        (OPENAI_SHUTDOWN + BEFORE, False, 1),
        (OPENAI_SHUTDOWN, True, 0),
    ],
)
def test_tuned_models_are_marked_before_and_after_their_base_stops(
    day: date, gone: bool, days_left: int
) -> None:
    notice = dates.retirement_notice("ft:gpt-4.1-mini-2025-04-14:acme::abc123", "openai", day)
    assert notice is not None
    assert notice.gone is gone and notice.days_left == days_left
    assert "14 January 2027" in notice.text and "Move this model" in notice.text
    azure = dates.retirement_notice("ft:gpt-4.1-mini-2025-04-14:acme::abc123", "azure", day)
    assert azure is None  # Azure's copy answers until October
    assert dates.retirement_notice("gpt-4.1-mini-2025-04-14", "azure", AZURE_41).gone
    assert (
        dates.retirement_notice("gpt-4.1-mini-2025-04-14", "azure", AZURE_41 + BEFORE).days_left
        == 1
    )
    assert dates.retirement_notice("ft:gpt-4.1-mini:x::y", "openai", date(2026, 6, 1)) is None
    assert dates.retirement_notice("ft:gpt-4.1-mini:x::y", "practice", day) is None


def test_azures_tuned_models_are_marked_before_their_base_retires() -> None:
    """Azure names a tuned model `BASE.ft-JOBID`; it had no notice at all."""
    tuned = "gpt-4.1-mini-2025-04-14.ft-0123abcd"
    notice = dates.retirement_notice(tuned, "azure", AZURE_41 + BEFORE)
    assert notice is not None and notice.days_left == 1 and "Move this model" in notice.text
    assert dates.retirement_notice(tuned, "azure", AZURE_41).gone
    assert dates.retirement_notice(tuned, "azure", OPENAI_SHUTDOWN) is None  # months ahead


def test_a_place_whose_models_all_stopped_says_so_and_what_to_do() -> None:
    assert dates.nothing_answers("openai", OPENAI_SHUTDOWN + BEFORE) == ""
    note = dates.nothing_answers("openai", OPENAI_SHUTDOWN)
    assert "stopped answering on 14 January 2027" in note and "another place" in note
    assert dates.nothing_answers("azure", OPENAI_SHUTDOWN) == ""
    assert dates.nothing_answers("no-such-provider", OPENAI_SHUTDOWN) == ""


def test_a_base_models_notice_speaks_of_the_model_itself() -> None:
    """The playground's note for gpt-4.1 itself said "when its base model GPT-4.1 shuts down"
    and asked to move it."""
    soon = dates.retirement_notice("gpt-4.1-2025-04-14", "openai", OPENAI_SHUTDOWN + BEFORE)
    assert soon is not None and soon.days_left == 1
    assert soon.text.startswith("GPT-4.1 shuts down on 14 January 2027 (1 day left)")
    assert "its base model" not in soon.text and "Move this model" not in soon.text
    gone = dates.retirement_notice("gpt-4.1-2025-04-14", "openai", OPENAI_SHUTDOWN)
    assert gone is not None and gone.text.startswith("GPT-4.1 was shut down on 14 January 2027")


def test_each_providers_rules_in_one_line() -> None:
    from desktop_app.core.models.where_to_train import rules_summary

    assert rules_summary("openai").startswith(
        "OpenAI's rules: at least 10 examples; files up to 512 MB"
    )
    fireworks = rules_summary("fireworks")
    assert "at least 3 examples" in fireworks and "preference pairs (DPO): not here" in fireworks
    assert "roles: system, user, assistant;" in fireworks and "3,000,000" in fireworks
    nebius = rules_summary("nebius")
    assert "every conversation ends with the assistant's reply" in nebius
    assert "turns alternate" in rules_summary("together")
    assert "byte-order mark" in rules_summary("azure")
    assert rules_summary("practice") == rules_summary("openai")


def test_the_guide_follows_the_date() -> None:
    from desktop_app.core.models.where_to_train import where_to_train

    before = where_to_train(NO_NEW_JOBS + BEFORE)
    kinds = [row.provider for row in before.rows]
    assert kinds == ["openai", "azure", "together", "fireworks", "nebius", "compatible", "practice"]
    assert before.rows[0].countdown == "OpenAI: no new jobs from 6 January 2027 — 1 day left."
    assert before.checked == date(2026, 12, 7) and "Together AI" in before.recommendation
    after = where_to_train(NO_NEW_JOBS)
    assert "openai" not in [row.provider for row in after.rows]
    assert {row.provider for row in after.rows if row.try_at_once} >= {
        "together",
        "nebius",
        "practice",
    }
    assert not next(r for r in after.rows if r.provider == "azure").try_at_once


def test_the_keys_dialog_lists_providers_that_still_train_first() -> None:
    from desktop_app.core.providers.connections import key_kinds

    with pretend_today(NO_NEW_JOBS + BEFORE):
        before = key_kinds()
    with pretend_today(NO_NEW_JOBS):
        after = key_kinds()
    assert before[0] == "openai"  # still OpenAI's registry place while it trains
    assert after[-1] == "openai" and sorted(after) == sorted(before)
    assert [k for k in after if k != "openai"] == [k for k in before if k != "openai"]
