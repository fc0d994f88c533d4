"""Recipients: a message's recipients, bare numbers kept as text until read."""

from __future__ import annotations

import gc
import pickle

import pytest

from krsms import Message, MessageKind, Recipient, Recipients, SendProgress
from krsms.fanout import Batch
from krsms.testing import FakeGateway, numbers

SENDER = "0212345678"
OWN_TEXT = Recipient(number="01033334444", text="hello")


def test_bare_numbers_stay_text_and_read_as_recipients() -> None:
    recipients = Message(sender=SENDER, text="hi", recipients=["010-1111-2222", OWN_TEXT]).recipients

    assert isinstance(recipients, Recipients)
    assert recipients.compact == ("010-1111-2222", OWN_TEXT)
    assert recipients[0] == Recipient(number="010-1111-2222")
    assert recipients[1] is OWN_TEXT
    assert list(recipients) == [Recipient(number="010-1111-2222"), OWN_TEXT]
    assert recipients.numbers == ("010-1111-2222", "01033334444")
    assert not recipients.bare
    assert Recipients(["01011112222"]).bare
    assert Recipients(["01011112222"]).numbers == ("01011112222",)


def test_a_lone_number_or_recipient_is_one_recipient() -> None:
    assert Message(sender=SENDER, text="hi", recipients="01011112222").recipients.compact == ("01011112222",)
    assert Message(sender=SENDER, text="hi", recipients=OWN_TEXT).recipients.compact == (OWN_TEXT,)


def test_a_number_equals_a_recipient_with_only_that_number() -> None:
    as_text = Message(sender=SENDER, text="hi", recipients=["01011112222"])
    as_recipient = Message(sender=SENDER, text="hi", recipients=[Recipient(number="01011112222")])

    assert as_text == as_recipient
    assert hash(as_text) == hash(as_recipient)
    assert as_text.recipients == (Recipient(number="01011112222"),)
    assert [Recipient(number="01011112222")] == as_text.recipients
    assert as_text.recipients != Recipients(["01011112222", "01033334444"])
    assert as_text.recipients != Recipients([Recipient(number="01011112222", reference="a")])
    assert (as_text.recipients == "01011112222") is False


def test_recipients_slice_pickle_and_repr_briefly() -> None:
    recipients = Recipients([*numbers(4), OWN_TEXT])

    assert recipients[1:3] == Recipients(["01000000001", "01000000002"])
    assert isinstance(recipients[1:3], Recipients)
    assert pickle.loads(pickle.dumps(recipients)) == recipients
    assert repr(recipients) == "Recipients(['01000000000', '01000000001', '01000000002', ... 2 more])"
    assert Recipients(recipients) == recipients


def test_a_large_message_holds_no_object_per_recipient() -> None:
    texts = list(numbers(10_000))
    gc.collect()
    before = len(gc.get_objects())

    message = Message(sender=SENDER, text="hi", recipients=texts)

    assert len(gc.get_objects()) - before < 20
    assert len(message.recipients) == 10_000


async def test_a_send_carries_bare_numbers_normalised_as_text() -> None:
    gateway = FakeGateway(batch_size=2)
    given = ["010-0000-0001", "+82 10 0000 0002", Recipient(number="010 0000 0003", reference="c")]

    report = await gateway.send(Message(sender=SENDER, text="hi", recipients=given))

    carried = [recipient for request in gateway.requests for recipient in request.recipients.compact]
    assert sorted(carried, key=str) == sorted(
        ["01000000001", "01000000002", Recipient(number="01000000003", reference="c")], key=str
    )
    assert [outcome.recipient for outcome in report.outcomes] == [
        Recipient(number="01000000001"),
        Recipient(number="01000000002"),
        Recipient(number="01000000003", reference="c"),
    ]


def test_of_numbers_stores_numbers_as_the_constructor_would_and_slices_keep_them_bare() -> None:
    five = list(numbers(5))
    from_numbers = Recipients.of_numbers(five)

    assert from_numbers == Recipients(five)
    assert hash(from_numbers) == hash(Recipients(five))
    assert from_numbers.bare
    assert from_numbers.numbers == tuple(five)
    assert from_numbers[1:3].bare
    assert from_numbers[1:3] == Recipients(five[1:3])
    assert not Recipients([*numbers(2), OWN_TEXT])[1:].bare
    assert Recipients([*numbers(2), OWN_TEXT])[:2].bare


async def test_each_batch_says_whether_it_holds_numbers_only() -> None:
    """The batcher tells a batch of numbers' texts from one holding a Recipient object."""
    seen: list[Recipients] = []

    async def record(batch: Recipients) -> None:
        seen.append(batch)

    gateway = FakeGateway(batch_size=2)
    given = [*numbers(2), Recipient(number="01000000009", reference="r"), "01000000008"]
    await gateway.send(Message(sender=SENDER, text="hi", recipients=given), progress=SendProgress(on_sending=record))

    assert [(batch.bare, batch.numbers) for batch in seen] == [
        (True, ("01000000000", "01000000001")),
        (False, ("01000000009", "01000000008")),
    ]
    assert [Recipients(batch.compact).bare for batch in seen] == [batch.bare for batch in seen]


def test_a_lone_number_given_to_recipients_is_one_recipient() -> None:
    assert Recipients("01011112222").compact == ("01011112222",)
    assert Recipients(OWN_TEXT).compact == (OWN_TEXT,)


def test_recipients_hash_as_the_tuple_they_equal() -> None:
    recipients = Recipients(["01011112222", OWN_TEXT])
    as_tuple = (Recipient(number="01011112222"), OWN_TEXT)

    assert recipients == as_tuple
    assert hash(recipients) == hash(as_tuple)
    assert {as_tuple: "found"}[recipients] == "found"


def test_a_batch_needs_an_index_per_recipient() -> None:
    with pytest.raises(ValueError, match="an index per recipient: 1 for 2"):
        Batch(kind=MessageKind.SMS, indexes=(0,), recipients=["01011112222", "01033334444"])
