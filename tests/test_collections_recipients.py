"""Recipients' own reads, and the reprs of the collections, which stay short at any size."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krsms import Outcomes, Recipient, Recipients, SendProgress, SendReport, SendStatus
from krsms.gateway import as_recipient

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None)

numbers = st.sampled_from(("01011112222", "010-3333-4444", "+82 10 5555 6666"))
recipient_objects = st.builds(
    Recipient,
    number=numbers,
    text=st.none() | st.just("hi"),
    reference=st.none() | st.just("r"),
    template_parameters=st.none() | st.just({"name": "kim"}),
)
mixed = st.lists(numbers | recipient_objects, max_size=50)
windows = st.builds(
    slice,
    st.none() | st.integers(-60, 60),
    st.none() | st.integers(-60, 60),
    st.none() | st.sampled_from((-3, -1, 1, 2)),
)

A_MILLION = 1_000_000


@BOUNDED
@given(mixed, windows)
def test_compact_bare_and_numbers_read_what_was_given(given_as: list[str | Recipient], window: slice) -> None:
    recipients = Recipients(given_as)
    sliced = recipients[window]

    assert recipients.compact == tuple(given_as)
    assert recipients.bare is all(isinstance(each, str) for each in given_as)
    assert recipients.numbers == tuple(as_recipient(each).number for each in given_as)
    assert sliced.compact == tuple(given_as)[window]
    assert sliced.bare is all(isinstance(each, str) for each in tuple(given_as)[window])
    assert Recipients(recipients).compact == recipients.compact


@BOUNDED
@given(st.lists(numbers, max_size=50), windows)
def test_numbers_equal_recipients_of_only_those_numbers(given_as: list[str], window: slice) -> None:
    texts, of_numbers = Recipients(given_as), Recipients.of_numbers(given_as)
    objects = Recipients([Recipient(number=number) for number in given_as])

    for same in (of_numbers, objects, of_numbers[:], copy.deepcopy(texts), pickle.loads(pickle.dumps(of_numbers))):
        assert same == texts
        assert texts == same
        assert hash(same) == hash(texts)
    assert of_numbers.bare
    assert of_numbers[window].bare
    assert of_numbers[window] == objects[window]
    assert hash(of_numbers[window]) == hash(objects[window])
    assert {texts: "found"}[objects] == "found"


@BOUNDED
@given(mixed, mixed)
def test_recipients_equal_as_their_recipient_objects_do(
    given_as: list[str | Recipient], other: list[str | Recipient]
) -> None:
    same = list(map(as_recipient, given_as)) == list(map(as_recipient, other))

    assert (Recipients(given_as) == Recipients(other)) is same
    assert (Recipients(given_as) != Recipients(other)) is not same


def test_reprs_stay_short_for_a_million_entries() -> None:
    recipients = Recipients.of_numbers(("01012345678",) * A_MILLION)
    outcomes = Outcomes.uniform(recipients, range(A_MILLION), SendStatus.ACCEPTED, request_id="r")

    assert repr(recipients).endswith(", ... 999997 more])")
    assert repr(outcomes).endswith(", ... 999997 more])")
    assert repr(SendReport(outcomes=outcomes)) == (
        "SendReport(1000000 outcomes: accepted=1000000, requests=0, cancelled=False, error=None)"
    )
    assert max(len(repr(recipients)), len(repr(outcomes)), len(repr(SendReport(outcomes=outcomes)))) < 1_000


def test_a_counts_only_report_reads_as_a_summary() -> None:
    progress = SendProgress(keep_outcomes=False)
    progress.record(SendReport(outcomes=Outcomes.uniform(["01011112222"] * 3, range(3), SendStatus.REJECTED)))

    assert repr(progress.report()) == "SendReport(0 outcomes: rejected=3, requests=0, cancelled=False, error=None)"


def test_template_parameters_read_as_a_dict_that_cannot_change() -> None:
    parameters = Recipient(number="01011112222", template_parameters={"name": "kim"}).template_parameters
    assert isinstance(parameters, dict)

    for copied in (copy.copy(parameters), copy.deepcopy(parameters), pickle.loads(pickle.dumps(parameters))):
        assert copied == {"name": "kim"}
        with pytest.raises(TypeError, match="cannot be changed"):
            copied["name"] = "lee"
    with pytest.raises(TypeError, match="cannot be changed"):
        parameters |= {"name": "lee"}
    assert parameters | {"name": "lee"} == {"name": "lee"}
    assert parameters == {"name": "kim"}
