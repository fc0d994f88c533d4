"""NhnGateway: the provider-neutral :class:`~krsms.gateway.SmsGateway` on top of NHN Cloud SMS.

NHN has one ``body`` (and ``title``) per request, so recipients are grouped by kind, text and
subject, then cut at 1,000 per request. SMS goes to ``/sender/sms``, LMS and MMS to
``/sender/mms`` (``/sender/ad-sms`` and ``/sender/ad-mms`` for advertisements); images are
``attachFileIdList``, reservations ``requestDate`` (at most 60 days ahead), templates
``templateId`` with each recipient's ``templateParameter``.

Each batch carries a fresh ``senderGroupingKey``. NHN answers per recipient
(``sendResultList``): ``resultCode`` 0 is ACCEPTED, anything else REJECTED with that code. A
batch whose answer was lost is found again by its grouping key through the send look-up.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import AsyncIterator, Hashable, Sequence
from datetime import datetime, timedelta, timezone

import attrs

from krsms.errors import ValidationError, excerpt
from krsms.fanout import NOT_RECEIVED, RECONCILE_DELAY, Batch, BatchAttempt, BatchingGateway
from krsms.gateway import (
    DeliveryResult,
    DeliveryStatus,
    Message,
    Outcomes,
    Recipient,
    RecipientOutcome,
    SendStatus,
    UploadedImage,
)
from krsms.nhn import bulk
from krsms.nhn.api import DEFAULT_BASE_URL, NhnApi
from krsms.nhn.checks import MAX_RESERVE_AHEAD, RESERVE_PRECISION, check_send_no, check_send_template_id
from krsms.nhn.client import (
    AD_MMS_PATH,
    AD_SMS_PATH,
    AUTH_SMS_PATH,
    MAX_RECIPIENTS,
    MMS_PATH,
    SMS_PATH,
    NhnClient,
)
from krsms.nhn.converter import MinuteTime
from krsms.nhn.errors import PROVIDER, NhnError, SendNotFoundError
from krsms.nhn.models import (
    ReservationKey,
    ReservationQuery,
    SendQuery,
    SendRecipient,
    SendRequest,
    SentMessage,
)
from krsms.phone_numbers import KOREA, normalize_number
from krsms.redaction import Redactor, answers_out_of_tracebacks, keys_out_of_tracebacks
from krsms.retry import RetryStrategy
from krsms.text import STANDARD_LIMITS, MessageKind
from krsms.transport import HttpClient, Limits, Response, Timeouts
from krsms.validation import ProviderRules, check_request_id

NHN_RULES = ProviderRules(
    # NHN's character caps (255 / 4,000 / 120) are never the binding ones: every character
    # is at least one byte, and the byte limits are 90 / 2,000 / 40.
    limits=STANDARD_LIMITS,
    max_reserve_ahead=MAX_RESERVE_AHEAD,
    reserve_precision=RESERVE_PRECISION,
    supports_templates=True,
    requires_ad_notice=True,
    long_needs_subject=True,
    long_only_in_korea=True,
)
"""NHN's documented rules: the standard byte limits, reservations to the minute and at most 60
days ahead, templates, the advertisement notice, a subject for LMS and MMS, and LMS and MMS
within Korea only."""
BATCH_SIZE = MAX_RECIPIENTS
"""``recipientList`` entries per send request."""
UPDATE_USER = "krsms"
"""``createUser`` / ``updateUser`` the gateway names itself as."""
RECONCILE_SLACK = timedelta(days=7)
"""Widens the look-up window around a lost batch, for a local clock that is off NHN's: the
batch's ``senderGroupingKey`` is unique, so a wide window finds nothing else."""
REQUEST_FAILED = "3"
"""``statusCode`` of a send NHN took in but failed as a whole."""
RESERVED_STATUS = "RESERVED"
"""N34 ``messageStatus`` of a reserved recipient still waiting to go out."""
CANCELLED_RESERVATION = "CANCEL"
"""N34 ``messageStatus`` of a reserved recipient cancelled."""
SENT_STATUS = "3"
"""``msgStatus`` of a message whose send request completed (3: success): handed to the
carrier, the handset's result in ``resultCode`` (none yet, :data:`DELIVERED_CODES` delivered,
any other failed)."""
DELIVERED_CODES = frozenset({"1000", "MTR1"})
"""``resultCode`` of a message the handset received: the carriers' receipt table's success
(``1000``, the look-up examples' code) and the send look-up code table's (``MTR1``; its
``MTR2`` is the failure)."""
DUPLICATE_SEND_STATUS = "5"
"""``msgStatus`` of a message NHN refused as a duplicate of one just sent."""
FAILED_STATUSES = frozenset({"0", DUPLICATE_SEND_STATUS, "6"})
"""``msgStatus`` failed, failed as a duplicate send, failed by advertising limits."""
CANCELLED_STATUS = "4"
"""``msgStatus`` of a cancelled reservation."""


def check_sender_and_template(message: Message) -> None:
    """NHN's ``sendNo`` (at most 13 digits) and ``templateId`` (at most 50 characters) limits,
    which the shared rules do not cover."""
    check_send_no(normalize_number(message.sender, field="sender"), field="sender")
    if message.template_id is not None:
        check_send_template_id(message.template_id)


class NhnGateway(BatchingGateway):
    """Sends neutral messages through NHN Cloud SMS; :attr:`client` reaches the whole NHN API.

    ``base_url`` is scheme and host: :data:`~krsms.nhn.api.DEFAULT_BASE_URL` (the v2.2
    document's) or :data:`~krsms.nhn.api.NHN_CLOUD_BASE_URL` (NHN's newer documents), or the
    emulator's. ``secret_key`` is the optional ``X-Secret-Key``. ``http_client`` is borrowed
    and never closed; without one the gateway owns a client (its pool sized by ``limits``,
    :class:`~krsms.Limits`). ``reconcile`` resolves lost
    answers by ``senderGroupingKey``; ``resend_missing`` resends what NHN provably never got
    (absent from two look-ups ``reconcile_delay`` seconds apart); ``drain_timeout`` lets
    in-flight requests finish on cancellation. ``authentication=True`` sends through
    ``/sender/auth/sms``, NHN's endpoint for authentication codes (SMS only).
    """

    provider = PROVIDER
    """``"nhn"`` (:data:`~krsms.nhn.errors.PROVIDER`)."""
    batch_size = BATCH_SIZE
    """At most 1,000 ``recipientList`` entries per send request (:data:`BATCH_SIZE`)."""
    rules: ProviderRules = NHN_RULES
    """NHN's documented rules (:data:`NHN_RULES`); a gateway made with ``authentication=True``
    sends SMS only."""

    @keys_out_of_tracebacks
    def __init__(
        self,
        *,
        app_key: str,
        secret_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        http_client: HttpClient | None = None,
        max_concurrency: int = 8,
        timeout: float | Timeouts | None = None,
        limits: Limits | None = None,
        retry: RetryStrategy | None = None,
        requests_per_second: float | None = None,
        reconcile: bool = True,
        resend_missing: bool = False,
        drain_timeout: float = 0.0,
        reconcile_delay: float = RECONCILE_DELAY,
        authentication: bool = False,
    ):
        self._sends_secret_key = bool(secret_key)  # for the repr: whether X-Secret-Key goes, never the key
        self.authentication = authentication
        """True: every send goes through ``/sender/auth/sms`` (SMS only)."""
        if authentication:
            self.rules = attrs.evolve(NHN_RULES, sms_only=True, requires_ad_notice=False)
        self.client: NhnClient = NhnClient(
            app_key=app_key,
            secret_key=secret_key,
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            limits=limits,
            retry=retry,
            max_concurrency=max_concurrency,
        )
        """The :class:`~krsms.nhn.NhnClient` the gateway sends through: the whole NHN API, on
        the same HTTP client."""
        super().__init__(
            transport=self.client.api.transport,
            max_concurrency=max_concurrency,
            requests_per_second=requests_per_second,
            reconcile=reconcile,
            resend_missing=resend_missing,
            drain_timeout=drain_timeout,
            reconcile_delay=reconcile_delay,
        )

    # -- fan-out hooks --------------------------------------------------------------------

    def check_message(self, message: Message) -> None:
        """The shared rules; NHN's ``sendNo`` and ``templateId`` lengths and numeric attachment
        ids; no advertisement as an authentication SMS."""
        super().check_message(message)
        if self.authentication and message.advertisement:
            raise ValidationError(
                "advertisement",
                "is True, but an authentication SMS cannot be an advertisement",
                limit="False",
                value=True,
            )
        check_sender_and_template(message)
        for position, image in enumerate(message.images):
            if not (image.isascii() and image.isdigit()):
                raise ValidationError(
                    f"images[{position}]",
                    f"{excerpt(image)!r} is not an NHN attachment id, which is a number (upload the "
                    "image with upload_image first)",
                    limit="a number",
                    value=image,
                )

    def batch_key(self, message: Message, recipient: Recipient, kind: MessageKind) -> Hashable:
        """One body and title per request: recipients share a request only if they share both."""
        subject = message.subject_for(recipient) if kind is not MessageKind.SMS else None
        return kind, message.text_for(recipient), subject

    def send_request(self, message: Message, batch: Batch, attempt: BatchAttempt) -> SendRequest:
        """The body of one batch's send request, typed (:meth:`send_batch` sends the same body,
        its recipients built as plain JSON values)."""
        country_code = self._recipient_country(message)
        recipients = tuple(
            SendRecipient(
                recipient_no=recipient.number,
                country_code=country_code,
                template_parameter=dict(recipient.template_parameters) if recipient.template_parameters else None,
            )
            for recipient in batch.recipients
        )
        return attrs.evolve(self._shared_request(message, batch, attempt), recipient_list=recipients)

    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> Sequence[RecipientOutcome]:
        """One send request; each recipient's outcome from its ``sendResultList`` entry.

        The recipients travel as plain JSON values both ways (:mod:`krsms.nhn.bulk`), not as a
        model object each, and bare numbers are written in one join: the same body as
        :meth:`send_request`'s, without an object per recipient to build and encode.
        """
        shared = self.client.api.dump(self._shared_request(message, batch, attempt))
        body = bulk.send_body(shared, batch.recipients, self._recipient_country(message))
        path = self._send_path(batch.kind, advertisement=message.advertisement)
        api = self.client.api
        response = await api.call_response("POST", path, json=body, idempotent=False)
        return _read_outcomes(batch, api, response)

    def _shared_request(self, message: Message, batch: Batch, attempt: BatchAttempt) -> SendRequest:
        """What every recipient of the batch shares, with an empty recipient list."""
        first = batch.recipients[0]  # the batch key makes every recipient's text and subject equal
        subject = message.subject_for(first)
        return SendRequest(
            send_no=normalize_number(message.sender, field="sender"),
            body=message.text_for(first) or None,
            title=subject if batch.kind is not MessageKind.SMS else None,
            template_id=message.template_id,
            request_date=MinuteTime(message.reserve_at) if message.reserve_at else None,
            sender_grouping_key=attempt.key,
            attach_file_id_list=tuple(int(image) for image in message.images) or None,
            recipient_list=(),
        )

    @staticmethod
    def _recipient_country(message: Message) -> str | None:
        """``countryCode`` of every recipient: left out for Korea, NHN's default."""
        return message.country_code if message.country_code != KOREA else None

    def _send_path(self, kind: MessageKind, *, advertisement: bool) -> str:
        if self.authentication:
            return AUTH_SMS_PATH
        if kind is MessageKind.SMS:
            return AD_SMS_PATH if advertisement else SMS_PATH
        return AD_MMS_PATH if advertisement else MMS_PATH

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> Sequence[RecipientOutcome] | None:
        """Look the batch up by its ``senderGroupingKey``: each recipient NHN holds is ACCEPTED,
        one it lacks (refused at the send, or not listed yet) UNKNOWN, and when it holds
        nothing at all the batch never arrived (NOT_SENT).

        ACCEPTED whatever the ``msgStatus`` listed: every state is one of a message NHN took
        (N34 shows a reserved recipient, accepted by its send answer, turning FAILED,
        DUPLICATED, FAILED_AD or CANCEL: N2's 0, 5, 6 and 4), so the send answer said
        ``resultCode`` 0; :meth:`delivery_results` reports the failure or the cancel.

        The windows are wide, a week either side, for a local clock that is off NHN's: the
        key is unique, so they find nothing else (and stay within NHN's one-month limit, -4000).
        Both are given, as the document's tables ask: the create date (when NHN registered the
        send) and the request date (when it goes out: a reservation's reserved moment).
        """
        now = datetime.now(timezone.utc)
        goes_out = message.reserve_at or attempt.started_at
        query = SendQuery(
            start_request_date=goes_out - RECONCILE_SLACK,
            end_request_date=(message.reserve_at or now) + RECONCILE_SLACK,
            start_create_date=attempt.started_at - RECONCILE_SLACK,
            end_create_date=now + RECONCILE_SLACK,
            sender_grouping_key=attempt.key,
            page_size=BATCH_SIZE,
        )
        found: dict[str, deque[SentMessage]] = defaultdict(deque)
        async for sent in self._iter_sent(batch.kind, query):
            found[sent.recipient_no].append(sent)
        if not found:
            return batch.outcomes(
                SendStatus.NOT_SENT,
                code=NOT_RECEIVED,
                # NHN's look-ups list the recipients it took only: a batch it refused whole
                # looks the same (docs/nhn.md).
                detail="NHN lists no send with this batch's key (never received, or every recipient refused)",
            )
        redact = self.client.api.redact  # an outcome's request id, as send_batch's are
        outcomes = []
        for index, recipient in batch.entries:
            matches = found.get(recipient.number)
            if not matches:
                outcomes.append(
                    RecipientOutcome(recipient=recipient, status=SendStatus.UNKNOWN, index=index, detail="not found")
                )
                continue
            sent = matches.popleft()
            outcomes.append(
                RecipientOutcome(
                    recipient=recipient,
                    status=SendStatus.ACCEPTED,
                    request_id=redact(sent.request_id),
                    index=index,
                    detail="found by reconciliation",
                )
            )
        return outcomes

    def _iter_sent(self, kind: MessageKind, query: SendQuery) -> AsyncIterator[SentMessage]:
        if self.authentication:
            return self.client.iter_auth_sms(query)
        return self.client.iter_sms(query) if kind is MessageKind.SMS else self.client.iter_mms(query)

    # -- the rest of SmsGateway -----------------------------------------------------------

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store a JPEG (``/attachfile/binaryUpload``); pass the returned ``id`` in :attr:`Message.images`."""
        uploaded = await self.client.upload_attachment(file_name, content, create_user=UPDATE_USER)
        return UploadedImage(id=str(uploaded.file_id), file_name=uploaded.file_name)

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """Every recipient of a send request: SMS look-up first, then LMS/MMS (a look-up that
        answers "no such request" moves on to the next); an authentication gateway's sends
        are SMS only, listed by one look-up (N8). What NHN wrote into a result goes through
        the redactor, as into a send's outcomes."""
        check_request_id(request_id)
        query = SendQuery(request_id=request_id, page_size=BATCH_SIZE)
        kinds = (MessageKind.SMS,) if self.authentication else (MessageKind.SMS, MessageKind.LMS)
        redact = self.client.api.redact
        for kind in kinds:
            try:
                results = [_delivery_result(sent, redact) async for sent in self._iter_sent(kind, query)]
            except SendNotFoundError:
                continue
            if results:
                return results
        return []

    async def cancel_reservation(self, request_id: str) -> None:
        """Cancel every recipient of a reserved send still waiting (N34 look-up, then N36).

        Raises :class:`krsms.NotFoundError` when no recipient of ``request_id`` is waiting
        (unknown, already sent or already cancelled), and :class:`krsms.ProviderError` when
        NHN cancels fewer than asked (some went out meanwhile).
        A ``request_id`` that is not text or is blank is refused: without one, NHN lists (and
        this would cancel) every waiting reservation of the appKey.
        """
        check_request_id(request_id)
        query = ReservationQuery(request_id=request_id, message_status=RESERVED_STATUS, page_size=BATCH_SIZE)
        keys = [
            ReservationKey(request_id=reservation.request_id, recipient_seq=reservation.recipient_seq)
            async for reservation in self.client.iter_reservations(query)
        ]
        if not keys:
            raise SendNotFoundError(f"no reserved recipient waits under request {request_id}", provider=self.provider)
        result = await self.client.cancel_reservations(keys, update_user=UPDATE_USER)
        if result.canceled_count < result.requested_count:
            # A cancel retried after its answer was lost cancels nothing the second time: ask
            # what became of the recipients before saying some went out.
            look_up = ReservationQuery(request_id=request_id, page_size=BATCH_SIZE)
            asked = {key.recipient_seq for key in keys}
            left = [
                reservation
                async for reservation in self.client.iter_reservations(look_up)
                if reservation.recipient_seq in asked and reservation.message_status != CANCELLED_RESERVATION
            ]
            if left:
                raise NhnError(
                    f"{len(left)} of the {len(keys)} reserved recipients of {request_id} were not cancelled: "
                    "they had gone out or were going out",
                    provider=self.provider,
                )

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        # What is not secret and tells gateways apart: whether requests carry X-Secret-Key (a
        # -1004 answer asks), and whether sends go to the authentication-code endpoint (SMS only).
        secret_key = "***" if getattr(self, "_sends_secret_key", False) else None
        return (
            f"NhnGateway(secret_key={secret_key}, authentication={getattr(self, 'authentication', None)}, "
            f"max_concurrency={getattr(self, 'max_concurrency', None)})"
        )


@answers_out_of_tracebacks
def _read_outcomes(batch: Batch, api: NhnApi, response: Response) -> Outcomes:
    """Each recipient's outcome from ``response``, the answer to the batch's send
    (:func:`_outcomes`); MalformedResponseError when it does not fit, its traceback holding no
    part of the answer."""
    answer = bulk.read_answer(api.unwrap(response), redact=api.redact, answering=response)
    return _outcomes(batch, answer, api.redact)


def _outcomes(batch: Batch, answer: bulk.BatchAnswer, redact: Redactor) -> Outcomes:
    """Each recipient's outcome from a send's answer. What NHN wrote goes through ``redact``:
    the request id once, and the message of each refused recipient (the accepted carry none)."""
    request_id = redact(answer.request_id)
    if answer.status_code == REQUEST_FAILED:
        return batch.outcomes(
            SendStatus.REJECTED,
            request_id=request_id,
            code=f"statusCode {REQUEST_FAILED}",
            detail="NHN answered the request failed (statusCode 3)",
        )
    numbers = batch.recipients.numbers
    if answer.accepts_all_in_order(len(numbers)):
        return batch.outcomes(SendStatus.ACCEPTED, request_id=request_id)
    results = answer.results(redact=redact)
    entries: Sequence[int | None] | None = _entries_in_request_order(results, len(numbers))
    if entries is None:
        in_order = results.recipient_nos == list(numbers)
        entries = range(len(numbers)) if in_order else _matched_by_number(numbers, results)
    if isinstance(entries, range) and results.result_codes.count(0) == len(numbers):
        return batch.outcomes(SendStatus.ACCEPTED, request_id=request_id)
    statuses, codes, details = zip(*(_settled(results, entry, redact) for entry in entries), strict=True)
    return Outcomes(
        recipients=batch.recipients,
        indexes=batch.indexes,
        statuses=statuses,
        request_ids=(request_id,) * len(numbers),
        codes=codes,
        details=details,
    )


def _entries_in_request_order(results: bulk.SendResults, count: int) -> Sequence[int] | None:
    """For each recipient in request order, the position of its entry by ``recipientSeq``
    (1 to ``count``, one each, as NHN numbers the recipients it was sent); None when the
    entries do not carry exactly those. The sequence tells apart two entries for one number,
    and a number NHN writes in another form."""
    seqs = results.recipient_seqs
    if len(seqs) != count:
        return None
    if seqs == list(range(1, count + 1)):
        return range(count)
    by_seq = {seq: position for position, seq in enumerate(seqs)}
    if by_seq.keys() != set(range(1, count + 1)):
        return None
    return [by_seq[seq] for seq in range(1, count + 1)]


def _matched_by_number(numbers: Sequence[str], results: bulk.SendResults) -> list[int | None]:
    """For each recipient, the position of its entry when NHN listed them in another order
    (or left some out): None for one without an entry."""
    by_number: dict[str, deque[int]] = defaultdict(deque)
    for position, number in enumerate(results.recipient_nos):
        by_number[number].append(position)
    matched: list[int | None] = []
    for number in numbers:
        queue = by_number.get(number)
        matched.append(queue.popleft() if queue else None)
    return matched


def _settled(
    results: bulk.SendResults, entry: int | None, redact: Redactor
) -> tuple[SendStatus, str | None, str | None]:
    """Status, code and detail of a recipient from its ``sendResultList`` entry (None: none);
    a refused recipient's ``resultMessage`` goes through ``redact`` (its code is a number)."""
    if entry is None:
        return SendStatus.UNKNOWN, None, "missing from sendResultList"
    code = results.result_codes[entry]
    if code == 0:
        return SendStatus.ACCEPTED, None, None
    message = results.result_messages[entry]
    return SendStatus.REJECTED, str(code), None if message is None else redact(message)


def _delivery_result(sent: SentMessage, redact: Redactor) -> DeliveryResult:
    # The words for the status: once the handset's receipt is in, its code's name; before,
    # the send status's (whose "success" after msgStatus 3 says only the request completed).
    detail = sent.msg_status_name
    if sent.msg_status == SENT_STATUS:
        if not sent.result_code:
            status = DeliveryStatus.PENDING  # with the carrier, no receipt yet
        elif sent.result_code in DELIVERED_CODES:
            status = DeliveryStatus.DELIVERED
        else:
            status = DeliveryStatus.FAILED  # a receipt code such as 3015 (no delivery path)
        if sent.result_code:
            detail = sent.result_code_name
    elif sent.msg_status in FAILED_STATUSES:
        status = DeliveryStatus.FAILED
    elif sent.msg_status == CANCELLED_STATUS:
        status = DeliveryStatus.CANCELLED
    else:
        status = DeliveryStatus.PENDING
    return DeliveryResult(
        request_id=redact(sent.request_id),
        recipient=sent.recipient_no,
        status=status,
        code=None if sent.result_code is None else redact(sent.result_code),
        detail=None if detail is None else redact(detail),
        completed_at=sent.result_date,
        message_id=str(sent.recipient_seq),
    )
