"""Outcomes: a report's outcomes stored by field, read like a tuple."""

from __future__ import annotations

import gc
import pickle

import attrs
import pytest

from krsms import Outcomes, Recipient, RecipientOutcome, SendProgress, SendReport, SendStatus

ACCEPTED, REJECTED = SendStatus.ACCEPTED, SendStatus.REJECTED

ALICE = Recipient(number="01011112222", reference="alice")
BOB = Recipient(number="01033334444")
CAROL = Recipient(number="01055556666", text="own text")

OUTCOMES = (
    RecipientOutcome(recipient=ALICE, status=SendStatus.ACCEPTED, request_id="r-1", index=2),
    RecipientOutcome(recipient=BOB, status=SendStatus.REJECTED, request_id="r-1", code="E1", detail="no", index=0),
    RecipientOutcome(recipient=CAROL, status=SendStatus.UNKNOWN, code="ServerError", index=1),
)


def test_outcomes_read_back_exactly_what_was_stored() -> None:
    outcomes = Outcomes.of(OUTCOMES)

    assert len(outcomes) == 3
    assert tuple(outcomes) == OUTCOMES
    assert [outcomes[position] for position in range(3)] == list(OUTCOMES)
    assert outcomes[-1] == OUTCOMES[-1]
    assert outcomes.statuses == (SendStatus.ACCEPTED, SendStatus.REJECTED, SendStatus.UNKNOWN)
    assert outcomes.request_ids == ("r-1", "r-1", None)
    assert outcomes.indexes == (2, 0, 1)
    with pytest.raises(IndexError):
        outcomes[3]


def test_outcomes_compare_with_tuples_lists_and_each_other() -> None:
    outcomes = Outcomes.of(OUTCOMES)

    assert outcomes == OUTCOMES
    assert outcomes == OUTCOMES
    assert outcomes == list(OUTCOMES)
    assert outcomes == Outcomes.of(list(OUTCOMES))
    assert hash(outcomes) == hash(Outcomes.of(OUTCOMES)) == hash(OUTCOMES)
    assert outcomes != OUTCOMES[:2]
    assert outcomes != Outcomes.of(OUTCOMES[:2])
    assert Outcomes() == ()
    assert (outcomes == "abc") is False


def test_uniform_gives_every_recipient_the_same_outcome() -> None:
    outcomes = Outcomes.uniform((ALICE, BOB), (7, 8), SendStatus.NOT_SENT, code="cancelled", detail="why")

    assert outcomes == (
        RecipientOutcome(recipient=ALICE, status=SendStatus.NOT_SENT, code="cancelled", detail="why", index=7),
        RecipientOutcome(recipient=BOB, status=SendStatus.NOT_SENT, code="cancelled", detail="why", index=8),
    )


def test_join_slice_select_and_sort_by_input_position() -> None:
    first, second = Outcomes.of(OUTCOMES[:1]), Outcomes.of(OUTCOMES[1:])

    assert Outcomes.join([first, list(second)]) == OUTCOMES
    assert Outcomes.join([]) == ()
    assert Outcomes.join([first]) is first
    outcomes = Outcomes.of(OUTCOMES)
    assert outcomes[1:] == OUTCOMES[1:]
    assert isinstance(outcomes[1:], Outcomes)
    assert outcomes.with_status(SendStatus.REJECTED) == (OUTCOMES[1],)
    assert [outcome.index for outcome in outcomes.in_input_order()] == [0, 1, 2]
    ordered = outcomes.in_input_order()
    assert ordered.in_input_order() is ordered


def test_fields_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match=r"lengths \[1, 2\]"):
        Outcomes(
            recipients=(ALICE, BOB),
            statuses=(SendStatus.ACCEPTED, SendStatus.ACCEPTED),
            request_ids=("r", "r"),
            codes=(None, None),
            details=(None,),
            indexes=(0, 1),
        )


def test_outcomes_pickle_and_repr_briefly() -> None:
    outcomes = Outcomes.of(OUTCOMES * 2)

    assert pickle.loads(pickle.dumps(outcomes)) == outcomes
    assert repr(outcomes).startswith("Outcomes([RecipientOutcome(")
    assert repr(outcomes).endswith(", ... 3 more])")


def test_a_report_takes_any_iterable_and_counts_without_building_outcomes() -> None:
    report = SendReport(outcomes=iter(OUTCOMES), requests=2)

    assert isinstance(report.outcomes, Outcomes)
    assert report.counts() == {
        SendStatus.ACCEPTED: 1,
        SendStatus.REJECTED: 1,
        SendStatus.UNKNOWN: 1,
        SendStatus.NOT_SENT: 0,
    }
    assert report.request_ids == ("r-1",)
    assert report.accepted == (OUTCOMES[0],)
    assert not report.all_accepted
    assert SendReport(outcomes=OUTCOMES[:1]).all_accepted
    assert report == SendReport(outcomes=OUTCOMES, requests=2)


def test_progress_adds_counts_and_reports_in_input_order() -> None:
    progress = SendProgress()
    progress.record(SendReport(outcomes=OUTCOMES[:1], requests=1))
    progress.record(SendReport(outcomes=OUTCOMES[1:], requests=1))

    assert progress.counts[SendStatus.ACCEPTED] == 1
    assert progress.counts[SendStatus.REJECTED] == 1
    assert progress.settled == 3
    assert [outcome.index for outcome in progress.report().outcomes] == [0, 1, 2]


def test_a_large_report_holds_no_object_per_recipient() -> None:
    recipients = tuple(Recipient(number=f"010{offset:08d}") for offset in range(10_000))
    gc.collect()
    before = len(gc.get_objects())

    outcomes = Outcomes.uniform(recipients, range(len(recipients)), SendStatus.ACCEPTED, request_id="r")

    assert len(gc.get_objects()) - before < 20
    assert len(outcomes) == 10_000


def test_counts_only_reports_with_different_counts_differ() -> None:
    # status_counts took no part in ==: two counts-only reports of different sends were equal.
    def counts_only(accepted: int, rejected: int) -> SendReport:
        progress = SendProgress(keep_outcomes=False)
        progress.record(SendReport(outcomes=Outcomes.uniform(["01011112222"] * accepted, range(accepted), ACCEPTED)))
        progress.record(SendReport(outcomes=Outcomes.uniform(["01033334444"] * rejected, range(rejected), REJECTED)))
        progress.finish()
        return attrs.evolve(progress.report(), elapsed=0.0)

    assert counts_only(3, 0) != counts_only(0, 3)
    assert counts_only(3, 1) == counts_only(3, 1)
    assert hash(counts_only(3, 1)) == hash(counts_only(3, 1))
    # Counts are compared as counts: a status with none is the same whether listed or not.
    listed = SendReport(outcomes=(), status_counts={ACCEPTED: 2, REJECTED: 0})
    assert listed == SendReport(outcomes=(), status_counts={ACCEPTED: 2})
    assert listed != SendReport(outcomes=())
