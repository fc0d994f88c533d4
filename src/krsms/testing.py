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

import inspect
import itertools
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import TYPE_CHECKING, TypeAlias

import anyio
import attrs

from krsms import errors
from krsms.errors import excerpt
from krsms.fanout import NOT_RECEIVED, Batch, BatchAttempt, BatchingGateway
from krsms.fields import check_is_text
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
from krsms.phone_numbers import KOREA, calling_code, normalize_number, without_separators
from krsms.send_watch import current_send_watch
from krsms.sens.models import MAX_IMAGE_NAME_CHARS as SENS_IMAGE_NAME_CHARS
from krsms.sens.models import MAX_IMAGE_SIZE as SENS_IMAGE_SIZE
from krsms.settings import check_count, check_seconds
from krsms.text import MessageKind
from krsms.validation import check_country_code, check_request_id, cut_to_precision

__all__ = [
    "FAKE_IMAGE_NAME_CHARS",
    "FAKE_IMAGE_SIZE",
    "FAKE_RULES",
    "NUMBERS_AVAILABLE",
    "UNKNOWN_IMAGE",
    "FakeGateway",
    "FakeHook",
    "FakeRequest",
    "nhn_gateway_for",
    "numbers",
    "sens_gateway_for",
]

if TYPE_CHECKING:  # the emulator needs its extra; import it only where it is used
    from krsms.emulator import EmulatorServer
    from krsms.nhn import NhnGateway
    from krsms.retry import RetryStrategy
    from krsms.sens import SensGateway
    from krsms.transport import HttpClient, Limits, Timeouts

FAKE_RULES = NHN_RULES
"""Every rule of SENS and NHN at once (NHN's include SENS's), templates apart (NHN's alone):
what passes the fake passes both real gateways, and a message with a ``template_id`` passes
NHN's."""
UNKNOWN_IMAGE = "unknown-image"
"""``code`` of the recipients of a message whose image the fake never stored (REJECTED)."""
FAKE_IMAGE_NAME_CHARS = SENS_IMAGE_NAME_CHARS
"""The shorter of the providers' file name limits (SENS 40, NHN 45)."""
FAKE_IMAGE_SIZE = SENS_IMAGE_SIZE
"""SENS's resolution limit (NHN documents none)."""


@attrs.frozen(kw_only=True)
class FakeRequest:
    """One send request the fake received."""

    request_id: str
    """The fake's id for the request: ``fake-1``, ``fake-2``, ..., numbering every request
    made, one that ``on_request`` refused included (hooks tell requests apart by it)."""
    message: Message
    kind: MessageKind
    """What the batch was sent as."""
    recipients: Recipients
    """The batch's recipients, numbers normalised."""
    attempt_key: str
    """The key of the :class:`~krsms.fanout.BatchAttempt`, which reconciliation looks the
    request up by."""
    refused: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    """Number -> ``code`` of the recipients the fake refused (REJECTED), as
    :meth:`FakeGateway.reject_number` had them when the request was made."""


FakeHook: TypeAlias = Callable[[FakeRequest], object]
"""A :class:`FakeGateway` hook (``on_request``, ``on_answer``): called with the request; what
it returns is awaited when it is awaitable (a coroutine function's) and ignored otherwise, so
a function, a coroutine function, a lambda or a ``unittest.mock.Mock`` all serve."""


class FakeGateway(BatchingGateway):
    """An in-memory :class:`~krsms.SmsGateway` for tests.

    ``batch_size`` (at least 1) and ``max_concurrency`` shape the fan-out like a real
    provider's; ``latency`` delays every request. Two hooks (:data:`FakeHook`, plain or
    async) script failures: ``on_request`` runs before a request arrives and may raise a
    :class:`krsms.KrSmsError` (the request never reached the "provider"); ``on_answer`` runs
    after it was recorded and may raise too (it arrived, the answer was lost: the ambiguous
    case). :meth:`reject_number` refuses a number at the send, :meth:`set_delivery` fails
    (or holds) its delivery. The fake has no HTTP transport, so it never retries: an error raised by a hook is
    the batch's final answer. ``clock`` gives the fake's current time (by default the real
    time): reservations are checked against it and come due by it.

    After :meth:`aclose` (or its ``async with`` block) the fake behaves as a real gateway whose
    HTTP client is closed: a send reaches nothing (every recipient NOT_SENT, code
    ``UnsendableRequestError``) and its other calls raise :class:`krsms.UnsendableRequestError`.

    It validates by :data:`FAKE_RULES`, SENS's and NHN's rules together, and NHN's sender and
    template id lengths, and groups recipients into requests as NHN does, so code that passes
    against the fake passes against either provider; a message with a ``template_id``
    (NHN's alone) passes NHN's. Image ids are not checked against a provider's form: the
    fake's own are ``image-1``, ``image-2``, ... A message with an image the fake never
    stored is refused as both providers refuse an unknown file id: its recipients REJECTED
    with code :data:`UNKNOWN_IMAGE`, and the send stopped (the rest NOT_SENT), as NHN does.
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
        on_request: FakeHook | None = None,
        on_answer: FakeHook | None = None,
        reconcile: bool = False,
        resend_missing: bool = False,
        requests_per_second: float | None = None,
        drain_timeout: float = 0.0,
        reconcile_delay: float = 0.0,
        clock: Callable[[], datetime] | None = None,
    ):
        check_count("batch_size", batch_size, minimum=1)
        check_seconds("latency", latency)
        _check_hook("on_request", on_request)
        _check_hook("on_answer", on_answer)
        if clock is not None and not callable(clock):
            raise TypeError(
                f"clock must be a function that returns the current time (lambda: moment), not {type(clock).__name__}"
            )
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
        self.clock: Callable[[], datetime] = clock or partial(datetime.now, timezone.utc)
        """The fake's current time (timezone-aware): reservations are checked against it, wait
        until it reaches them, and uploads expire 6 days after it."""
        self.closed = False
        """Whether :meth:`aclose` was called: nothing reaches the fake from then on."""
        self.requests: list[FakeRequest] = []
        """Every request that reached the fake "provider", in arrival order. Look-ups, cancels
        and reconciliation answer from the fake's own record of them, as a provider's do: a
        test may clear this list between steps."""
        self._by_request_id: dict[str, FakeRequest] = {}
        self._by_attempt_key: dict[str, FakeRequest] = {}
        self.rejected_numbers: dict[tuple[str, str], str] = {}
        """(Country code, number as dialled in that country) -> ``code`` of its REJECTED
        outcome (see :meth:`reject_number`)."""
        self.delivery_rules: dict[tuple[str, str], tuple[DeliveryStatus, str | None]] = {}
        """(Country code, number as dialled in that country) -> the delivery status and code its
        delivery results give (see :meth:`set_delivery`)."""
        self.cancelled: set[str] = set()
        """Request ids whose reservation :meth:`cancel_reservation` cancelled."""
        self.images: dict[str, UploadedImage] = {}
        """Images uploaded with :meth:`upload_image`, by id: the ids a message's ``images`` may
        name (a test may add one it stored at the provider beforehand, or drop one)."""
        self._ids = itertools.count(1)
        self._image_ids = itertools.count(1)
        self.in_flight: int = 0
        """Requests being sent right now (during ``latency`` and ``on_request``)."""
        self.peak_in_flight: int = 0
        """The most requests in flight at once so far."""

    def reject_number(self, number: str, *, code: str = "rejected", country_code: str | None = None) -> None:
        """Make the fake refuse ``number`` with ``code`` (REJECTED outcome), in any written form:
        it is normalised, as recipients are (``010-0000-0001``, ``+82 10-0000-0001``). A number
        abroad is written with ``+`` and its country code (``+81 90-1234-5678``) or as dialled
        there with ``country_code`` (``"9012345678"``, ``country_code="81"``); without either it
        is Korean. Only that number of that country is refused: a send to ``9012345678`` in
        another country goes through. ``code`` is text, as an outcome's is (``"-2019"``, not
        ``-2019``)."""
        check_is_text(code, field="code")
        self.rejected_numbers[_number_key(number, country_code)] = code

    def set_delivery(
        self, number: str, status: DeliveryStatus, *, code: str | None = None, country_code: str | None = None
    ) -> None:
        """Make :meth:`delivery_results` give ``number`` ``status`` and ``code`` once it was sent
        (or its reservation came due), instead of DELIVERED with code ``"0"``: FAILED, as a
        handset that could not be reached (``code="3006"``, say), or PENDING, a result that
        never comes. The send itself still ACCEPTS it (to refuse it there: :meth:`reject_number`),
        and a cancelled reservation stays CANCELLED. ``number`` and ``country_code`` are read as
        :meth:`reject_number` reads them; it applies to the look-ups made from then on,
        requests sent before included."""
        if status not in (DeliveryStatus.FAILED, DeliveryStatus.PENDING):
            raise errors.ValidationError(
                "status",
                f"must be DeliveryStatus.FAILED or DeliveryStatus.PENDING, not {status!r} "
                "(DELIVERED is every other number's; cancel_reservation makes CANCELLED)",
                limit="FAILED or PENDING",
                value=status,
            )
        if code is not None:
            check_is_text(code, field="code")
        self.delivery_rules[_number_key(number, country_code)] = (status, code)

    def sent_to(self) -> list[str]:
        """Numbers of every recipient that reached the fake, in arrival order."""
        return [recipient.number for request in self.requests for recipient in request.recipients]

    def now(self) -> datetime:
        """:attr:`clock`'s time: reservations are checked against it. A clock that gives a time
        without a timezone is a ValidationError naming ``clock`` (the moments it is compared
        with all have one)."""
        moment = self.clock()
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise errors.ValidationError(
                "clock",
                f"returned {moment!r}: it must give a timezone-aware datetime (datetime.now(timezone.utc), say)",
                limit="a timezone-aware datetime",
                value=moment,
            )
        return moment

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
        self._check_open("send")
        watch = current_send_watch()
        if watch is not None and watch.before_attempt is not None:
            # As the transport asks before a request leaves: a reservation whose minute passed
            # meanwhile (during on_sending, say) keeps it from leaving.
            watch.before_attempt()
        request = FakeRequest(
            request_id=f"fake-{next(self._ids)}",
            message=message,
            kind=batch.kind,
            recipients=batch.recipients,
            attempt_key=attempt.key,
            refused=self._refused(message, batch.recipients),
        )
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.latency:
                await anyio.sleep(self.latency)
            if self.on_request is not None:
                await _call_hook(self.on_request, request)
        finally:
            self.in_flight -= 1
        self._check_images(message)
        self._record(request)
        if self.on_answer is not None:
            await _call_hook(self.on_answer, request)
        return self._answer(request, batch)

    def _check_images(self, message: Message) -> None:
        """Refuse a request whose image the fake never stored, as both providers refuse an
        unknown file id (SENS 400, NHN -2004, which stops the send: every batch would fail)."""
        unknown = next((image for image in message.images if image not in self.images), None)
        if unknown is not None:
            raise _ImageNotFoundError(
                f"images: {excerpt(unknown)!r} is no image uploaded to this fake (upload_image gives the ids)",
                provider=self.provider,
                status_code=404,
                code=UNKNOWN_IMAGE,
            )

    def _record(self, request: FakeRequest) -> None:
        """Keep ``request``, which reached the fake, where look-ups find it at once (a bulk
        test's thousands of requests are not scanned once per look-up)."""
        self.requests.append(request)
        self._by_request_id[request.request_id] = request
        self._by_attempt_key[request.attempt_key] = request

    def _refused(self, message: Message, recipients: Recipients) -> dict[str, str]:
        """Number -> ``code`` of the ``recipients`` of ``message`` that :meth:`reject_number` named."""
        if not self.rejected_numbers:
            return {}
        country_code = message.country_code
        return {
            recipient.number: code
            for recipient in recipients
            if (code := self.rejected_numbers.get((country_code, recipient.number))) is not None
        }

    def _answer(self, request: FakeRequest, batch: Batch) -> Sequence[RecipientOutcome]:
        """Each recipient of ``batch`` as the fake took it in ``request``."""
        refused = request.refused
        return [
            RecipientOutcome(
                recipient=recipient,
                status=SendStatus.REJECTED if recipient.number in refused else SendStatus.ACCEPTED,
                request_id=request.request_id,
                code=refused.get(recipient.number),
                index=index,
            )
            for index, recipient in batch.entries
        ]

    def _check_open(self, call: str) -> None:
        """Refuse ``call`` once the fake is closed, as a real gateway's closed client does."""
        if self.closed:
            raise errors.UnsendableRequestError(f"fake {call}: the gateway is closed")

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        """Find the attempt among the recorded requests, as NHN's look-up by grouping key does:
        each recipient the fake took is ACCEPTED, one it refused is not listed (UNKNOWN, as NHN
        lists only the recipients it took), and when none is listed, the batch never arrived
        or was refused whole, which the look-up cannot tell apart: NOT_SENT."""
        self._check_open("look-up")
        arrived = self._by_attempt_key.get(attempt.key)
        refused = arrived.refused if arrived is not None else {}
        if arrived is None or all(recipient.number in refused for recipient in arrived.recipients):
            return batch.outcomes(
                SendStatus.NOT_SENT,
                code=NOT_RECEIVED,
                detail="the fake lists no send of this batch (never received, or every recipient refused)",
            )
        return [
            RecipientOutcome(recipient=recipient, status=SendStatus.UNKNOWN, index=index, detail="not found")
            if recipient.number in refused
            else RecipientOutcome(
                recipient=recipient,
                status=SendStatus.ACCEPTED,
                request_id=arrived.request_id,
                index=index,
                detail="found by reconciliation",
            )
            for index, recipient in batch.entries
        ]

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store the image in memory, after the checks both providers make."""
        check_jpeg(content, file_name, max_name_chars=FAKE_IMAGE_NAME_CHARS, max_size=FAKE_IMAGE_SIZE)
        self._check_open("upload_image")
        image = UploadedImage(
            id=f"image-{next(self._image_ids)}",
            file_name=file_name,
            expires_at=self.now() + timedelta(days=6),
        )
        self.images[image.id] = image
        return image

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """The recipients of the request the fake took: DELIVERED (code ``"0"``), or what
        :meth:`set_delivery` set for the number; PENDING while its reservation waits (until
        :attr:`clock` reaches its minute, as the providers take it), CANCELLED once cancelled.

        A recipient the fake refused when it was sent is left out, as NHN's look-ups leave out
        the recipients it refused (SENS refuses none when sent: it fails their delivery); a
        request the fake never received has none, as the providers' look-ups answer.
        """
        check_request_id(request_id)
        self._check_open("delivery_results")
        request = self._by_request_id.get(request_id)
        if request is None:
            return []
        if request.request_id in self.cancelled:
            common: tuple[DeliveryStatus, str | None] | None = (DeliveryStatus.CANCELLED, None)
        elif self._waiting(request):
            common = (DeliveryStatus.PENDING, None)
        else:
            common = None  # gone out: each recipient as set_delivery set it, else delivered
        country_code = request.message.country_code
        results = []
        # The message id numbers the recipient in its request, as NHN's recipientSeq: each
        # message its own, two to one number included.
        for position, recipient in enumerate(request.recipients, start=1):
            if recipient.number in request.refused:
                continue
            status, code = common or self.delivery_rules.get(
                (country_code, recipient.number), (DeliveryStatus.DELIVERED, "0")
            )
            results.append(
                DeliveryResult(
                    request_id=request.request_id,
                    recipient=recipient.number,
                    status=status,
                    code=code,
                    message_id=f"{request.request_id}-{position}",
                )
            )
        return results

    def _waiting(self, request: FakeRequest) -> bool:
        """Whether ``request`` is a reservation :attr:`clock` has not reached yet, as the
        providers take it: to the minute (one for 10:02:30 goes out at 10:02)."""
        reserve_at = request.message.reserve_at
        if reserve_at is None:
            return False
        precision = self.rules.reserve_precision
        if precision is not None:
            reserve_at = cut_to_precision(reserve_at, precision)
        return reserve_at > self.now()

    async def cancel_reservation(self, request_id: str) -> None:
        """Mark a reserved request cancelled; like both providers, raise
        :class:`krsms.NotFoundError` when no reservation waits under ``request_id`` (unknown,
        not a reservation, already cancelled, come due by :attr:`clock`, or every recipient
        refused)."""
        check_request_id(request_id)
        self._check_open("cancel_reservation")
        request = self._by_request_id.get(request_id)
        waiting = (
            request is not None
            and self._waiting(request)
            and any(recipient.number not in request.refused for recipient in request.recipients)
        )
        if not waiting or request_id in self.cancelled:
            raise errors.NotFoundError(
                f"no reservation waits under request {request_id}", provider=self.provider, status_code=404
            )
        self.cancelled.add(request_id)

    async def aclose(self) -> None:
        """Close the fake: like a real gateway whose HTTP client is closed, it sends nothing
        from now on (NOT_SENT, code ``UnsendableRequestError``), and its look-ups, cancels and
        uploads raise :class:`krsms.UnsendableRequestError`."""
        self.closed = True

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        requests = getattr(self, "requests", None)
        return (
            f"FakeGateway(requests={None if requests is None else len(requests)}, "
            f"batch_size={getattr(self, 'batch_size', None)}, "
            f"max_concurrency={getattr(self, 'max_concurrency', None)}, closed={getattr(self, 'closed', None)})"
        )


class _ImageNotFoundError(errors.NotFoundError):
    """A message's image id names no image uploaded to the fake: every batch would be refused."""

    fatal = True


def _number_key(number: str, country_code: str | None) -> tuple[str, str]:
    """(Country code, number as dialled there) of ``number``, written in any form: with ``+``
    and its country code, as dialled in ``country_code``'s country, or else as Korean."""
    check_is_text(number, field="number", number=True)
    if country_code is None:
        written = without_separators(number)
        country_code = calling_code(written[1:]) if written.startswith("+") else KOREA
    check_country_code(country_code)
    return country_code, normalize_number(number, country_code=country_code)


def _check_hook(name: str, hook: object) -> None:
    """Refuse a ``hook`` the fake cannot call when it is made, as :class:`~krsms.SendProgress`
    refuses its ``on_sending``, not at every send: a coroutine (an async hook called instead
    of passed) is the usual one."""
    if hook is not None and not callable(hook):
        raise TypeError(f"{name} must be a function or a coroutine function (FakeHook), not {type(hook).__name__}")


async def _call_hook(hook: FakeHook, request: FakeRequest) -> None:
    """Call ``hook`` with ``request``; await what it returns when that is awaitable."""
    result = hook(request)
    if inspect.isawaitable(result):
        await result


NUMBERS_AVAILABLE = 10**8
"""How many distinct numbers :func:`numbers` can give: ``010`` and 8 digits."""


def numbers(count: int, *, start: int = 0) -> Iterator[str]:
    """``count`` distinct valid mobile numbers, ``010`` and 8 digits counted from ``start``
    (``01000000000``, ``01000000001``, ...), for tests; ``ValueError`` when ``count`` or
    ``start`` is negative, or ``start + count`` passes :data:`NUMBERS_AVAILABLE` (the last is
    ``01099999999``)."""
    if count < 0 or start < 0 or start + count > NUMBERS_AVAILABLE:
        raise ValueError(
            f"numbers(count={count}, start={start}): count and start must be 0 or more and start + count "
            f"at most {NUMBERS_AVAILABLE:,} (010 and 8 digits, 01000000000 to 01099999999)"
        )
    return (f"010{offset:08d}" for offset in range(start, start + count))


def sens_gateway_for(
    server: EmulatorServer,
    *,
    http_client: HttpClient | None = None,
    max_concurrency: int = 8,
    timeout: float | Timeouts | None = None,
    limits: Limits | None = None,
    retry: RetryStrategy | None = None,
    requests_per_second: float | None = None,
    reconcile: bool = True,
    resend_missing: bool = False,
    drain_timeout: float = 0.0,
    reconcile_delay: float = 0.0,
) -> SensGateway:
    """A :class:`~krsms.SensGateway` with the keys and service id ``server`` checks (the demo
    ones unless its :class:`~krsms.emulator.EmulatorConfig` gives others), pointed at it; the
    other arguments are the gateway's, with its defaults.

    ``reconcile_delay`` is 0 unless given (a real gateway waits 10 s): the emulator lists a
    send as soon as it records it (unless ``Faults.listing_lag`` is set: give a
    ``reconcile_delay`` longer than the lag), so one look-up settles a lost answer. A
    ``slow`` fault records a request ``slow_delay`` seconds late: give a longer delay to test
    that case.
    """
    from krsms.sens import SensGateway

    config = server.config
    return SensGateway(
        access_key=config.sens_access_key,
        secret_key=config.sens_secret_key,
        service_id=config.sens_service_id,
        base_url=server.base_url,
        http_client=http_client,
        max_concurrency=max_concurrency,
        timeout=timeout,
        limits=limits,
        retry=retry,
        requests_per_second=requests_per_second,
        reconcile=reconcile,
        resend_missing=resend_missing,
        drain_timeout=drain_timeout,
        reconcile_delay=reconcile_delay,
    )


def nhn_gateway_for(
    server: EmulatorServer,
    *,
    secret_key: str | None = None,
    http_client: HttpClient | None = None,
    max_concurrency: int = 8,
    timeout: float | Timeouts | None = None,
    limits: Limits | None = None,
    retry: RetryStrategy | None = None,
    requests_per_second: float | None = None,
    reconcile: bool = True,
    resend_missing: bool = False,
    drain_timeout: float = 0.0,
    reconcile_delay: float = 0.0,
    authentication: bool = False,
) -> NhnGateway:
    """An :class:`~krsms.NhnGateway` with the appKey ``server`` checks (the demo one unless its
    :class:`~krsms.emulator.EmulatorConfig` gives another), and its ``nhn_secret_key`` when
    ``secret_key`` is not given, pointed at it; the other arguments are the gateway's, with
    its defaults.

    ``reconcile_delay`` is 0 unless given (a real gateway waits 10 s): the emulator lists a
    send as soon as it records it (unless ``Faults.listing_lag`` is set: give a
    ``reconcile_delay`` longer than the lag), so one look-up settles a lost answer. A
    ``slow`` fault records a request ``slow_delay`` seconds late: give a longer delay to test
    that case.
    """
    from krsms.nhn import NhnGateway

    return NhnGateway(
        app_key=server.config.nhn_app_key,
        base_url=server.base_url,
        secret_key=server.config.nhn_secret_key if secret_key is None else secret_key,
        http_client=http_client,
        max_concurrency=max_concurrency,
        timeout=timeout,
        limits=limits,
        retry=retry,
        requests_per_second=requests_per_second,
        reconcile=reconcile,
        resend_missing=resend_missing,
        drain_timeout=drain_timeout,
        reconcile_delay=reconcile_delay,
        authentication=authentication,
    )
