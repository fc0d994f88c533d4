"""The emulator's record of every recipient it accepted, shared by both providers.

Provider state (request look-ups, reservations, templates, ...) lives with each provider's
routes; the ledger is the provider-neutral truth that tests, the demo and the benchmarks read
through the inspection API (``GET /_emulator/deliveries``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

import attrs

from krsms.emulator.numbers import KOREA_COUNTRY_CODE, rule_names


@attrs.define(kw_only=True)
class Delivery:
    """One recipient of one accepted send request."""

    provider: str
    """``"sens"`` or ``"nhn"``."""
    request_id: str
    """The ``requestId`` the emulator answered the send with."""
    recipient: str
    """The number as the request gave it (SENS ``to``; NHN ``recipientNo``, else
    ``internationalRecipientNo``)."""
    country_code: str = KOREA_COUNTRY_CODE
    """The recipient's country calling code: the request's ``countryCode`` (82 without one),
    or the code an NHN ``internationalRecipientNo`` starts with."""
    national_number: str = attrs.field(default=attrs.Factory(lambda delivery: delivery.recipient, takes_self=True))
    """The number as dialled in its country: ``recipient``, or an NHN ``internationalRecipientNo``
    without its country code (``821000000000`` -> ``01000000000``)."""
    sender: str
    """The sender number (SENS ``from``, NHN ``sendNo``)."""
    kind: str
    """``"SMS"``, ``"LMS"`` or ``"MMS"``."""
    text: str
    """The text as delivered: SENS's cut to its type's byte limit, NHN's with the template
    applied and its ``##key##`` placeholders filled."""
    subject: str | None = None
    """The subject (NHN ``title``) as delivered, SENS's cut to 40 bytes; None when none was
    sent, and for an NHN SMS."""
    advertisement: bool = False
    """Sent as an advertisement (SENS ``contentType: AD``; NHN's ``ad-`` endpoints, or a tag
    send's ``adYn``)."""
    reserved_for: str | None = None
    """Reservation time as sent (``yyyy-MM-dd HH:mm``), or None for an immediate send."""
    status: str = "accepted"
    """``"accepted"``, ``"rejected"`` (refused per recipient by NHN; by SENS, a request its
    messaging server failed) or ``"cancelled"``."""
    result_code: str | None = None
    """NHN: the recipient's ``resultCode`` in the send's answer, as text (``"0"``: accepted).
    SENS: the delivery ``statusCode`` when the message completed at once (``"0"``: delivered),
    the request's ``statusCode`` when the messaging server failed it (``"500"``), None for a
    reserved or scheduled send and for a message a ``sens_message_statuses`` rule keeps READY
    or PROCESSING."""
    grouping_key: str | None = None
    """The request's NHN ``senderGroupingKey``; None when it had none, and for SENS."""
    accepted_at: datetime
    """When the emulator accepted the request, by its clock (``clock_skew_seconds`` included)."""

    @property
    def names(self) -> tuple[str, ...]:
        """The numbers the recipient goes by (:func:`~krsms.emulator.numbers.rule_names`): as
        written, as dialled in its country and in its international form."""
        return rule_names(self.recipient, self.country_code, self.national_number)


class Ledger:
    """Thread-safe list of deliveries (uvicorn may serve from another thread): appended to by
    sends, changed only by cancels (:meth:`cancel_recipient`) and :meth:`clear`.

    Provider routes register :meth:`on_clear` callbacks, so clearing the ledger makes the
    whole emulator forget its sends, not just this record of them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._clear_callbacks: list[Callable[[], None]] = []

    def record(self, deliveries: Iterable[Delivery]) -> None:
        """Append the deliveries of one send request."""
        with self._lock:
            self._deliveries.extend(deliveries)

    def on_clear(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the ledger is cleared (a provider forgetting its sends)."""
        self._clear_callbacks.append(callback)

    def cancel_recipient(self, delivery: Delivery) -> bool:
        """Mark one recorded recipient cancelled (its provider cancelled it before it went out);
        the other recipients of its request stay as they are. Returns whether it was accepted
        until now."""
        with self._lock:
            if delivery.status != "accepted":
                return False
            delivery.status = "cancelled"
            return True

    def clear(self) -> None:
        """Forget every send (``DELETE /_emulator/deliveries``): this record and the providers'."""
        with self._lock:
            self._deliveries.clear()
        for callback in self._clear_callbacks:
            callback()

    def __iter__(self) -> Iterator[Delivery]:
        with self._lock:
            return iter(list(self._deliveries))

    def __len__(self) -> int:
        with self._lock:
            return len(self._deliveries)
