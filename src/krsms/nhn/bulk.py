"""A gateway batch on the wire, without a model object per recipient.

The typed :class:`~krsms.nhn.models.SendRequest` and :class:`~krsms.nhn.models.SendResult` of
a 1,000-recipient send hold 1,000 ``SendRecipient`` and 1,000 ``SendResultItem`` objects, each
built only to be converted at once: measured, a fifth of a bulk send's CPU. Here a batch's
shared fields still go through the typed request and the converter; the per-recipient parts
are plain JSON values in the same shapes (the tests compare them with the converter's
output), and the answer is checked at least as strictly as the converter checks it (a
``sendResultList`` that is not a list, which the converter would read as empty, is
malformed here unless NHN reports the whole request failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from krsms.convert import structure_text
from krsms.errors import MalformedResponseError
from krsms.nhn.api import PROVIDER


class SendResultEntry(NamedTuple):
    """One ``sendResultList`` entry, as :class:`~krsms.nhn.models.SendResultItem` reads it."""

    recipient_no: str
    result_code: int
    """``0`` when NHN took the recipient, else the code it was refused with."""
    result_message: str | None
    recipient_seq: int | None
    """1, 2, ... in request order (None when NHN leaves it out)."""


class BatchAnswer(NamedTuple):
    """The ``data`` of a send's answer: its request id, status and per-recipient results."""

    request_id: str
    status_code: str
    """``"1"`` requesting, ``"2"`` requested, ``"3"`` request failed."""
    results: list[SendResultEntry] | None
    """None when the answer has no ``sendResultList`` list (as a failed request may not)."""


def recipient_entry(
    number: str, country_code: str | None, template_parameter: Mapping[str, str] | None
) -> dict[str, Any]:
    """One ``recipientList`` entry: what the converter writes for a ``SendRecipient`` with
    these fields (None and empty values left out)."""
    entry: dict[str, Any] = {"recipientNo": number}
    if country_code is not None:
        entry["countryCode"] = country_code
    if template_parameter:
        entry["templateParameter"] = dict(template_parameter)
    return entry


def read_answer(body: Any) -> BatchAnswer:
    """The answer ``body`` of a send (``{"data": {...}}``); MalformedResponseError when it
    does not have the documented shape."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise malformed("answer has no data")
    entries = data.get("sendResultList")
    try:
        _optional_text(data.get("senderGroupingKey"))
        return BatchAnswer(
            request_id=structure_text(data["requestId"]),
            status_code=structure_text(data["statusCode"]),
            results=[_entry(entry) for entry in entries] if isinstance(entries, list) else None,
        )
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise malformed(f"{type(error).__name__}: {error}") from None


def _entry(entry: Mapping[str, Any]) -> SendResultEntry:
    # As the converter reads them: text may be a number written unquoted; an int field is
    # int() of what NHN wrote. The exact types, by far the common case, pass untouched.
    number, code = entry["recipientNo"], entry["resultCode"]
    message, seq = entry.get("resultMessage"), entry.get("recipientSeq")
    _optional_text(entry.get("recipientGroupingKey"))
    return SendResultEntry(
        number if type(number) is str else structure_text(number),
        code if type(code) is int else int(code),
        message if message is None or type(message) is str else structure_text(message),
        seq if seq is None or type(seq) is int else int(seq),
    )


def _optional_text(value: Any) -> None:
    """Check a text field the gateway does not use, as the converter would."""
    if value is not None and type(value) is not str:
        structure_text(value)


def malformed(problem: str) -> MalformedResponseError:
    """The error of a send answer without the documented shape."""
    return MalformedResponseError(f"answer does not match SendResult: {problem}", provider=PROVIDER)
