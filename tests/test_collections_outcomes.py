"""Outcomes' and SendReport's own reads agree with the same computed from a plain list."""

from __future__ import annotations

import asyncio
import copy
import pickle
from collections import Counter

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krsms import Outcomes, Recipient, RecipientOutcome, SendProgress, SendReport, SendStatus
from krsms import gateway as gateway_module

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None)
WITH_FIXTURE = settings(BOUNDED, suppress_health_check=[HealthCheck.function_scoped_fixture])
"""For tests given a fixture that every example shares (a setting no example changes)."""

outcome_values = st.builds(
    RecipientOutcome,
    recipient=st.builds(
        Recipient, number=st.sampled_from(("01011112222", "01033334444")), reference=st.none() | st.just("r")
    ),
    status=st.sampled_from(SendStatus),
    request_id=st.none() | st.sampled_from(("r-1", "r-2", "r-3")),
    code=st.none() | st.just("E1"),
    detail=st.none() | st.just("why"),
    index=st.integers(-2, 12),
)
outcome_lists = st.lists(outcome_values, max_size=50)
part_lists = st.lists(outcome_lists, max_size=6)


def by_index(outcomes: list[RecipientOutcome]) -> list[RecipientOutcome]:
    return sorted(outcomes, key=lambda outcome: outcome.index)


@BOUNDED
@given(outcome_lists)
def test_of_and_the_fields_read_back_the_list(outcomes: list[RecipientOutcome]) -> None:
    stored = Outcomes.of(outcomes)

    assert stored == outcomes
    assert Outcomes.of(stored) is stored
    assert Outcomes.of(iter(outcomes)) == outcomes
    assert stored.statuses == tuple(outcome.status for outcome in outcomes)
    assert stored.request_ids == tuple(outcome.request_id for outcome in outcomes)
    assert stored.indexes == tuple(outcome.index for outcome in outcomes)


@BOUNDED
@given(outcome_lists, st.sampled_from(SendStatus))
def test_with_status_and_in_input_order_as_a_list_filters_and_sorts(
    outcomes: list[RecipientOutcome], status: SendStatus
) -> None:
    stored = Outcomes.of(outcomes)

    assert stored.with_status(status) == [outcome for outcome in outcomes if outcome.status is status]
    assert stored.in_input_order() == by_index(outcomes)  # a stable sort: ties keep their order
    assert isinstance(stored.with_status(status), Outcomes)
    assert isinstance(stored.in_input_order(), Outcomes)


@BOUNDED
@given(st.lists(st.sampled_from(("01011112222", "010-3333-4444")), max_size=50), st.sampled_from(SendStatus))
def test_uniform_is_the_same_outcome_for_each_recipient(numbers: list[str], status: SendStatus) -> None:
    indexes = list(range(len(numbers)))[::-1]

    uniform = Outcomes.uniform(numbers, indexes, status, request_id="r", code="c", detail="d")

    assert uniform == [
        RecipientOutcome(
            recipient=Recipient(number=number), status=status, request_id="r", code="c", detail="d", index=index
        )
        for number, index in zip(numbers, indexes, strict=True)
    ]


@BOUNDED
@given(part_lists, st.data())
def test_join_is_the_parts_one_after_the_other(parts: list[list[RecipientOutcome]], data: st.DataObject) -> None:
    given_as = [data.draw(st.sampled_from((Outcomes.of, tuple, list, iter)))(part) for part in parts]

    assert Outcomes.join(given_as) == [outcome for part in parts for outcome in part]


@pytest.fixture
def small_join_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slice of 4 outcomes: small parts take the sliced path of join_in_input_order."""
    monkeypatch.setattr(gateway_module, "JOIN_SLICE", 4)


@WITH_FIXTURE
@given(part_lists, st.booleans())
def test_join_in_input_order_is_join_then_in_input_order(
    small_join_slice: None, parts: list[list[RecipientOutcome]], a_send_s: bool
) -> None:
    # A send's outcomes have indexes 0 to n - 1, each once; other parts may repeat or miss some.
    if a_send_s:
        count = sum(map(len, parts))
        order = iter(sorted(range(count), key=lambda index: (index * 7919) % (count or 1)))
        parts = [[attrs.evolve(outcome, index=next(order)) for outcome in part] for part in parts]
    stored = [Outcomes.of(part) for part in parts]

    joined = asyncio.run(Outcomes.join_in_input_order(stored))

    assert joined == by_index([outcome for part in parts for outcome in part])
    assert joined == Outcomes.join(stored).in_input_order()


@WITH_FIXTURE
@given(part_lists)
def test_join_in_input_order_takes_the_parts_join_takes(
    small_join_slice: None, parts: list[list[RecipientOutcome]]
) -> None:
    expected = by_index([outcome for part in parts for outcome in part])

    assert asyncio.run(Outcomes.join_in_input_order([tuple(part) for part in parts])) == expected
    assert asyncio.run(Outcomes.join_in_input_order(Outcomes.of(part) for part in parts)) == expected


@BOUNDED
@given(outcome_lists, st.sampled_from(SendStatus))
def test_a_report_reads_as_its_list_of_outcomes(outcomes: list[RecipientOutcome], status: SendStatus) -> None:
    report = SendReport(outcomes=outcomes, requests=1)
    counted = Counter(outcome.status for outcome in outcomes)

    assert report.counts() == {each: counted[each] for each in SendStatus}
    assert report.accepted == [outcome for outcome in outcomes if outcome.status is SendStatus.ACCEPTED]
    assert report.with_status(status) == [outcome for outcome in outcomes if outcome.status is status]
    assert report.all_accepted is all(outcome.status is SendStatus.ACCEPTED for outcome in outcomes)
    assert report.request_ids == tuple(
        dict.fromkeys(outcome.request_id for outcome in outcomes if outcome.request_id is not None)
    )
    assert report == SendReport(outcomes=tuple(outcomes), requests=1)
    assert hash(report) == hash(SendReport(outcomes=tuple(outcomes), requests=1))


@BOUNDED
@given(part_lists)
def test_a_counts_only_report_counts_as_the_report_with_outcomes(parts: list[list[RecipientOutcome]]) -> None:
    kept, counted = SendProgress(), SendProgress(keep_outcomes=False)
    for part in parts:
        kept.record(SendReport(outcomes=part, requests=1))
        counted.record(SendReport(outcomes=part, requests=1))
    with_outcomes, counts_only = kept.report(), counted.report()

    assert counts_only.counts() == with_outcomes.counts()
    assert counts_only.all_accepted is with_outcomes.all_accepted
    assert counts_only.outcomes == ()
    assert counts_only.accepted == ()
    assert counts_only.request_ids == ()
    same_counts = SendReport(outcomes=(), status_counts=dict(counted.counts), requests=counts_only.requests)
    assert same_counts == attrs.evolve(counts_only, elapsed=0.0)
    assert hash(same_counts) == hash(attrs.evolve(counts_only, elapsed=0.0))


@WITH_FIXTURE
@given(part_lists)
def test_a_progress_reports_in_slices_what_it_reports_at_once(
    small_join_slice: None, parts: list[list[RecipientOutcome]]
) -> None:
    progress = SendProgress()
    for part in parts:
        progress.record(SendReport(outcomes=part, requests=1))

    at_once, in_slices = progress.report(), asyncio.run(progress.report_in_slices())

    assert in_slices.outcomes == at_once.outcomes
    assert Counter(at_once.outcomes) == Counter(outcome for part in parts for outcome in part)
    assert list(at_once.outcomes.indexes) == sorted(at_once.outcomes.indexes)
    assert in_slices.counts() == at_once.counts()


status_count_maps = st.none() | st.dictionaries(st.sampled_from(SendStatus), st.integers(0, 3), max_size=4)


@BOUNDED
@given(outcome_lists, status_count_maps, status_count_maps)
def test_equal_reports_count_alike_and_all_accepted_agrees_with_counts(
    outcomes: list[RecipientOutcome],
    status_counts: dict[SendStatus, int] | None,
    other_counts: dict[SendStatus, int] | None,
) -> None:
    # An empty status_counts was no counts for counts() but counts for all_accepted and ==.
    report = SendReport(outcomes=outcomes, status_counts=status_counts)
    other = SendReport(outcomes=outcomes, status_counts=other_counts)
    counts = report.counts()

    assert report.all_accepted is (counts[SendStatus.ACCEPTED] == sum(counts.values()))
    if report == other:
        assert hash(report) == hash(other)
        assert other.counts() == counts
        assert other.all_accepted is report.all_accepted


def test_a_report_keeps_the_counts_it_was_made_with() -> None:
    # It held the caller's dict: counted on after, the frozen report changed and its hash with it.
    running = {SendStatus.ACCEPTED: 1}
    report = SendReport(outcomes=(), status_counts=running)
    reports = {report}

    running[SendStatus.ACCEPTED] += 5

    assert report.counts()[SendStatus.ACCEPTED] == 1
    assert report in reports
    assert report == SendReport(outcomes=(), status_counts={SendStatus.ACCEPTED: 1})
    assert report.status_counts == {SendStatus.ACCEPTED: 1}
    with pytest.raises(TypeError, match="status_counts cannot be changed"):
        report.status_counts[SendStatus.ACCEPTED] = 7  # type: ignore[index]
    for copied in (pickle.loads(pickle.dumps(report)), copy.deepcopy(report)):
        assert copied == report
        assert copied.status_counts == {SendStatus.ACCEPTED: 1}
        with pytest.raises(TypeError, match="status_counts cannot be changed"):
            copied.status_counts[SendStatus.ACCEPTED] = 7  # type: ignore[index]
