"""Test helpers for applications that use krsms: a fake gateway and pytest fixtures.

:class:`FakeGateway` implements :class:`~krsms.SmsGateway` in memory with the real fan-out,
validation and outcome rules, records every request it "sends", and can be told to reject
numbers or fail requests::

    async def test_signup_sends_a_code(fake_gateway):
        fake_gateway.reject_number("01000000000", code="-2019")
        await signup(gateway=fake_gateway, phone="010-1234-5678")
        assert fake_gateway.sent_to() == ["01012345678"]

The pytest plugin :mod:`krsms.pytest_plugin` (installed with krsms, entry point ``krsms``)
provides the ``fake_gateway`` fixture, and ``krsms_emulator`` (a real emulator on loopback,
needs the ``emulator`` extra) with :func:`sens_gateway_for` and :func:`nhn_gateway_for` here
to point gateways at it. This module itself needs nothing beyond krsms's core.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import anyio
import attrs

from krsms import errors
from krsms.fanout import NOT_RECEIVED, Batch, BatchAttempt, BatchingGateway
from krsms.gateway import (
    DeliveryResult,
    DeliveryStatus,
    Message,
    Recipient,
    RecipientOutcome,
    Recipients,
    SendStatus,
    UploadedImage,
)
from krsms.images import check_jpeg
from krsms.nhn.gateway import NHN_RULES, check_sender_and_template
from krsms.sens.models import MAX_IMAGE_NAME_CHARS as SENS_IMAGE_NAME_CHARS
from krsms.sens.models import MAX_IMAGE_SIZE as SENS_IMAGE_SIZE
from krsms.text import MessageKind, normalize_number
from krsms.validation import check_request_id

__all__ = [
    "FAKE_IMAGE_NAME_CHARS",
    "FAKE_IMAGE_SIZE",
    "FAKE_RULES",
    "FakeGateway",
    "FakeRequest",
    "nhn_gateway_for",
    "numbers",
    "sens_gateway_for",
]

if TYPE_CHECKING:  # the emulator needs its extra; import it only where it is used
    from krsms.emulator import EmulatorServer
    from krsms.nhn import NhnGateway
    from krsms.sens import SensGateway

FAKE_RULES = NHN_RULES
"""Every rule of SENS and NHN at once (NHN's include SENS's), templates apart (NHN's alone):
what passes the fake passes both real gateways, and a message with a ``template_id`` passes
NHN's."""
FAKE_IMAGE_NAME_CHARS = SENS_IMAGE_NAME_CHARS
"""The shorter of the providers' file name limits (SENS 40, NHN 45)."""
FAKE_IMAGE_SIZE = SENS_IMAGE_SIZE
"""SENS's resolution limit (NHN documents none)."""


@attrs.frozen(kw_only=True)
class FakeRequest:
    """One send request the fake received."""

    request_id: str
    """The fake's id for the request: ``fake-1``, ``fake-2``, ..."""
    message: Message
    kind: MessageKind
    """What the batch was sent as."""
    recipients: Recipients
    """The batch's recipients, numbers normalised."""
    attempt_key: str
    """The key of the :class:`~krsms.fanout.BatchAttempt`, which reconciliation looks the
    request up by."""


class FakeGateway(BatchingGateway):
    """An in-memory :class:`~krsms.SmsGateway` for tests.

    ``batch_size`` and ``max_concurrency`` shape the fan-out like a real provider's;
    ``latency`` delays every request. Two hooks script failures: ``on_request`` runs before
    a request arrives and may raise a :class:`krsms.KrSmsError` (the request never reached
    the "provider"); ``on_answer`` runs after it was recorded and may raise too (it arrived,
    the answer was lost: the ambiguous case). The fake has no HTTP transport, so it never
    retries: an error raised by a hook is the batch's final answer.

    It validates by :data:`FAKE_RULES`, SENS's and NHN's rules together, and NHN's sender and
    template id lengths, and groups recipients into requests as NHN does, so code that passes
    against the fake passes against either provider; a message with a ``template_id``
    (NHN's alone) passes NHN's. Image ids are not checked against a provider's form: the
    fake's own are ``image-1``, ``image-2``, ...
    """

    provider = "fake"
    """``"fake"``: the provider name of the fake's errors and logs."""
    rules = FAKE_RULES
    """:data:`FAKE_RULES`: SENS's and NHN's rules together."""

    def __init__(
        self,
        *,
        batch_size: int = 100,
        max_concurrency: int = 8,
        latency: float = 0.0,
        on_request: Callable[[FakeRequest], Awaitable[None] | None] | None = None,
        on_answer: Callable[[FakeRequest], None] | None = None,
        reconcile: bool = False,
        resend_missing: bool = False,
        requests_per_second: float | None = None,
        drain_timeout: float = 0.0,
        reconcile_delay: float = 0.0,
    ):
        super().__init__(
            transport=None,
            max_concurrency=max_concurrency,
            requests_per_second=requests_per_second,
            reconcile=reconcile,
            resend_missing=resend_missing,
            drain_timeout=drain_timeout,
            reconcile_delay=reconcile_delay,
        )
        self.batch_size = batch_size
        self.latency = latency
        """Seconds every request takes before it reaches the fake "provider"."""
        self.on_request = on_request
        self.on_answer = on_answer
        self.requests: list[FakeRequest] = []
        """Every request that reached the fake "provider", in arrival order."""
        self.rejected_numbers: dict[str, str] = {}
        """Normalised number -> ``code`` of its REJECTED outcome (see :meth:`reject_number`)."""
        self.cancelled: set[str] = set()
        """Request ids whose reservation :meth:`cancel_reservation` cancelled."""
        self.images: dict[str, UploadedImage] = {}
        """Images uploaded with :meth:`upload_image`, by id."""
        self._ids = itertools.count(1)
        self.in_flight: int = 0
        """Requests being sent right now (during ``latency`` and ``on_request``)."""
        self.peak_in_flight: int = 0
        """The most requests in flight at once so far."""

    def reject_number(self, number: str, *, code: str = "rejected") -> None:
        """Make the fake refuse ``number`` (any written form: it is normalised, as recipients
        are) with ``code`` (REJECTED outcome)."""
        self.rejected_numbers[normalize_number(number)] = code

    def sent_to(self) -> list[str]:
        """Numbers of every recipient that reached the fake, in arrival order."""
        return [recipient.number for request in self.requests for recipient in request.recipients]

    def check_message(self, message: Message) -> None:
        """The shared rules, and NHN's ``sendNo`` and ``templateId`` lengths."""
        super().check_message(message)
        check_sender_and_template(message)

    def batch_key(self, message: Message, recipient: Recipient, kind: MessageKind) -> Hashable:
        """Like NHN: one text per request, and one subject per LMS or MMS request (an SMS
        carries none)."""
        subject = message.subject_for(recipient) if kind is not MessageKind.SMS else None
        return kind, message.text_for(recipient), subject

    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> Sequence[RecipientOutcome]:
        """Record the request (unless ``on_request`` raises) and accept all but rejected numbers."""
        request = FakeRequest(
            request_id=f"fake-{next(self._ids)}",
            message=message,
            kind=batch.kind,
            recipients=batch.recipients,
            attempt_key=attempt.key,
        )
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.latency:
                await anyio.sleep(self.latency)
            if self.on_request is not None:
                waiting = self.on_request(request)
                if waiting is not None:
                    await waiting
        finally:
            self.in_flight -= 1
        self.requests.append(request)
        if self.on_answer is not None:
            self.on_answer(request)
        return self._answer(request, batch)

    def _answer(self, request: FakeRequest, batch: Batch) -> Sequence[RecipientOutcome]:
        """Each recipient of ``batch`` as the fake took it in ``request``."""
        return [
            RecipientOutcome(
                recipient=recipient,
                status=SendStatus.REJECTED if recipient.number in self.rejected_numbers else SendStatus.ACCEPTED,
                request_id=request.request_id,
                code=self.rejected_numbers.get(recipient.number),
                index=index,
            )
            for index, recipient in batch.entries
        ]

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        """Find the attempt among the recorded requests, like a look-up by grouping key: what
        the fake took is ACCEPTED (a rejected number REJECTED), nothing found NOT_SENT."""
        arrived = {request.attempt_key: request for request in self.requests}.get(attempt.key)
        if arrived is None:
            return batch.outcomes(SendStatus.NOT_SENT, code=NOT_RECEIVED, detail="not found at the provider")
        return self._answer(arrived, batch)

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store the image in memory, after the checks both providers make."""
        check_jpeg(content, file_name, max_name_chars=FAKE_IMAGE_NAME_CHARS, max_size=FAKE_IMAGE_SIZE)
        image = UploadedImage(
            id=f"image-{len(self.images) + 1}",
            file_name=file_name,
            expires_at=datetime.now(timezone.utc) + timedelta(days=6),
        )
        self.images[image.id] = image
        return image

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """Every recipient of the request, delivered (or cancelled, or failed if rejected);
        none for a request the fake never received, as the providers' look-ups answer."""
        check_request_id(request_id)
        for request in self.requests:
            if request.request_id == request_id:
                return [self._result(request, recipient) for recipient in request.recipients]
        return []

    def _result(self, request: FakeRequest, recipient: Recipient) -> DeliveryResult:
        if request.request_id in self.cancelled:
            status = DeliveryStatus.CANCELLED
        elif recipient.number in self.rejected_numbers:
            status = DeliveryStatus.FAILED
        elif request.message.reserve_at is not None:
            status = DeliveryStatus.PENDING
        else:
            status = DeliveryStatus.DELIVERED
        return DeliveryResult(
            request_id=request.request_id,
            recipient=recipient.number,
            status=status,
            code=self.rejected_numbers.get(recipient.number, "0" if status is DeliveryStatus.DELIVERED else None),
            message_id=f"{request.request_id}-{recipient.number}",
        )

    async def cancel_reservation(self, request_id: str) -> None:
        """Mark a reserved request cancelled; like both providers, raise
        :class:`krsms.NotFoundError` when no reservation waits under ``request_id`` (unknown,
        not a reservation, or already cancelled)."""
        check_request_id(request_id)
        waiting = any(
            request.request_id == request_id and request.message.reserve_at is not None for request in self.requests
        )
        if not waiting or request_id in self.cancelled:
            raise errors.NotFoundError(
                f"no reservation waits under request {request_id}", provider=self.provider, status_code=404
            )
        self.cancelled.add(request_id)


def numbers(count: int, *, start: int = 0) -> Iterator[str]:
    """``count`` distinct valid mobile numbers (``010`` + 8 digits), for tests."""
    for offset in range(start, start + count):
        yield f"010{offset:08d}"


def sens_gateway_for(server: EmulatorServer, **options: Any) -> SensGateway:
    """A :class:`~krsms.SensGateway` with the emulator's demo keys, pointed at ``server``."""
    from krsms.emulator import DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID
    from krsms.sens import SensGateway

    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY,
        secret_key=DEMO_SENS_SECRET_KEY,
        service_id=DEMO_SENS_SERVICE_ID,
        base_url=server.base_url,
        **options,
    )


def nhn_gateway_for(server: EmulatorServer, **options: Any) -> NhnGateway:
    """An :class:`~krsms.NhnGateway` with the emulator's demo appKey, pointed at ``server``."""
    from krsms.emulator import DEMO_NHN_APP_KEY
    from krsms.nhn import NhnGateway

    return NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=server.base_url, **options)
