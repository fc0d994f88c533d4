"""Recipients and Outcomes behave as the tuples they claim to be.

Differential property tests: every read of a ``Recipients`` or an ``Outcomes`` is checked
against the same read of a plain tuple of the same objects (the ``Recipient`` or
``RecipientOutcome`` each entry reads as).
"""

from __future__ import annotations

import copy
import operator
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from krsms import Outcomes, Recipient, RecipientOutcome, Recipients, SendStatus

BOUNDED = settings(max_examples=200, deadline=None, derandomize=True, database=None)

NUMBERS = ("01011112222", "010-1111-2222", "01033334444", "0212345678")

bare_numbers = st.sampled_from(NUMBERS)
recipient_objects = st.builds(
    Recipient,
    number=bare_numbers,
    text=st.none() | st.sampled_from(("hi", "안녕")),
    reference=st.none() | st.sampled_from(("a", "b")),
    template_parameters=st.none() | st.just({"name": "kim"}),
)
stored_recipients = st.lists(bare_numbers | recipient_objects, max_size=50)
"""Recipients as given: a bare number's text or a Recipient, mixed."""


def as_recipient(stored: str | Recipient) -> Recipient:
    return stored if isinstance(stored, Recipient) else Recipient(number=stored)


@st.composite
def stored_outcomes(draw: st.DrawFn) -> tuple[Outcomes, tuple[RecipientOutcome, ...]]:
    """An Outcomes stored by columns (bare numbers among its recipients) and the tuple of
    the outcomes it holds."""
    recipients = draw(stored_recipients)
    count = len(recipients)

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(values, min_size=count, max_size=count))

    columns = {
        "recipients": recipients,
        "statuses": column(st.sampled_from(SendStatus)),
        "request_ids": column(st.none() | st.sampled_from(("r-1", "r-2"))),
        "codes": column(st.none() | st.sampled_from(("E1", "cancelled"))),
        "details": column(st.none() | st.just("why")),
        "indexes": column(st.integers(0, 5)),
    }
    expected = tuple(
        RecipientOutcome(
            recipient=as_recipient(recipient),
            status=status,
            request_id=request_id,
            code=code,
            detail=detail,
            index=index,
        )
        for recipient, status, request_id, code, detail, index in zip(*columns.values(), strict=True)
    )
    return Outcomes(**columns), expected


@st.composite
def recipients_and_tuple(draw: st.DrawFn) -> tuple[Recipients, tuple[Recipient, ...]]:
    """A Recipients, made of numbers alone by ``of_numbers`` or of mixed ones by its
    constructor, and the tuple of Recipient objects it reads as."""
    if draw(st.booleans()):
        numbers = draw(st.lists(bare_numbers, max_size=50))
        return Recipients.of_numbers(numbers), tuple(map(as_recipient, numbers))
    stored = draw(stored_recipients)
    return Recipients(stored), tuple(map(as_recipient, stored))


collections = recipients_and_tuple() | stored_outcomes()
"""A Recipients or an Outcomes, with the plain tuple of what it holds."""

positions = st.none() | st.integers(-60, 60)
steps = st.none() | st.integers(-4, 4)


def outcome_of(read: Callable[..., object], *arguments: object) -> tuple[str, object]:
    """What ``read(*arguments)`` gives: its value, or the type of what it raised."""
    try:
        return "value", read(*arguments)
    except (IndexError, ValueError, TypeError) as error:
        return "raised", type(error)


@BOUNDED
@given(collections)
def test_every_index_reads_as_the_tuple_reads_it(pair: tuple[Sequence[Any], tuple[Any, ...]]) -> None:
    collection, expected = pair

    for position in range(-len(expected) - 3, len(expected) + 3):
        assert outcome_of(operator.getitem, collection, position) == outcome_of(operator.getitem, expected, position)


@BOUNDED
@given(collections, positions, positions, steps)
def test_every_slice_reads_as_the_tuple_slices(
    pair: tuple[Sequence[Any], tuple[Any, ...]], start: int | None, stop: int | None, step: int | None
) -> None:
    collection, expected = pair
    window = slice(start, stop, step)

    got = outcome_of(operator.getitem, collection, window)
    wanted = outcome_of(operator.getitem, expected, window)
    if wanted[0] == "raised":
        assert got == wanted
        return
    sliced = got[1]
    assert type(sliced) is type(collection)
    assert tuple(sliced) == wanted[1]
    assert sliced == wanted[1]
    assert hash(sliced) == hash(wanted[1])


@BOUNDED
@given(collections, st.data())
def test_len_iter_reversed_in_index_count_and_bool_as_the_tuple(
    pair: tuple[Sequence[Any], tuple[Any, ...]], data: st.DataObject
) -> None:
    collection, expected = pair
    candidates = [*expected, "01011112222", Recipient(number="01099999999"), None]
    probe = data.draw(st.sampled_from(candidates))
    start, stop = data.draw(positions), data.draw(positions)

    assert len(collection) == len(expected)
    assert bool(collection) is bool(expected)
    assert tuple(collection) == expected
    assert tuple(reversed(collection)) == tuple(reversed(expected))
    assert (probe in collection) is (probe in expected)
    assert collection.count(probe) == expected.count(probe)
    assert outcome_of(collection.index, probe) == outcome_of(expected.index, probe)
    bounds = (start or 0, len(expected) if stop is None else stop)
    assert outcome_of(collection.index, probe, *bounds) == outcome_of(expected.index, probe, *bounds)


@BOUNDED
@given(collections, collections)
def test_equality_and_hash_as_the_tuples(
    pair: tuple[Sequence[Any], tuple[Any, ...]], other_pair: tuple[Sequence[Any], tuple[Any, ...]]
) -> None:
    collection, expected = pair
    other, other_expected = other_pair

    assert collection == expected
    assert expected == collection
    assert not collection != expected  # noqa: SIM202 (!= is what is tested)
    assert hash(collection) == hash(expected)
    assert collection == list(expected)
    assert (collection == other_expected) is (expected == other_expected)
    assert (collection != other_expected) is (expected != other_expected)
    if type(other) is type(collection):
        assert (collection == other) is (expected == other_expected)
        assert (collection != other) is (expected != other_expected)
        if collection == other:
            assert hash(collection) == hash(other)
    else:
        assert collection != other


@BOUNDED
@given(recipients_and_tuple())
def test_recipients_equal_a_tuple_only_as_the_tuple_of_their_recipients_would(
    pair: tuple[Recipients, tuple[Recipient, ...]],
) -> None:
    # Equal to a tuple means the same hash, or a set or dict finds one and not the other.
    recipients, expected = pair
    compact = recipients.compact

    assert (recipients == compact) is (expected == compact)
    assert (compact == recipients) is (compact == expected)
    assert (recipients == list(compact)) is (list(expected) == list(compact))
    if recipients == compact:
        assert hash(recipients) == hash(compact)
    assert (compact in {recipients}) is (compact in {expected})


@BOUNDED
@given(collections, st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_pickle_copy_and_deepcopy_give_an_equal_collection(
    pair: tuple[Sequence[Any], tuple[Any, ...]], protocol: int
) -> None:
    collection, expected = pair

    for copied in (pickle.loads(pickle.dumps(collection, protocol)), copy.copy(collection), copy.deepcopy(collection)):
        assert type(copied) is type(collection)
        assert copied == collection
        assert tuple(copied) == expected
        assert hash(copied) == hash(collection)


def test_a_step_of_zero_is_refused_as_a_tuple_refuses_it() -> None:
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        Recipients(NUMBERS)[::0]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        Outcomes.uniform(NUMBERS, range(4), SendStatus.ACCEPTED)[::0]
