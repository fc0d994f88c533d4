"""SensClient: one typed async method per endpoint of the SENS SMS API v2 (S1-S10).

Paths follow the document under ``{base_url}/sms/v2/services/{serviceId}``; every request is
signed by :class:`~krsms.sens.auth.SensAuth`. Failures raise the typed errors of
:mod:`krsms.errors`; inputs the API would refuse (file type and size, more than 1,000
numbers per block-list call) are checked or chunked before any request.
"""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncGenerator, AsyncIterator, Coroutine, Iterable, Mapping, Sequence
from contextlib import aclosing
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import attrs
import cattrs

from krsms import convert, errors
from krsms.closing import AsyncClosing
from krsms.errors import ValidationError, excerpt
from krsms.images import check_jpeg
from krsms.json_body import EncodedJson
from krsms.paging import refuse_repeated_page
from krsms.phone_numbers import normalize_number
from krsms.redaction import Redactor, answers_out_of_tracebacks, keys_out_of_tracebacks
from krsms.retry import RetryStrategy
from krsms.sens.auth import SensAuth, sens_redactor
from krsms.sens.checks import (
    MAX_MESSAGE_PAGE,
    MAX_UNSUBSCRIBE_PAGE,
    check_message_count,
    check_message_query,
    check_send_request,
    check_unsubscribe_query,
)
from krsms.sens.converter import converter
from krsms.sens.errors import PROVIDER, ServiceNotFoundError, error_from_response
from krsms.sens.models import (
    MAX_IMAGE_NAME_CHARS,
    MAX_IMAGE_SIZE,
    BlockedNumber,
    FileUpload,
    MessagePage,
    MessageQuery,
    MessageResult,
    MessageSummary,
    Reservation,
    SendRequest,
    SendResult,
    Unsubscribe,
    UnsubscribeQuery,
    UploadedFile,
)
from krsms.transport import (
    HttpClient,
    Limits,
    Response,
    Timeouts,
    Transport,
    check_base_url,
    check_credential,
    path_segment,
)
from krsms.validation import raise_when_awaited

DEFAULT_BASE_URL = "https://sens.apigw.ntruss.com"
"""SENS's API gateway: scheme and host."""
API_PREFIX = "/sms/v2/services/"
"""The API's path under the base URL; the service id follows it."""
CONTENT_TYPE = "application/json; charset=utf-8"
"""The media type every request of the document is written with (its header table names
``application/json``; each request's example adds the charset)."""
ACCEPTED_STATUS = "202"
"""The ``statusCode`` of a send SENS took (S1); the document calls any other a failure."""
MAX_UNSUBSCRIBES_PER_CALL = 1000
"""Numbers per block-list register or delete call (S9, S10); longer lists go out in several
calls."""

T = TypeVar("T")


class SensClient(AsyncClosing):
    """The full SENS SMS API of one service (``service_id`` from the SENS console).

    Borrows ``http_client`` when given (never closes it); otherwise owns one and closes it
    in :meth:`aclose` / ``async with``.
    """

    @keys_out_of_tracebacks
    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        service_id: str,
        base_url: str = DEFAULT_BASE_URL,
        http_client: HttpClient | None = None,
        timeout: float | Timeouts | None = None,
        limits: Limits | None = None,
        retry: RetryStrategy | None = None,
        max_concurrency: int = 8,
        correct_clock_skew: bool = True,
    ):
        check_credential("access_key", access_key)
        check_credential("secret_key", secret_key)
        check_credential("service_id", service_id)  # it goes into every path: a stray newline would 404
        self.service_id = service_id
        """The SENS project's service id, from the console."""
        self.redact: Redactor = sens_redactor(access_key, secret_key)
        """Hides the access and secret keys in the provider's text put into errors."""
        check_base_url(base_url, redact=self.redact)
        self._prefix = base_url.rstrip("/") + API_PREFIX + quote(service_id, safe=":")
        self.auth: SensAuth = SensAuth(access_key, secret_key, correct_clock_skew=correct_clock_skew)
        """Signs every request, and holds the clock offsets learned from SENS's answers."""
        self.transport: Transport = Transport(
            provider=PROVIDER,
            base_url=self._prefix,
            auth=self.auth,
            error_parser=partial(_error, self.redact, self.auth),
            http_client=http_client,
            timeout=timeout,
            limits=limits,
            retry=retry,
            max_concurrency=max_concurrency,
            redactor=self.redact,
            headers={"Content-Type": CONTENT_TYPE},
        )
        """Sends the requests: retries, the concurrency bound, typed errors."""

    # -- S1 -------------------------------------------------------------------------------

    def send(self, request: SendRequest) -> Coroutine[Any, Any, SendResult]:
        """S1 ``POST /messages``: send SMS/LMS/MMS to up to 100 recipients (202).

        What the S1 table forbids is refused before any request
        (:func:`~krsms.sens.checks.check_send_request`):
        :class:`~krsms.errors.ValidationError`, raised when the call is awaited, names the
        field, the limit and the value. Never retried once it may have reached SENS (see
        :class:`~krsms.retry.RetryPolicy`). A 202 whose body's ``statusCode`` is not 202
        raises :class:`~krsms.errors.MalformedResponseError`: the document calls that answer a
        failure and its HTTP status a success, so the send may or may not have been taken.
        A 404 raises the fatal :class:`~krsms.sens.errors.ServiceNotFoundError`: the service id
        is the one part of the send path that varies. The request is checked and becomes its
        JSON body when called, so the typed recipients need not live through the network wait.
        """
        try:
            check_message_count(len(request.messages))
            check_send_request(request)
        except ValidationError as refusal:
            return raise_when_awaited(refusal)
        return self._post_send(converter.unstructure(request))

    async def send_body(self, body: Mapping[str, Any]) -> SendResult:
        """S1 with the body already in its JSON form, as :meth:`send` sends a
        :class:`SendRequest`. It is checked as :meth:`send` checks one, read as that
        :class:`SendRequest` (so a refusal names the model's fields: ``from_``,
        ``reserve_time``); a body that is not one (a field missing or of the wrong type) is
        refused naming ``body``, and one :meth:`send` would not have written so (a field the
        S1 table lacks, a number where it types a String, a ``reserveTime`` not written
        ``yyyy-MM-dd HH:mm``) naming that part of it (``body.reserveTime``). A 202 whose body
        says the send failed, or a 404, raises as in :meth:`send`."""
        request = _read_send_body(body)  # first: a messages that is no list has no length to count
        check_message_count(len(request.messages))
        check_send_request(request)
        return await self._post_send(body)

    async def _post_send(self, body: Mapping[str, Any] | EncodedJson) -> SendResult:
        """S1 with ``body`` as given: :meth:`send` and :meth:`send_body` check it first;
        :class:`~krsms.sens.gateway.SensGateway` posts its batches, built (and encoded) from
        messages it has checked itself, straight here."""
        try:
            response = await self.transport.request("POST", "/messages", json=body, idempotent=False)
        except errors.NotFoundError as error:
            raise _service_not_found(error) from error
        return self._send_result(response)

    @answers_out_of_tracebacks
    def _send_result(self, response: Response) -> SendResult:
        """An S1 answer as the :class:`SendResult` of a send SENS took; MalformedResponseError
        when it does not fit, or says the send failed (a ``statusCode`` other than 202)."""
        result = self._parse(response, SendResult)
        if result.status_code != ACCEPTED_STATUS:
            raise errors.MalformedResponseError(
                self.redact(f"answer says statusCode {result.status_code!r} ({result.status_name})"),
                provider=PROVIDER,
                status_code=response.status_code,
                request_id=self.redact(result.request_id),
                method=response.method,
                path=response.path,
            )
        return result

    # -- S2 -------------------------------------------------------------------------------

    async def upload_file(self, file_name: str, content: bytes) -> UploadedFile:
        """S2 ``POST /files``: store a JPEG for MMS (``.jpg``/``.jpeg``, at most 40 characters,
        300 KB and 1500x1440 pixels, all checked before sending). Kept six days."""
        check_jpeg(content, file_name, max_name_chars=MAX_IMAGE_NAME_CHARS, max_size=MAX_IMAGE_SIZE)
        upload = FileUpload(file_name=file_name, file_body=base64.b64encode(content).decode("ascii"))
        # Storing the same name and size twice returns the same file: safe to retry.
        response = await self.transport.request("POST", "/files", json=converter.unstructure(upload), idempotent=True)
        return self._parse(response, UploadedFile)

    # -- S3/S4 ----------------------------------------------------------------------------

    async def list_messages(self, query: MessageQuery) -> MessagePage:
        """S3 ``GET /messages``: one page of a send request's messages, or of a time window.

        The query is checked first (:func:`~krsms.sens.checks.check_message_query`):
        ``request_id`` or one complete window (request times at most 30 days apart,
        completion times at most 24 hours; not both; the end neither before the start nor
        more than 90 days ago, the history SENS keeps), ``page_size`` at most 100 (1,000 with
        ``request_id``), ``page_index`` from 0, ``from_``/``to`` digits only and the status
        filters one of their documented values.
        """
        check_message_query(query)
        response = await self.transport.request("GET", "/messages", params=self._query(query))
        return self._parse(response, MessagePage)

    async def iter_message_pages(self, query: MessageQuery) -> AsyncGenerator[MessagePage, None]:
        """S3 ``GET /messages``: every page of :meth:`list_messages`, while ``hasMore``.

        The first request carries the query's ``next_token`` if set, else its ``pageIndex``
        (0 by default). Each next page is asked for with the previous answer's ``nextToken``
        when it carries one (the Korean document), else with ``pageIndex`` + 1 (the English
        document). A server that ignores paging raises
        :class:`~krsms.errors.MalformedResponseError` instead of looping forever: by page
        index, a page repeating the previous one or ``hasMore`` on an empty page; by token, a
        ``nextToken`` it gave before (an empty page that hands on a new token is read past,
        as token paging may answer).

        Without a ``page_size``, a time window is read 100 messages a page, the most SENS
        allows (its own default is 20: five times the requests); by ``request_id``, SENS's
        default is already its largest, 1,000.
        """
        if query.page_size is None and not query.request_id:
            query = attrs.evolve(query, page_size=MAX_MESSAGE_PAGE)
        page_index = query.page_index or 0
        token = query.next_token or None
        previous: tuple[MessageSummary, ...] | None = None
        tokens_seen: set[str] = set()
        while True:
            page = await self.list_messages(
                attrs.evolve(query, page_index=None if token else page_index, next_token=token)
            )
            if page.next_token and page.has_more:
                if page.next_token in tokens_seen:
                    raise _paging_ignored("nextToken repeats one given before")
                tokens_seen.add(page.next_token)
            elif page.has_more and not page.messages:
                raise _paging_ignored(f"page {page_index} has no messages but hasMore")
            else:
                _refuse_repeat(page_index, page.messages, previous)
            yield page
            if not page.has_more:
                return
            previous = page.messages
            page_index += 1
            token = page.next_token or None

    async def iter_messages(self, query: MessageQuery) -> AsyncIterator[MessageSummary]:
        """S3 ``GET /messages``: every message of every page :meth:`iter_message_pages` reads;
        closing it (``aclosing``) closes that page iteration too."""
        async with aclosing(self.iter_message_pages(query)) as pages:
            async for page in pages:
                for message in page.messages:
                    yield message

    async def get_message(self, message_id: str) -> MessageResult:
        """S4 ``GET /messages/{messageId}``: the delivery result of one message."""
        response = await self.transport.request("GET", f"/messages/{path_segment(message_id, field='message_id')}")
        return self._parse(response, MessageResult)

    # -- S5/S6/S7 -------------------------------------------------------------------------

    async def reservation_status(self, reserve_id: str) -> Reservation:
        """S5 ``GET /reservations/{reserveId}/reserve-status`` (the send's ``requestId``)."""
        response = await self.transport.request(
            "GET", f"/reservations/{path_segment(reserve_id, field='reserve_id')}/reserve-status"
        )
        return self._parse(response, Reservation)

    async def cancel_reservation(self, reserve_id: str) -> None:
        """S6 ``DELETE /reservations/{reserveId}``: cancel a reserved send (204)."""
        await self.transport.request("DELETE", f"/reservations/{path_segment(reserve_id, field='reserve_id')}")

    async def cancel_scheduled_message(self, schedule_code: str, message_id: str) -> None:
        """S7 ``DELETE /schedules/{scheduleCode}/messages/{messageId}`` (older document)."""
        schedule, message = (
            path_segment(schedule_code, field="schedule_code"),
            path_segment(message_id, field="message_id"),
        )
        path = f"/schedules/{schedule}/messages/{message}"
        await self.transport.request("DELETE", path)

    # -- S8/S9/S10 ------------------------------------------------------------------------

    async def list_unsubscribes(self, query: UnsubscribeQuery | None = None) -> list[Unsubscribe]:
        """S8 ``GET /unsubscribes``: one page of the 080 block list (``page_size`` 1 to 100,
        ``page_index`` from 0)."""
        if query is not None:
            check_unsubscribe_query(query)
            if query.client_tel_no is not None:  # stored as digits: the same form blocked it
                query = attrs.evolve(query, client_tel_no=normalize_number(query.client_tel_no, field="client_tel_no"))
        params = self._query(query) if query is not None else None
        response = await self.transport.request("GET", "/unsubscribes", params=params)
        return self._parse(response, list[Unsubscribe])

    async def iter_unsubscribes(self, query: UnsubscribeQuery | None = None) -> AsyncIterator[Unsubscribe]:
        """S8 ``GET /unsubscribes``: every blocked number, page after page until a page comes
        back short. A full page repeating the one before (a server that ignores ``pageIndex``)
        raises :class:`~krsms.errors.MalformedResponseError` rather than paging forever."""
        query = query or UnsubscribeQuery()
        page_size = MAX_UNSUBSCRIBE_PAGE if query.page_size is None else query.page_size
        page_index = query.page_index or 0
        previous: list[Unsubscribe] | None = None
        while True:
            page = await self.list_unsubscribes(attrs.evolve(query, page_index=page_index, page_size=page_size))
            _refuse_repeat(page_index, page, previous)
            for entry in page:
                yield entry
            if len(page) < page_size:
                return
            previous = page
            page_index += 1

    async def add_unsubscribes(self, numbers: Iterable[str]) -> list[Unsubscribe]:
        """S9 ``POST /unsubscribes``: block numbers, 1,000 per request."""
        added: list[Unsubscribe] = []
        for chunk in self._number_chunks(numbers):
            response = await self.transport.request("POST", "/unsubscribes", json=chunk, idempotent=True)
            added.extend(self._parse(response, list[Unsubscribe]))
        return added

    async def delete_unsubscribes(self, numbers: Iterable[str]) -> None:
        """S10 ``DELETE /unsubscribes`` (a JSON body on DELETE): unblock numbers, 1,000 per request."""
        for chunk in self._number_chunks(numbers):
            await self.transport.request("DELETE", "/unsubscribes", json=chunk)

    # -- plumbing -------------------------------------------------------------------------

    @staticmethod
    def _query(query: object) -> dict[str, Any]:
        params: Mapping[str, Any] = converter.unstructure(query)
        return convert.drop_none(params)

    def _parse(self, response: Response, cls: type[T]) -> T:
        """``response``'s JSON as ``cls``; MalformedResponseError, naming the request, when it
        does not fit."""
        return convert.parse(
            converter,
            response.json(provider=PROVIDER),
            cls,
            provider=PROVIDER,
            redact=self.redact,
            method=response.method,
            path=response.path,
            status_code=response.status_code,
        )

    @staticmethod
    def _number_chunks(numbers: Iterable[str]) -> list[list[dict[str, Any]]]:
        entries = [
            converter.unstructure(BlockedNumber(client_tel_no=normalize_number(number, field=f"numbers[{index}]")))
            for index, number in enumerate(numbers)
        ]
        return [
            entries[start : start + MAX_UNSUBSCRIBES_PER_CALL]
            for start in range(0, len(entries), MAX_UNSUBSCRIBES_PER_CALL)
        ]

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        await self.transport.aclose()

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        # The URL through the redactor: a base URL may hold a password (a proxy's Basic auth).
        prefix, redact = getattr(self, "_prefix", None), getattr(self, "redact", None)
        url = redact(prefix) if prefix is not None and redact is not None else None
        return f"SensClient(service_id={getattr(self, 'service_id', None)!r}, url={url!r})"


def _error(redact: Redactor, auth: SensAuth, response: Response) -> errors.ProviderError:
    # Not a method: a transport holding its client's method would make a reference cycle,
    # and a client dropped unclosed would wait for the garbage collector to close its sockets.
    return error_from_response(response, redact=redact, local_time=time.time() + auth.offset_seconds)


def _read_send_body(body: Mapping[str, Any]) -> SendRequest:
    """An S1 body in JSON form as the :class:`SendRequest` it says (``reserveTime`` in its
    ``reserveTimeZone``, ``type`` in any case); ValidationError naming ``body`` when it is
    not one, or naming the part of it that :meth:`SensClient.send` would not have written
    so (:func:`_check_as_written`)."""
    try:
        request = converter.structure(body, SendRequest)
    except ValidationError:
        raise
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError, AttributeError) as error:
        problem = f"{type(error).__name__}: {error}"
    else:
        _check_as_written(body, converter.unstructure(request), path="body")
        return request
    raise ValidationError("body", f"is not an S1 request body ({problem})", limit="the S1 request body")


_WRITTEN_FORMATS = {"body.reserveTime": "yyyy-MM-dd HH:mm"}
"""The written form of the S1 fields whose text :func:`_check_as_written` can find changed."""


def _check_as_written(given: Any, written: Any, *, path: str) -> None:
    """Refuse a part of a send body that reading it as a :class:`SendRequest` passed over or
    read leniently, where ``written`` (that request as :meth:`SensClient.send` writes it)
    differs: a field the S1 table does not have (a misspelt ``reserveTimezone``, which
    SENS would not apply), a number where the table types a String (``"countryCode": 82``),
    a ``reserveTime`` not written ``yyyy-MM-dd HH:mm``. A null is a field left out, and
    ``type`` may be in any case (the table allows lowercase)."""
    if isinstance(given, Mapping) and isinstance(written, Mapping):
        for key, value in given.items():
            field = f"{path}.{key}"
            if value is None:
                continue
            if key not in written:
                raise ValidationError(
                    field, "is not a field of the S1 request body", limit="the S1 request body", value=str(key)
                )
            if field == "body.type" and isinstance(value, str) and value.upper() == written[key]:
                continue
            _check_as_written(value, written[key], path=field)
        return
    if isinstance(given, (list, tuple)) and isinstance(written, list):
        for index, (item, item_written) in enumerate(zip(given, written, strict=True)):
            _check_as_written(item, item_written, path=f"{path}[{index}]")
        return
    if isinstance(written, str) and not isinstance(given, str):
        kind = type(given).__name__
        raise ValidationError(path, f"is {kind}, not text: the S1 table types it String", limit="String", value=kind)
    if given != written:
        written_form = _WRITTEN_FORMATS.get(path, repr(written))
        raise ValidationError(
            path,
            f"{excerpt(str(given))!r} is not written {written_form} (as {written!r})",
            limit=written_form,
            value=given,
        )


def _service_not_found(error: errors.NotFoundError) -> ServiceNotFoundError:
    """A send's 404 as the fatal error it is, with its message, status, codes and request."""
    return ServiceNotFoundError(
        error.message,
        provider=error.provider,
        status_code=error.status_code,
        code=error.code,
        request_id=error.request_id,
        method=error.method,
        path=error.path,
    )


_PAGING_IGNORED = "the server ignores paging"
"""What an iteration's error says when the pages show it."""


def _paging_ignored(problem: str) -> errors.MalformedResponseError:
    """The error that ends an iteration whose pages show the server ignores paging."""
    return errors.MalformedResponseError(f"{problem}: {_PAGING_IGNORED}", provider=PROVIDER)


def _refuse_repeat(page_index: int, items: Sequence[object], previous: Sequence[object] | None) -> None:
    """The S3 and S8 iterations' guard against a page that repeats the one before."""
    problem = f"page {page_index} repeats the page before it: {_PAGING_IGNORED}"
    refuse_repeated_page(items, previous, problem=problem, provider=PROVIDER)
