"""SensGateway: the provider-neutral :class:`~krsms.gateway.SmsGateway` on top of SENS.

A neutral :class:`~krsms.gateway.Message` becomes SENS send requests of at most 100
``messages``: one request per kind (SMS, LMS, MMS), with per-recipient ``content`` and
``subject`` where a recipient has its own, ``contentType: AD`` for advertisements, images as
``files[].fileId`` and reservations as ``reserveTime`` in Asia/Seoul. SENS accepts or refuses
a request as a whole, so every recipient of an accepted request is ACCEPTED with its
``requestId``; per-handset results come later through :meth:`SensGateway.delivery_results`.

A batch whose answer was lost (a 5xx, a timeout after sending) is looked up in the request
look-up (S3) over the batch's time window, filtered by sender: a request holding exactly the
batch's numbers makes it ACCEPTED; no trace of any of them makes it NOT_SENT (resent only with
``resend_missing=True``); anything else stays UNKNOWN.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from datetime import datetime, timedelta, timezone

import httpx

from krsms import errors
from krsms.fanout import NOT_RECEIVED, RECONCILE_DELAY, Batch, BatchAttempt, BatchingGateway
from krsms.gateway import (
    DeliveryResult,
    DeliveryStatus,
    Message,
    Recipient,
    RecipientOutcome,
    SendStatus,
    UploadedImage,
)
from krsms.sens.client import DEFAULT_BASE_URL, SensClient
from krsms.sens.errors import ServiceNotFoundError
from krsms.sens.models import (
    DEFAULT_TIME_ZONE,
    ContentType,
    FileReference,
    MessageQuery,
    MessageSummary,
    MessageType,
    SendMessage,
    SendRequest,
)
from krsms.text import STANDARD_LIMITS, MessageKind, byte_length, normalize_number
from krsms.transport import RetryPolicy, Timeouts
from krsms.validation import ProviderRules

SENS_RULES = ProviderRules(limits=STANDARD_LIMITS, reserve_precision=timedelta(minutes=1), requires_ad_notice=True)
"""SENS's documented rules: the standard byte limits, reservations to the minute; no image
count or reservation horizon. Advertisements carry the notice the law asks, as SENS's own
advertisement example does (``(광고) ... [무료 수신거부]080...``): SENS does not document
refusing one without it, so the check keeps an SMS sent through SENS as lawful as one sent
through NHN."""
BATCH_SIZE = 100
"""``messages`` per send request."""
RECONCILE_SLACK = timedelta(seconds=2)
"""Widens the look-up window around a lost batch (SENS times are to the second)."""
DELIVERED_CODE = "0"


class SensGateway(BatchingGateway):
    """Sends neutral messages through NCP SENS; :attr:`client` reaches the whole SENS API.

    ``base_url`` is scheme and host (the emulator's, in tests). ``http_client`` is borrowed
    and never closed; without one the gateway owns a client and closes it on ``aclose()`` /
    ``async with``. ``reconcile`` resolves lost answers through the look-up;
    ``resend_missing`` resends what the look-up proves never arrived (absent from two
    look-ups ``reconcile_delay`` seconds apart); ``drain_timeout`` lets in-flight requests
    finish on cancellation.
    """

    provider = "sens"
    batch_size = BATCH_SIZE
    rules = SENS_RULES

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        service_id: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: httpx.AsyncClient | None = None,
        max_concurrency: int = 8,
        timeout: float | Timeouts | None = None,
        retry: RetryPolicy | None = None,
        requests_per_second: float | None = None,
        reconcile: bool = True,
        resend_missing: bool = False,
        drain_timeout: float = 0.0,
        reconcile_delay: float = RECONCILE_DELAY,
    ):
        self.client = SensClient(
            access_key=access_key,
            secret_key=secret_key,
            service_id=service_id,
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            retry=retry,
            max_concurrency=max_concurrency,
        )
        super().__init__(
            transport=self.client.transport,
            max_concurrency=max_concurrency,
            requests_per_second=requests_per_second,
            reconcile=reconcile,
            resend_missing=resend_missing,
            drain_timeout=drain_timeout,
            reconcile_delay=reconcile_delay,
        )

    # -- fan-out hooks --------------------------------------------------------------------

    def batch_key(self, message: Message, recipient: Recipient, kind: MessageKind) -> Hashable:
        """SENS carries each recipient's own text and subject in one request: only the kind splits."""
        return kind

    async def send_batch(self, message: Message, batch: Batch, attempt: BatchAttempt) -> list[RecipientOutcome]:
        """One S1 request; SENS accepts it whole, so every recipient shares its ``requestId``.

        A 404 means no such service id: raised as the fatal :class:`ServiceNotFoundError`.
        """
        try:
            result = await self.client.send(self.send_request(message, batch))
        except errors.NotFoundError as error:
            raise ServiceNotFoundError(
                error.message,
                provider=error.provider,
                status_code=error.status_code,
                code=error.code,
                request_id=error.request_id,
            ) from error
        return batch.outcomes(SendStatus.ACCEPTED, request_id=result.request_id)

    def send_request(self, message: Message, batch: Batch) -> SendRequest:
        """The S1 body of one batch."""
        kind = batch.kind
        takes_subject = kind is not MessageKind.SMS
        content = _default_content(message, batch)
        return SendRequest(
            type=MessageType(kind.value),
            content_type=ContentType.AD if message.advertisement else None,
            country_code=None if message.country_code == "82" else message.country_code,
            from_=normalize_number(message.sender, field="sender"),
            subject=message.subject if takes_subject else None,
            content=content,
            messages=tuple(
                SendMessage(
                    to=recipient.number,
                    content=recipient.text if recipient.text not in (None, content) else None,
                    subject=recipient.subject if takes_subject else None,
                )
                for recipient in batch.recipients
            ),
            files=tuple(FileReference(file_id=image) for image in message.images) or None,
            reserve_time=message.reserve_at,
            reserve_time_zone=DEFAULT_TIME_ZONE if message.reserve_at else None,
        )

    async def reconcile_batch(
        self, message: Message, batch: Batch, attempt: BatchAttempt
    ) -> list[RecipientOutcome] | None:
        """Find the batch in the request look-up over its time window, by sender.

        A reserved batch cannot be found: SENS lists no messages of a request still reserved,
        so an empty look-up proves nothing (None: the batch stays UNKNOWN).
        """
        if message.reserve_at is not None:
            return None
        query = MessageQuery(
            request_start_time=attempt.started_at.replace(microsecond=0) - RECONCILE_SLACK,
            request_end_time=datetime.now(timezone.utc) + RECONCILE_SLACK,
            from_=normalize_number(message.sender, field="sender"),
            page_size=100,
        )
        wanted = Counter(recipient.number for recipient in batch.recipients)
        requests: defaultdict[str, Counter[str]] = defaultdict(Counter)
        async for found in self.client.iter_messages(query):
            requests[found.request_id][found.to] += 1
        matching = [request_id for request_id, numbers in requests.items() if numbers == wanted]
        if len(matching) == 1:
            return batch.outcomes(SendStatus.ACCEPTED, request_id=matching[0], detail="found by reconciliation")
        if not any(wanted.keys() & numbers.keys() for numbers in requests.values()):
            return batch.outcomes(
                SendStatus.NOT_SENT, code=NOT_RECEIVED, detail="SENS has no request for these recipients"
            )
        return None

    # -- the rest of SmsGateway -----------------------------------------------------------

    async def upload_image(self, content: bytes, *, file_name: str) -> UploadedImage:
        """Store a JPEG (S2) for MMS; pass the returned ``id`` in :attr:`Message.images`."""
        uploaded = await self.client.upload_file(file_name, content)
        return UploadedImage(id=uploaded.file_id, file_name=file_name, expires_at=uploaded.expire_time)

    async def delivery_results(self, request_id: str) -> list[DeliveryResult]:
        """Every message of a send request (S3, all pages). A reservation that has not gone
        out yet lists no messages (SENS answers ``statusName: reserved``)."""
        return [
            _delivery_result(summary)
            async for summary in self.client.iter_messages(MessageQuery(request_id=request_id))
        ]

    async def cancel_reservation(self, request_id: str) -> None:
        """Cancel a reserved send (S6); its ``requestId`` is the ``reserveId``."""
        await self.client.cancel_reservation(request_id)

    def __repr__(self) -> str:
        return f"SensGateway(service_id={self.client.service_id!r}, max_concurrency={self.max_concurrency})"


def _default_content(message: Message, batch: Batch) -> str:
    """The request's default ``content``: the message text if it fits the batch's kind,
    otherwise the first recipient's own text (every recipient then carries its own)."""
    limit = STANDARD_LIMITS.sms_bytes if batch.kind is MessageKind.SMS else STANDARD_LIMITS.long_bytes
    if message.text and byte_length(message.text) <= limit:
        return message.text
    return next((recipient.text for recipient in batch.recipients if recipient.text), message.text)


def _delivery_result(summary: MessageSummary) -> DeliveryResult:
    if summary.status == "COMPLETED":
        status = DeliveryStatus.DELIVERED if summary.status_code == DELIVERED_CODE else DeliveryStatus.FAILED
    else:
        status = DeliveryStatus.PENDING
    return DeliveryResult(
        request_id=summary.request_id,
        recipient=summary.to,
        status=status,
        code=summary.status_code,
        detail=summary.status_message,
        completed_at=summary.complete_time,
        message_id=summary.message_id,
    )
