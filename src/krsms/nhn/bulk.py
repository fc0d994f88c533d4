"""A gateway batch on the wire, without a model object per recipient.

The typed :class:`~krsms.nhn.models.SendRequest` and :class:`~krsms.nhn.models.SendResult` of
a 1,000-recipient send hold 1,000 ``SendRecipient`` and 1,000 ``SendResultItem`` objects, each
built only to be converted at once: measured, a fifth of a bulk send's CPU. Here a batch's
shared fields still go through the typed request and the converter; the per-recipient parts
are plain JSON values in the same shapes (the tests compare them with the converter's
output), a list of bare numbers written in one join (:mod:`krsms.json_body`). An answer that
accepts every recipient in request order, by far the common one, is recognised from the two
fields that decide it (``resultCode`` and ``recipientSeq``); any other is read whole and
checked at least as strictly as the converter checks it (a ``sendResultList`` that is not a
list, which the converter would read as empty, is malformed here unless NHN reports the
whole request failed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from krsms import json_body
from krsms.convert import structure_text
from krsms.errors import MalformedResponseError
from krsms.gateway import Recipients
from krsms.nhn.errors import PROVIDER
from krsms.transport import Response


class SendResults(NamedTuple):
    """A ``sendResultList`` by field, as :class:`~krsms.nhn.models.SendResultItem` reads each
    entry: entry ``i`` is ``recipient_nos[i]``, ``result_codes[i]``, and so on."""

    recipient_nos: list[str]
    result_codes: list[int]
    """``0`` when NHN took the recipient, else the code it was refused with."""
    result_messages: list[str | None]
    recipient_seqs: list[int | None]
    """1, 2, ... in request order (None when NHN leaves it out)."""


class BatchAnswer(NamedTuple):
    """The ``data`` of a send's answer: its request id, status and per-recipient results."""

    request_id: str
    status_code: str
    """``"1"`` requesting, ``"2"`` requested, ``"3"`` request failed."""
    entries: list[Any] | None
    """The ``sendResultList`` as NHN wrote it; None when it is not a list (as a failed
    request's may not be)."""
    answering: Response | None = None
    """The answer read, whose request an entry that does not fit names."""

    def accepts_all_in_order(self, count: int) -> bool:
        """True when the list is ``count`` entries with ``resultCode`` 0 and ``recipientSeq``
        1 to ``count`` in order: every recipient sent was accepted. Values equal to those (a
        ``0.0`` for a ``0``) are ones the converter reads as them too."""
        entries = self.entries
        if entries is None or len(entries) != count:
            return False
        codes, seqs = _accepted_in_order(count)
        try:
            # Field by field, at C speed: two lists of the values NHN wrote, no tuple per entry.
            return list(map(_RESULT_CODE, entries)) == codes and list(map(_RECIPIENT_SEQ, entries)) == seqs
        except (KeyError, TypeError):  # an entry without the fields, or not an object
            return False

    def results(self, *, redact: Callable[[str], str]) -> SendResults:
        """Every entry read as the converter reads a ``SendResultItem``; MalformedResponseError
        when one does not fit (or there is no list), its message passed through ``redact``."""
        if self.entries is None:
            raise malformed("answer has no sendResultList", self.answering)
        try:
            return _results(self.entries)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            problem = redact(f"{type(error).__name__}: {error}")
        raise malformed(problem, self.answering)  # outside the except block: see read_answer


_RESULT_CODE = itemgetter("resultCode")
_RECIPIENT_SEQ = itemgetter("recipientSeq")


@lru_cache(maxsize=4)  # a send's batches are full but for the last one
def _accepted_in_order(count: int) -> tuple[list[int], list[int]]:
    """The ``resultCode`` and ``recipientSeq`` values of ``count`` entries accepted in order."""
    return [0] * count, list(range(1, count + 1))


def send_body(shared: Mapping[str, Any], recipients: Recipients, country_code: str | None) -> json_body.EncodedJson:
    """The body of a batch's send: the ``shared`` fields (the converter's, of the typed
    request) and the ``recipientList``, what the converter writes for a ``SendRecipient`` per
    recipient with these fields (None and empty values left out). Bare numbers, the common
    case, are written in one join."""
    entries = None
    if recipients.bare and country_code is None:
        entries = json_body.number_entries("recipientNo", recipients.numbers)
    if entries is None:
        entries = json_body.dumps(
            [_recipient_entry(each.number, country_code, each.template_parameters) for each in recipients]
        )
    return json_body.body_with_list(shared, "recipientList", entries)


def _recipient_entry(
    number: str, country_code: str | None, template_parameter: Mapping[str, str] | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"recipientNo": number}
    if country_code is not None:
        entry["countryCode"] = country_code
    if template_parameter:
        entry["templateParameter"] = dict(template_parameter)
    return entry


def read_answer(body: Any, *, redact: Callable[[str], str], answering: Response | None = None) -> BatchAnswer:
    """The answer ``body`` of a send (``{"data": {...}}``); MalformedResponseError when it
    does not have the documented shape, its message (which may quote the value that did not
    fit) passed through ``redact``, naming the request of ``answering`` (the answer the body
    is from) when given, as :meth:`~krsms.nhn.api.NhnApi.parse` does. The ``sendResultList``
    entries are read by :meth:`BatchAnswer.accepts_all_in_order` and
    :meth:`BatchAnswer.results`."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise malformed("answer has no data", answering)
    entries = data.get("sendResultList")
    try:
        _optional_text(data.get("senderGroupingKey"))
        return BatchAnswer(
            request_id=structure_text(data["requestId"]),
            status_code=structure_text(data["statusCode"]),
            entries=entries if isinstance(entries, list) else None,
            answering=answering,
        )
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        problem = redact(f"{type(error).__name__}: {error}")
    # Raised here, not in the except block, where the error would hold the unredacted value
    # as its __context__.
    raise malformed(problem, answering)


def _results(entries: list[Any]) -> SendResults:
    # Field by field, each checked in one pass: an object per entry was a tenth of a bulk
    # send's CPU. Values are read as the converter reads them: text may be a number written
    # unquoted, an int field is int() of what NHN wrote; the exact types, by far the common
    # case, pass untouched.
    _checked([entry.get("recipientGroupingKey") for entry in entries], str, structure_text, optional=True)
    return SendResults(
        recipient_nos=_checked([entry["recipientNo"] for entry in entries], str, structure_text),
        result_codes=_checked([entry["resultCode"] for entry in entries], int, int),
        result_messages=_checked([entry.get("resultMessage") for entry in entries], str, structure_text, optional=True),
        recipient_seqs=_checked([entry.get("recipientSeq") for entry in entries], int, int, optional=True),
    )


def _checked(values: list[Any], kind: type, convert: Callable[[Any], Any], *, optional: bool = False) -> list[Any]:
    """``values`` when each is exactly a ``kind`` (or None, if ``optional``); otherwise each
    other value ``convert``-ed, which raises for one the converter would refuse."""
    allowed = {kind, type(None)} if optional else {kind}
    if set(map(type, values)) <= allowed:
        return values
    return [value if type(value) in allowed else convert(value) for value in values]


def _optional_text(value: Any) -> None:
    """Check a text field the gateway does not use, as the converter would."""
    if value is not None and type(value) is not str:
        structure_text(value)


def malformed(problem: str, answering: Response | None = None) -> MalformedResponseError:
    """The error of a send answer without the documented shape, naming the request of
    ``answering`` (method, redacted path, status) when given."""
    return MalformedResponseError(
        f"answer does not match SendResult: {problem}",
        provider=PROVIDER,
        status_code=answering.status_code if answering else None,
        method=answering.method if answering else None,
        path=answering.path if answering else None,
    )
