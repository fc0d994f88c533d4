"""The request layer of NHN Cloud SMS: URLs under the appKey, the response envelope, paging.

Every NHN answer is ``{"header": {"isSuccessful", "resultCode", "resultMessage"}, "body": ...}``.
:meth:`NhnApi.call` sends a request and returns the ``body`` of a successful answer; an
answer with ``isSuccessful: false`` raises the typed error of its ``resultCode`` even with
HTTP 200. Resource methods stay one line: state the path and the types.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Generic, TypeVar

import attrs

from krsms import convert, errors
from krsms.nhn.auth import NhnAuth, app_key_path, nhn_redactor
from krsms.nhn.converter import converter
from krsms.nhn.errors import PROVIDER, error_class_for_code, error_from_response, result_code, result_message
from krsms.paging import refuse_repeated_page
from krsms.redaction import Redactor, answers_out_of_tracebacks, keys_out_of_tracebacks
from krsms.retry import RetryStrategy
from krsms.transport import (
    HttpClient,
    Limits,
    Response,
    Timeouts,
    Transport,
    check_base_url,
    check_credential,
)

DEFAULT_BASE_URL = "https://api-sms.cloud.toast.com"
"""The base URL NHN's SMS v2.2 document names (the default)."""
NHN_CLOUD_BASE_URL = "https://sms.api.nhncloudservice.com"
"""The base URL NHN's newer documents name; the same API. Pass it as ``base_url`` to use it."""
API_PREFIX = "/sms/v2.2/appKeys/"
"""The API's path under the base URL; the appKey follows it."""
CONTENT_TYPE = "application/json;charset=UTF-8"
"""The ``Content-Type`` NHN's document gives for every request, look-ups included."""

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a paged NHN list (``pageNum`` counts from 1), as the NHN converter reads it."""

    page_num: int
    page_size: int
    """Items per page, as NHN answered (``pageSize``)."""
    total_count: int | None = None
    """Items on all pages together (``totalCount``); None when the answer does not say (N12's
    table documents no paging numbers)."""
    items: tuple[T, ...] = attrs.field(default=(), metadata={**convert.NULL_MEANS_DEFAULT, **convert.wire_name("data")})
    """This page's items (``data``; none when it is null or left out)."""
    requested_page_size: int = 0
    """The ``pageSize`` the request asked for (NHN's default, 15, when it named none): what a
    full page holds when the answer's own numbers cannot say."""

    @property
    def has_more(self) -> bool:
        """True when pages after this one may hold more items.

        Read from ``totalCount`` when the answer's numbers add up; otherwise (no
        ``totalCount``, ``pageNum`` or ``pageSize`` 0, or a ``totalCount`` below the items up
        to this page: the document's N15 and N16 examples answer ``0, 0, 0`` beside their
        items) while this page is full, so the next one may be empty. Full is the smaller of
        the answer's ``pageSize`` and the one asked for: a server that holds fewer a page than
        asked answers full pages short of the request's size."""
        total, page_num, page_size = self.total_count, self.page_num, self.page_size
        up_to_this_page = (page_num - 1) * page_size + len(self.items)
        if total is not None and page_num >= 1 and page_size >= 1 and total >= up_to_this_page:
            return page_num * page_size < total and bool(self.items)
        sizes = [size for size in (page_size, self.requested_page_size) if size >= 1]
        return bool(sizes) and len(self.items) >= min(sizes)


class NhnApi:
    """Sends NHN requests through a :class:`~krsms.transport.Transport` and unwraps answers."""

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
        check_credential("app_key", app_key)
        if secret_key:
            check_credential("secret_key", secret_key)
        self.redact: Redactor = nhn_redactor(app_key, secret_key)
        """Hides the appKey and secret key in URLs and messages."""
        check_base_url(base_url, redact=self.redact)
        self._prefix = base_url.rstrip("/") + API_PREFIX + app_key_path(app_key)
        self.transport: Transport = Transport(
            provider=PROVIDER,
            auth=NhnAuth(secret_key) if secret_key else None,
            # Not a bound method: the transport holding one of its owner would make a reference
            # cycle, and an owner dropped unclosed would wait for the garbage collector.
            error_parser=partial(error_from_response, redact=self.redact),
            http_client=http_client,
            timeout=timeout,
            limits=limits,
            retry=retry,
            max_concurrency=max_concurrency,
            redactor=self.redact,
            headers={"Content-Type": CONTENT_TYPE},
            base_url=self._prefix,  # the appKey stays out of every request's frame locals
        )
        """Sends the requests: retries, the concurrency bound, typed errors."""

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (which starts with ``/``) under the appKey."""
        return self._prefix + path

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send a request; the ``body`` of a successful answer (None when it has none).

        NHN reports its own failures with HTTP 200 too: one of its server errors
        (:class:`~krsms.nhn.errors.NhnServerError`: -9999, -2021, -2009, -7000) is retried as a 500
        would be (:meth:`~krsms.transport.Transport.request`'s ``check_answer``)."""
        return self.unwrap(await self.call_response(method, path, params=params, json=json, idempotent=idempotent))

    async def call_response(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Response:
        """:meth:`call`'s answer itself, for a caller that reads its body (:meth:`unwrap`) into a
        model and names the request when it does not fit (``answering=`` of :meth:`parse`)."""
        return await self.transport.request(
            method,
            path,
            params=convert.drop_none(params) if params else None,
            json=json,
            idempotent=idempotent,
            check_answer=self.unwrap,
        )

    async def call_data(
        self,
        method: str,
        path: str,
        result: type[T],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> T:
        """Send a request whose answer is ``{"body": {"data": {...}}}``; ``data`` as ``result``."""
        response = await self.call_response(method, path, params=params, json=json, idempotent=idempotent)
        return self.data(response, result)

    def data(self, response: Response, result: type[T]) -> T:
        """The ``body.data`` of an answer (:meth:`call_response`'s) as ``result``, a mismatch
        naming the request answered."""
        return self.parse(_field(self.unwrap(response), "data"), result, answering=response)

    @answers_out_of_tracebacks
    def page(
        self,
        body: Any,
        item: type[T],
        *,
        page_num: int,
        page_size: int,
        list_field: str | None = None,
        answering: Response | None = None,
    ) -> Page[T]:
        """A paged body as a :class:`Page` of ``item``.

        ``page_num`` and ``page_size`` are the page asked for: an answer that leaves them out
        (N38's), or answers them null, holds that one, and ``page_size`` is the page's
        :attr:`~Page.requested_page_size` whatever the answer says. ``list_field`` names where
        the items are when ``data`` is an object rather than the list itself (N12's table). No
        body (an empty answer, a null body) is an empty page; a body that is not an object is
        malformed (naming the request of ``answering``, the answer the body is from, when given).
        """
        if body is None:
            return Page(page_num=1, page_size=0)
        if not isinstance(body, dict):
            raise self._malformed(f"page body is {type(body).__name__}, not an object", answering)
        data = body.get("data")
        if list_field is not None and isinstance(data, dict):
            data = data.get(list_field, data)
        if data is not None and not isinstance(data, list):
            # The converter would read an object's keys as the items.
            raise self._malformed(f"page data is {type(data).__name__}, not a list", answering)
        page_type: type[Page[T]] = Page[item]  # type: ignore[valid-type]
        answered = {name: value for name, value in body.items() if value is not None}  # a null: left out
        paged = {"pageNum": page_num, "pageSize": page_size, **answered, "data": data}
        return attrs.evolve(self.parse(paged, page_type, answering=answering), requested_page_size=page_size)

    @staticmethod
    async def iterate(fetch: Callable[[int], Awaitable[Page[T]]], *, first_page: int = 1) -> AsyncIterator[T]:
        """Every item of every page, fetching the next page while :attr:`Page.has_more`.

        When an answer's paging numbers do not add up (``pageNum`` or ``pageSize`` 0, or a
        ``totalCount`` below the items up to its page: the document's examples for N15 and N16
        answer ``0, 0, 0`` beside their items), they cannot tell whether more pages follow; the
        next page is then fetched while a page comes back full and the iteration stops on a
        short or empty one. A full page that repeats the one before (a server that ignores
        ``pageNum``) raises :class:`~krsms.errors.MalformedResponseError` rather than fetching
        forever; so does a page whose ``totalCount`` differs from the page's before, before
        its items are yielded: items added or removed while the list is read shift the later
        pages, which would repeat or skip items.
        """
        page_num = first_page
        previous: Page[T] | None = None
        while True:
            page = await fetch(page_num)
            refuse_repeated_page(
                page.items,
                previous.items if previous else None,
                problem=f"page {page_num} repeats page {page_num - 1}: the answer ignores pageNum",
                provider=PROVIDER,
            )
            if previous and previous.total_count is not None and page.total_count not in (None, previous.total_count):
                raise errors.MalformedResponseError(
                    f"totalCount changed from {previous.total_count} to {page.total_count} between pages "
                    f"{page_num - 1} and {page_num}: the list changed while it was read, so its later pages "
                    "would repeat or skip items; read it again",
                    provider=PROVIDER,
                )
            for item in page.items:
                yield item
            if not page.has_more:
                return
            previous = page
            page_num += 1

    @asynccontextmanager
    async def stream(
        self, path: str, *, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[AsyncIterator[bytes]]:
        """GET a large answer (CSV download) as an async iterator of byte chunks; a JSON
        answer is an envelope, and a failed one raises its typed error (NHN answers 200)."""
        async with self.transport.stream(
            "GET", path, params=convert.drop_none(params) if params else None, check_json=self.unwrap
        ) as chunks:
            yield chunks

    @answers_out_of_tracebacks
    def parse(self, data: Any, cls: type[T], *, answering: Response | None = None) -> T:
        """Structure answer data with the NHN converter (MalformedResponseError on mismatch,
        naming the request of ``answering``, the answer the data is from, when given)."""
        return convert.parse(
            converter,
            data,
            cls,
            provider=PROVIDER,
            redact=self.redact,
            method=answering.method if answering else None,
            path=answering.path if answering else None,
            status_code=answering.status_code if answering else None,
        )

    @staticmethod
    def dump(value: object) -> Any:
        """Unstructure a request model into its JSON body."""
        return converter.unstructure(value)

    @answers_out_of_tracebacks
    def unwrap(self, response: Response) -> Any:
        """Check the envelope of a 2xx answer and return its ``body``.

        ``isSuccessful: false`` with a ``resultCode`` raises that code's typed error. An
        envelope that says neither (``isSuccessful`` missing, null or not a boolean,
        ``false`` beside ``resultCode`` 0 or none, or ``true`` beside a non-zero code) raises
        :class:`~krsms.errors.MalformedResponseError`: NHN may have taken the request. Either
        error names the request answered (``method``, ``path``), as one from an HTTP error
        status does, and its traceback holds no part of the answer
        (:func:`~krsms.redaction.answers_out_of_tracebacks`, as :meth:`page`'s and :meth:`parse`'s).
        """
        if not response.content.strip():
            return None
        payload = response.json(provider=PROVIDER)
        header = _field(payload, "header")
        if not isinstance(header, dict):
            raise self._malformed("answer has no header", response)
        successful = header.get("isSuccessful")
        if successful is True:
            if not result_code(header):  # 0, or none: the document's examples also show ""
                return payload.get("body")
            # A failure code beside true: which of the two is wrong is unknown.
            raise self._malformed(
                f"header says isSuccessful true beside a failure code{self._result_of(header)}", response
            )
        if successful is not False:
            raise self._malformed(
                f"header.isSuccessful is {_json_type(successful)}, not true or false{self._result_of(header)}",
                response,
            )
        code = result_code(header)
        if not code:
            # A refusal without a failure code (0 is SUCCESS): which failure is unknown, and
            # whether it is one at all, so a send stays UNKNOWN rather than REJECTED.
            raise self._malformed(
                f"header says isSuccessful false without a failure code{self._result_of(header)}", response
            )
        raise error_class_for_code(code)(
            result_message(header, self.redact),
            provider=PROVIDER,
            status_code=response.status_code,
            code=self.redact(str(code)),
            method=response.method,
            path=response.path,
        )

    def _result_of(self, header: Mapping[str, Any]) -> str:
        """``resultCode`` and ``resultMessage`` as a malformed envelope's message quotes them."""
        code, message = header.get("resultCode"), header.get("resultMessage")
        return self.redact(f" (resultCode {code!r}, resultMessage {message!r})")[:200]

    @staticmethod
    def _malformed(problem: str, response: Response | None = None) -> errors.MalformedResponseError:
        """The error of an answer (``response``, whose request it names) or a body that is not
        the documented shape."""
        if response is None:
            return errors.MalformedResponseError(problem, provider=PROVIDER)
        return errors.MalformedResponseError(
            problem,
            provider=PROVIDER,
            status_code=response.status_code,
            method=response.method,
            path=response.path,
        )

    def __repr__(self) -> str:
        # getattr: a debugger or a traceback's locals may show one whose constructor failed.
        # The prefix holds the appKey: shown only through the redactor. Whether requests carry
        # X-Secret-Key is not secret (a -1004 answer asks for it); the key is.
        prefix, redact = getattr(self, "_prefix", None), getattr(self, "redact", None)
        url = redact(prefix) if prefix is not None and redact is not None else None
        secret_key = "***" if getattr(self, "_sends_secret_key", False) else None
        return f"NhnApi(url={url!r}, secret_key={secret_key})"


def _json_type(value: Any) -> str:
    """What a JSON value is, in JSON's words (None: a null, or no such key)."""
    names = {str: "a string", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return "missing or null" if value is None else names.get(type(value), type(value).__name__)


def _field(payload: Any, name: str, default: Any = None) -> Any:
    return payload.get(name, default) if isinstance(payload, dict) else default
