"""NhnClient: one typed async method per endpoint of NHN Cloud SMS API v2.2 (N1-N49).

Paths, field and query names follow NHN's v2.2 document under
``{base_url}/sms/v2.2/appKeys/{appKey}``. Request bodies and query strings are built from the
models of :mod:`krsms.nhn.models` by the NHN converter; answers with ``isSuccessful: false``
raise the typed errors of :mod:`krsms.nhn.errors` (even with HTTP 200). Sends are POSTed with
``idempotent=False`` so a send that may have gone out is never repeated blindly.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from os import PathLike
from typing import Any, TypeVar

import anyio
import attrs

from krsms.closing import AsyncClosing
from krsms.errors import ValidationError
from krsms.images import check_jpeg
from krsms.nhn.api import DEFAULT_BASE_URL, NhnApi, Page
from krsms.nhn.checks import MAX_BLOCKED_PER_CALL, check_send, check_tag_send, check_texts
from krsms.nhn.errors import PROVIDER, CategoryNotFoundError
from krsms.nhn.models import (
    AttachmentUpload,
    BlockedRecipient,
    BlockedRecipientQuery,
    BlockedRecipientsAdd,
    BlockedRecipientsRemoval,
    Category,
    CategoryCreate,
    CategoryUpdate,
    CreatedTag,
    DetailQuery,
    DownloadQuery,
    DownloadRequest,
    DownloadReservation,
    MessageResult,
    MessageResultQuery,
    PageQuery,
    PhoneNumber,
    Reservation,
    ReservationCancel,
    ReservationCancelResult,
    ReservationKey,
    ReservationQuery,
    SenderNumber,
    SenderNumberQuery,
    SendQuery,
    SendRequest,
    SendResult,
    SentMessage,
    Statistics,
    StatisticsQuery,
    Tag,
    TagName,
    TagRecipient,
    TagRecipientDetail,
    TagRecipientQuery,
    TagSend,
    TagSendQuery,
    TagSendRequest,
    TagSendResult,
    Template,
    TemplateCreate,
    TemplateQuery,
    TemplateUpdate,
    Uid,
    UidPage,
    UidQuery,
    UidRegistration,
    UidRegistrations,
    UploadedAttachment,
)
from krsms.paging import refuse_repeated_page
from krsms.redaction import keys_out_of_tracebacks
from krsms.retry import RetryStrategy
from krsms.text import MessageKind
from krsms.transport import HttpClient, Limits, Timeouts, path_segment
from krsms.validation import check_entry_count, raise_when_awaited

T = TypeVar("T")

MAX_RECIPIENTS = 1000
"""``recipientList`` entries per send (N1, N4, N7, N10, N11)."""
SMS_PATH = "/sender/sms"
"""N1 (send SMS) and N2 (list SMS), under the appKey."""
MMS_PATH = "/sender/mms"
"""N4 (send LMS/MMS) and N5 (list LMS/MMS)."""
AUTH_SMS_PATH = "/sender/auth/sms"
"""N7 (send an authentication SMS) and N8 (list them)."""
AD_SMS_PATH = "/sender/ad-sms"
"""N10: send an advertising SMS."""
AD_MMS_PATH = "/sender/ad-mms"
"""N11: send an advertising LMS/MMS."""

MAX_FILE_NAME_CHARS = 45
"""The longest ``fileName`` NHN accepts for an attachment upload."""
RESULT_UPDATE_LIST = "resultUpdateList"
"""Where N12's table puts the results: ``body.data.resultUpdateList[]``."""
DEFAULT_PAGE_SIZE = 15
"""NHN's page size when ``pageSize`` is not sent."""
MAX_PAGE_SIZE = 1000
"""The largest ``pageSize`` NHN allows; the ``iter_*`` methods use it unless told otherwise."""


class NhnClient(AsyncClosing):
    """The full NHN Cloud SMS v2.2 API of one appKey.

    The appKey travels in every URL, so it is treated as a secret: it never appears in reprs,
    logs or exception messages. ``secret_key`` adds the ``X-Secret-Key`` header when the
    project requires one. Borrows ``http_client`` when given (never closes it); otherwise owns
    one and closes it in :meth:`aclose` / ``async with``.
    """

    @keys_out_of_tracebacks
    def __init__(
        self,
        *,
        app_key: str,
        secret_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        http_client: HttpClient | None = None,
        timeout: float | Timeouts | None = None,
        limits: Limits | None = None,
        retry: RetryStrategy | None = None,
        max_concurrency: int = 8,
    ):
        self._sends_secret_key = bool(secret_key)  # for the repr: whether X-Secret-Key goes, never the key
        self.api: NhnApi = NhnApi(
            app_key=app_key,
            secret_key=secret_key,
            base_url=base_url,
            http_client=http_client,
            timeout=timeout,
            limits=limits,
            retry=retry,
            max_concurrency=max_concurrency,
        )
        """The request layer: URLs under the appKey, the transport, the answer envelope."""

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        await self.api.transport.aclose()

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        # As NhnGateway's: whether requests carry X-Secret-Key, never the key; the URL with
        # its appKey redacted.
        api = getattr(self, "api", None)
        url = api.redact(api.url("")) if api is not None else None
        secret_key = "***" if getattr(self, "_sends_secret_key", False) else None
        return f"NhnClient(url={url!r}, secret_key={secret_key})"

    # --- sends (N1, N4, N7, N10, N11) ---------------------------------------------------------

    # The send methods check the typed request and turn it into its JSON body when called,
    # before any await: a request's 1,000 recipient models then die young instead of living
    # through the network wait into the collector's older generations (measured: ~7% of a bulk
    # send's CPU). NhnGateway posts bodies built from messages it checked itself, past them.

    def send_sms(self, request: SendRequest) -> Coroutine[Any, Any, SendResult]:
        """N1: send an SMS (90 EUC-KR bytes) to up to 1,000 recipients.

        Every send method refuses, before any request, what its endpoint's table forbids
        (:func:`~krsms.nhn.checks.check_send`): :class:`~krsms.errors.ValidationError`, raised
        when the call is awaited, names the field, the limit and the value.
        """
        return self._send(SMS_PATH, request, MessageKind.SMS)

    def send_mms(self, request: SendRequest) -> Coroutine[Any, Any, SendResult]:
        """N4: send an LMS, or an MMS when ``attach_file_id_list`` holds uploaded images
        (``title`` required, 40 bytes; ``body`` 2,000 bytes; recipients in Korea only)."""
        return self._send(MMS_PATH, request, MessageKind.LMS)

    def send_auth_sms(self, request: SendRequest) -> Coroutine[Any, Any, SendResult]:
        """N7: send an authentication-code SMS, checked as :meth:`send_sms`."""
        return self._send(AUTH_SMS_PATH, request, MessageKind.SMS)

    def send_ad_sms(self, request: SendRequest) -> Coroutine[Any, Any, SendResult]:
        """N10: send an advertising SMS; the body must start with ``(광고)`` and end with the 080 line."""
        return self._send(AD_SMS_PATH, request, MessageKind.SMS, advertisement=True)

    def send_ad_mms(self, request: SendRequest) -> Coroutine[Any, Any, SendResult]:
        """N11: send an advertising LMS/MMS, under the same body rules as :meth:`send_ad_sms`."""
        return self._send(AD_MMS_PATH, request, MessageKind.LMS, advertisement=True)

    def _send(
        self, path: str, request: SendRequest, kind: MessageKind, *, advertisement: bool = False
    ) -> Coroutine[Any, Any, SendResult]:
        try:
            check_entry_count(
                "recipient_list", len(request.recipient_list), MAX_RECIPIENTS, what="recipients", provider="NHN"
            )
            check_send(request, kind, advertisement=advertisement)
        except ValidationError as refusal:
            return raise_when_awaited(refusal)
        return self.api.call_data("POST", path, SendResult, json=self.api.dump(request), idempotent=False)

    # --- send look-ups (N2, N3, N5, N6, N8, N9) -----------------------------------------------

    async def list_sms(self, query: SendQuery) -> Page[SentMessage]:
        """N2: one page of SMS recipients matching ``query``."""
        return await self._page(SMS_PATH, SentMessage, self._params(query))

    def iter_sms(self, query: SendQuery) -> AsyncIterator[SentMessage]:
        """N2: every SMS recipient matching ``query``, page after page."""
        return self._iterate(SMS_PATH, SentMessage, query)

    async def get_sms(self, request_id: str, recipient_seq: int) -> SentMessage:
        """N3: one SMS recipient (``recipient_seq`` is the ``mtPr``)."""
        return await self._sent_message(SMS_PATH, request_id, recipient_seq)

    async def list_mms(self, query: SendQuery) -> Page[SentMessage]:
        """N5: one page of LMS/MMS recipients matching ``query``."""
        return await self._page(MMS_PATH, SentMessage, self._params(query))

    def iter_mms(self, query: SendQuery) -> AsyncIterator[SentMessage]:
        """N5: every LMS/MMS recipient matching ``query``, page after page."""
        return self._iterate(MMS_PATH, SentMessage, query)

    async def get_mms(self, request_id: str, recipient_seq: int) -> SentMessage:
        """N6: one LMS/MMS recipient, with its attached files."""
        return await self._sent_message(MMS_PATH, request_id, recipient_seq)

    async def list_auth_sms(self, query: SendQuery) -> Page[SentMessage]:
        """N8: one page of authentication SMS recipients matching ``query``."""
        return await self._page(AUTH_SMS_PATH, SentMessage, self._params(query))

    def iter_auth_sms(self, query: SendQuery) -> AsyncIterator[SentMessage]:
        """N8: every authentication SMS recipient matching ``query``, page after page."""
        return self._iterate(AUTH_SMS_PATH, SentMessage, query)

    async def get_auth_sms(self, request_id: str, recipient_seq: int) -> SentMessage:
        """N9: one authentication SMS recipient."""
        return await self._sent_message(AUTH_SMS_PATH, request_id, recipient_seq)

    async def _sent_message(self, path: str, request_id: str, recipient_seq: int) -> SentMessage:
        params = self._params(DetailQuery(mt_pr=recipient_seq))
        return await self.api.call_data(
            "GET", f"{path}/{path_segment(request_id, field='request_id')}", SentMessage, params=params
        )

    # --- result updates (N12) -----------------------------------------------------------------

    async def list_message_results(self, query: MessageResultQuery) -> Page[MessageResult]:
        """N12: one page of the delivery results updated within the query's window.

        The document shows the results both as ``body.data[]`` (its example) and as
        ``body.data.resultUpdateList[]`` (its table); either answer is read.
        """
        params = self._params(query)
        return await self._page("/message-results", MessageResult, params, list_field=RESULT_UPDATE_LIST)

    def iter_message_results(self, query: MessageResultQuery) -> AsyncIterator[MessageResult]:
        """N12: every delivery result updated within the query's window (either answer shape)."""
        return self._iterate("/message-results", MessageResult, query, list_field=RESULT_UPDATE_LIST)

    # --- tag sends (N13-N17) ------------------------------------------------------------------

    async def send_tag_sms(self, request: TagSendRequest) -> str:
        """N13: send an SMS to the UIDs matching a tag expression; the request id. What its
        table forbids is refused first (:func:`~krsms.nhn.checks.check_tag_send`)."""
        return await self._send_tag("/tag-sender/sms", request, MessageKind.SMS)

    async def send_tag_mms(self, request: TagSendRequest) -> str:
        """N14: send an LMS/MMS to the UIDs matching a tag expression; the request id. What its
        table forbids is refused first (:func:`~krsms.nhn.checks.check_tag_send`)."""
        return await self._send_tag("/tag-sender/mms", request, MessageKind.LMS)

    async def _send_tag(self, path: str, request: TagSendRequest, kind: MessageKind) -> str:
        check_tag_send(request, kind)
        result = await self.api.call_data("POST", path, TagSendResult, json=self.api.dump(request), idempotent=False)
        return result.request_id

    async def list_tag_sends(self, query: TagSendQuery) -> Page[TagSend]:
        """N15: one page of tag sends."""
        return await self._page("/tag-sender", TagSend, self._params(query))

    def iter_tag_sends(self, query: TagSendQuery) -> AsyncIterator[TagSend]:
        """N15: every tag send matching ``query``."""
        return self._iterate("/tag-sender", TagSend, query)

    async def list_tag_send_recipients(self, request_id: str, query: TagRecipientQuery) -> Page[TagRecipient]:
        """N16: one page of the recipients of a tag send."""
        return await self._page(
            f"/tag-sender/{path_segment(request_id, field='request_id')}", TagRecipient, self._params(query)
        )

    def iter_tag_send_recipients(self, request_id: str, query: TagRecipientQuery) -> AsyncIterator[TagRecipient]:
        """N16: every recipient of a tag send matching ``query``."""
        return self._iterate(f"/tag-sender/{path_segment(request_id, field='request_id')}", TagRecipient, query)

    async def get_tag_send_recipient(self, request_id: str, recipient_seq: int) -> TagRecipientDetail:
        """N17: one recipient of a tag send, with its message."""
        path = f"/tag-sender/{path_segment(request_id, field='request_id')}/{recipient_seq}"
        return await self.api.call_data("GET", path, TagRecipientDetail)

    # --- attachments (N18) --------------------------------------------------------------------

    async def upload_attachment(self, file_name: str, content: bytes, create_user: str) -> UploadedAttachment:
        """N18: upload an MMS image (``.jpg``/``.jpeg``, at most 300 KB); its ``file_id`` goes in a send.

        The file is checked before any request: a wrong name, size or format raises
        :class:`~krsms.errors.ValidationError`.
        """
        check_jpeg(content, file_name, max_name_chars=MAX_FILE_NAME_CHARS)
        upload = AttachmentUpload(
            file_name=file_name, create_user=create_user, file_body=base64.b64encode(content).decode("ascii")
        )
        return await self.api.call_data(
            "POST", "/attachfile/binaryUpload", UploadedAttachment, json=self.api.dump(upload)
        )

    # --- categories (N19-N23) -----------------------------------------------------------------

    async def create_category(self, category: CategoryCreate) -> Category:
        """N19: create a template category."""
        return await self.api.call_data("POST", "/categories", Category, json=self.api.dump(category))

    async def list_categories(self, query: PageQuery | None = None) -> Page[Category]:
        """N20: one page of template categories."""
        return await self._page("/categories", Category, self._params(query or PageQuery()))

    def iter_categories(self, query: PageQuery | None = None) -> AsyncIterator[Category]:
        """N20: every template category."""
        return self._iterate("/categories", Category, query or PageQuery())

    async def get_category(self, category_id: int) -> Category:
        """N21: one template category. An answer holding none raises
        :class:`~krsms.nhn.errors.CategoryNotFoundError`, the class of NHN's -2202 (no such
        category), with no code (NHN gave none), naming the request as NHN's own errors do."""
        response = await self.api.call_response("GET", f"/categories/{category_id}")
        categories = self.api.data(response, tuple[Category, ...])
        if not categories:
            raise CategoryNotFoundError(
                f"category {category_id} not found",
                provider=PROVIDER,
                status_code=response.status_code,
                method=response.method,
                path=response.path,
            )
        return categories[0]

    async def update_category(self, category_id: int, change: CategoryUpdate) -> None:
        """N22: change a template category."""
        await self.api.call("PUT", f"/categories/{category_id}", json=self.api.dump(change))

    async def delete_category(self, category_id: int) -> None:
        """N23: delete a template category."""
        await self.api.call("DELETE", f"/categories/{category_id}")

    # --- templates (N24-N28) ------------------------------------------------------------------

    async def create_template(self, template: TemplateCreate) -> None:
        """N24: register a template."""
        await self.api.call("POST", "/templates", json=self.api.dump(template))

    async def list_templates(self, query: TemplateQuery | None = None) -> Page[Template]:
        """N25: one page of templates."""
        return await self._page("/templates", Template, self._params(query or TemplateQuery()))

    def iter_templates(self, query: TemplateQuery | None = None) -> AsyncIterator[Template]:
        """N25: every template matching ``query``."""
        return self._iterate("/templates", Template, query or TemplateQuery())

    async def get_template(self, template_id: str) -> Template:
        """N26: one template."""
        return await self.api.call_data("GET", f"/templates/{path_segment(template_id, field='template_id')}", Template)

    async def update_template(self, template_id: str, change: TemplateUpdate) -> None:
        """N27: change a template."""
        await self.api.call(
            "PUT", f"/templates/{path_segment(template_id, field='template_id')}", json=self.api.dump(change)
        )

    async def delete_template(self, template_id: str) -> None:
        """N28: delete a template."""
        await self.api.call("DELETE", f"/templates/{path_segment(template_id, field='template_id')}")

    # --- 080 opt-outs (N29-N31) ---------------------------------------------------------------

    async def add_blocked_recipients(self, unsubscribe_no: str, recipient_nos: Sequence[str]) -> None:
        """N29: register numbers as opted out through the 080 number ``unsubscribe_no``,
        :data:`MAX_BLOCKED_PER_CALL` per request (a failing request raises; the numbers of the
        requests before it stay registered). One number goes in a list: a text alone is refused."""
        check_texts("recipient_nos", recipient_nos, number=True)
        numbers = tuple(recipient_nos)
        for start in range(0, max(len(numbers), 1), MAX_BLOCKED_PER_CALL):
            chunk = numbers[start : start + MAX_BLOCKED_PER_CALL]
            body = BlockedRecipientsAdd(unsubscribe_no=unsubscribe_no, recipient_no_list=chunk)
            await self.api.call("POST", "/blockservice/recipients", json=self.api.dump(body))

    async def list_blocked_recipients(self, query: BlockedRecipientQuery) -> Page[BlockedRecipient]:
        """N30: one page of opted-out numbers."""
        return await self._page("/blockservice/recipients", BlockedRecipient, self._params(query))

    def iter_blocked_recipients(self, query: BlockedRecipientQuery) -> AsyncIterator[BlockedRecipient]:
        """N30: every opted-out number matching ``query``."""
        return self._iterate("/blockservice/recipients", BlockedRecipient, query)

    async def delete_blocked_recipients(
        self, unsubscribe_no: str, recipient_nos: Sequence[str], update_user: str
    ) -> None:
        """N31: delete opted-out numbers (sent as the comma-joined ``recipientNoList`` query).
        One number goes in a list: a text alone is refused."""
        check_texts("recipient_nos", recipient_nos, number=True)
        removal = BlockedRecipientsRemoval(
            unsubscribe_no=unsubscribe_no, update_user=update_user, recipient_no_list=tuple(recipient_nos)
        )
        await self.api.call("DELETE", "/blockservice/recipients/removes", params=self._params(removal))

    # --- sender numbers (N32) -----------------------------------------------------------------

    async def list_sender_numbers(self, query: SenderNumberQuery | None = None) -> Page[SenderNumber]:
        """N32: one page of the registered sender numbers."""
        return await self._page("/sendNos", SenderNumber, self._params(query or SenderNumberQuery()))

    def iter_sender_numbers(self, query: SenderNumberQuery | None = None) -> AsyncIterator[SenderNumber]:
        """N32: every registered sender number matching ``query``."""
        return self._iterate("/sendNos", SenderNumber, query or SenderNumberQuery())

    # --- statistics (N33) ---------------------------------------------------------------------

    async def get_statistics(self, query: StatisticsQuery) -> tuple[Statistics, ...]:
        """N33: send counts by date, hour or weekday."""
        return await self.api.call_data("GET", "/statistics/view", tuple[Statistics, ...], params=self._params(query))

    # --- reservations (N34-N36) ---------------------------------------------------------------

    async def list_reservations(self, query: ReservationQuery | None = None) -> Page[Reservation]:
        """N34: one page of reserved recipients."""
        return await self._page("/reservations", Reservation, self._params(query or ReservationQuery()))

    def iter_reservations(self, query: ReservationQuery | None = None) -> AsyncIterator[Reservation]:
        """N34: every reserved recipient matching ``query``."""
        return self._iterate("/reservations", Reservation, query or ReservationQuery())

    async def get_reservation(self, request_id: str, recipient_seq: int) -> Reservation:
        """N35: one reserved recipient, with its attached files."""
        return await self.api.call_data(
            "GET", f"/reservations/{path_segment(request_id, field='request_id')}/{recipient_seq}", Reservation
        )

    async def cancel_reservations(
        self, reservation_list: Sequence[ReservationKey], update_user: str
    ) -> ReservationCancelResult:
        """N36: cancel reserved recipients; the answer counts the requested and the cancelled ones."""
        cancel = ReservationCancel(reservation_list=tuple(reservation_list), update_user=update_user)
        return await self.api.call_data(
            "PUT", "/reservations/cancel", ReservationCancelResult, json=self.api.dump(cancel)
        )

    # --- CSV exports (N37-N39) ----------------------------------------------------------------

    async def request_download(self, request: DownloadRequest) -> DownloadReservation:
        """N37: ask NHN to prepare a CSV export of sends; poll :meth:`list_download_reservations`."""
        return await self.api.call_data(
            "POST", "/sender/download-reservations", DownloadReservation, json=self.api.dump(request)
        )

    async def list_download_reservations(self, query: DownloadQuery | None = None) -> Page[DownloadReservation]:
        """N38: one page of CSV exports and their state."""
        return await self._page("/download-reservations", DownloadReservation, self._params(query or DownloadQuery()))

    def iter_download_reservations(self, query: DownloadQuery | None = None) -> AsyncIterator[DownloadReservation]:
        """N38: every CSV export matching ``query``."""
        return self._iterate("/download-reservations", DownloadReservation, query or DownloadQuery())

    @asynccontextmanager
    async def download(self, download_id: str) -> AsyncIterator[AsyncIterator[bytes]]:
        """N39: the bytes of a completed CSV export, streamed as chunks::

        async with client.download(download_id) as chunks:
            async for chunk in chunks: ...
        """
        async with self.api.stream(
            f"/download-reservations/{path_segment(download_id, field='download_id')}/download"
        ) as chunks:
            yield chunks

    async def download_to(self, download_id: str, path: str | PathLike[str]) -> int:
        """N39: stream a CSV export into the file ``path``; the number of bytes written.

        The file is opened only once NHN answers with success, and removed again if the
        download breaks off, so ``path`` never holds a partial export.
        """
        written = 0
        async with self.download(download_id) as chunks:
            try:
                async with await anyio.open_file(path, "wb") as file:
                    async for chunk in chunks:
                        await file.write(chunk)
                        written += len(chunk)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await anyio.Path(path).unlink(missing_ok=True)
                raise
        return written

    # --- tags (N40-N43) -----------------------------------------------------------------------

    async def list_tags(self, query: PageQuery | None = None) -> Page[Tag]:
        """N40: one page of tags."""
        return await self._page("/tags", Tag, self._params(query or PageQuery()))

    def iter_tags(self, query: PageQuery | None = None) -> AsyncIterator[Tag]:
        """N40: every tag."""
        return self._iterate("/tags", Tag, query or PageQuery())

    async def create_tag(self, tag_name: str) -> str:
        """N41: create a tag; its id."""
        created = await self.api.call_data("POST", "/tags", CreatedTag, json=self.api.dump(TagName(tag_name=tag_name)))
        return created.tag_id

    async def update_tag(self, tag_id: str, tag_name: str) -> None:
        """N42: rename a tag."""
        await self.api.call(
            "PUT", f"/tags/{path_segment(tag_id, field='tag_id')}", json=self.api.dump(TagName(tag_name=tag_name))
        )

    async def delete_tag(self, tag_id: str) -> None:
        """N43: delete a tag."""
        await self.api.call("DELETE", f"/tags/{path_segment(tag_id, field='tag_id')}")

    # --- UIDs and their phone numbers (N44-N49) -----------------------------------------------

    async def list_uids(self, query: UidQuery | None = None) -> UidPage:
        """N44: one slice of UIDs (``offset``/``limit``); ``last`` tells whether more follow."""
        return await self.api.call_data("GET", "/uids", UidPage, params=self._params(query or UidQuery()))

    async def iter_uids(self, query: UidQuery | None = None) -> AsyncIterator[Uid]:
        """N44: every UID matching ``query``, advancing ``offset`` slice by slice until ``last``."""
        query = query or UidQuery()
        if query.limit is None:
            query = attrs.evolve(query, limit=MAX_PAGE_SIZE)
        offset = query.offset or 0
        previous: tuple[Uid, ...] | None = None
        while True:
            page = await self.list_uids(attrs.evolve(query, offset=offset))
            refuse_repeated_page(
                page.uids,
                previous,
                problem=f"the UIDs from offset {offset} repeat the slice before: the answer ignores offset",
                provider=PROVIDER,
            )
            for uid in page.uids:
                yield uid
            if page.last or not page.uids:
                return
            previous = page.uids
            offset += len(page.uids)

    async def get_uid(self, uid: str) -> Uid:
        """N45: one UID with its tags and contacts."""
        return await self.api.call_data("GET", f"/uids/{path_segment(uid, field='uid')}", Uid)

    async def create_uids(self, uids: Sequence[UidRegistration]) -> None:
        """N46: register UIDs with their tags and contacts."""
        await self.api.call("POST", "/uids", json=self.api.dump(UidRegistrations(uids=tuple(uids))))

    async def delete_uid(self, uid: str) -> None:
        """N47: delete a UID."""
        await self.api.call("DELETE", f"/uids/{path_segment(uid, field='uid')}")

    async def add_phone_number(self, uid: str, phone_number: str) -> None:
        """N48: add a phone number to a UID."""
        body = self.api.dump(PhoneNumber(phone_number=phone_number))
        await self.api.call("POST", f"/uids/{path_segment(uid, field='uid')}/phone-numbers", json=body)

    async def delete_phone_number(self, uid: str, phone_number: str) -> None:
        """N49: remove a phone number from a UID."""
        number = path_segment(phone_number, field="phone_number")
        await self.api.call("DELETE", f"/uids/{path_segment(uid, field='uid')}/phone-numbers/{number}")

    # --- paging -------------------------------------------------------------------------------

    def _params(self, query: object) -> dict[str, Any]:
        """A query model as query parameters: NHN's names and dates, sequences comma-joined.

        Paging is checked first: NHN allows ``pageSize`` (and the UID list's ``limit``) 1 to
        1,000, pages from 1 and ``offset`` from 0.
        """
        for name in ("page_size", "limit"):
            size = getattr(query, name, None)
            if size is not None and not 1 <= size <= MAX_PAGE_SIZE:
                raise ValidationError(
                    name, f"is {size}; must be 1 to {MAX_PAGE_SIZE}", limit=f"1-{MAX_PAGE_SIZE}", value=size
                )
        page_num = getattr(query, "page_num", None)
        if page_num is not None and page_num < 1:
            raise ValidationError("page_num", f"is {page_num}; pages are numbered from 1", limit=">= 1", value=page_num)
        offset = getattr(query, "offset", None)
        if offset is not None and offset < 0:
            raise ValidationError("offset", f"is {offset}; counts from 0", limit=">= 0", value=offset)
        dumped: Mapping[str, Any] = self.api.dump(query)
        return {name: ",".join(value) if isinstance(value, list) else value for name, value in dumped.items()}

    async def _page(
        self, path: str, item: type[T], params: Mapping[str, Any], *, list_field: str | None = None
    ) -> Page[T]:
        """GET one page; ``list_field`` names where the items are when ``data`` is an object
        rather than the list itself."""
        response = await self.api.call_response("GET", path, params=params)
        page_num, page_size = params.get("pageNum", 1), params.get("pageSize", DEFAULT_PAGE_SIZE)
        return self.api.page(
            self.api.unwrap(response),
            item,
            page_num=page_num,
            page_size=page_size,
            list_field=list_field,
            answering=response,
        )

    def _iterate(self, path: str, item: type[T], query: object, *, list_field: str | None = None) -> AsyncIterator[T]:
        params = {"pageSize": MAX_PAGE_SIZE, **self._params(query)}

        async def fetch(page_num: int) -> Page[T]:
            return await self._page(path, item, {**params, "pageNum": page_num}, list_field=list_field)

        return NhnApi.iterate(fetch, first_page=params.get("pageNum", 1))
