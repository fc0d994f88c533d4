"""NHN Cloud SMS API v2.2, emulated: download reservations (N37-N39), CSV exports of the
stored sends.

Choices where the document is silent: a download reservation is made at once (``COMPLETED``)
from a snapshot of the matching recipients, kept 30 days; its CSV is UTF-8 with a header row
(columns :data:`CSV_COLUMNS`, plus ``title`` and ``body`` when ``isIncludeTitleAndBody``);
``subResultCode`` is accepted but does not filter; a parameter of the wrong JSON type answers
-9997; an unknown download answers -2008. N37's filters over their table's maximum are
refused as the send look-ups' are (:func:`~krsms.emulator.nhn.lookups.select`); N38's
``downloadId`` over 25 characters or ``downloadStatusCode`` over 10 with -2012 (an invalid
look-up parameter: a ``downloadId`` is not a ``requestId``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import Response

from krsms.emulator.clock import Clock
from krsms.emulator.nhn.envelope import (
    NhnRefusal,
    check_filters,
    check_types,
    format_time,
    json_object,
    matches,
    page,
    random_id,
    read_json,
)
from krsms.emulator.nhn.lookups import select
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import MESSAGE_STATUS_NAMES
from krsms.emulator.nhn.tag_sends import NhnTagSend
from krsms.nhn.checks import MAX_CODE_CHARS, MAX_REQUEST_ID_CHARS

DOWNLOAD_FIELDS = frozenset(
    {"sendType", "requestId", "startRequestDate", "endRequestDate", "startCreateDate", "endCreateDate",
     "startResultDate", "endResultDate", "sendNo", "recipientNo", "templateId", "msgStatus", "resultCode",
     "subResultCode", "senderGroupingKey", "recipientGroupingKey", "isIncludeTitleAndBody"}
)  # fmt: skip
DOWNLOAD_FIELD_TYPES: dict[str, type] = {
    **dict.fromkeys(DOWNLOAD_FIELDS - {"isIncludeTitleAndBody"}, str),
    "isIncludeTitleAndBody": bool,
}
"""The JSON type of each N37 field (any of them may be null)."""
DOWNLOAD_KEPT = timedelta(days=30)
CSV_COLUMNS = (
    "requestId", "recipientSeq", "requestDate", "resultDate", "sendNo", "recipientNo", "countryCode", "msgStatus",
    "msgStatusName", "resultCode", "sendType", "messageType", "templateId", "senderGroupingKey",
    "recipientGroupingKey",
)  # fmt: skip
"""Columns of a download reservation's CSV (``title`` and ``body`` follow when asked for)."""
DOWNLOAD_LIST_FILTER_LIMITS = {"downloadId": MAX_REQUEST_ID_CHARS, "downloadStatusCode": MAX_CODE_CHARS}
"""The maximum of each filter of the download reservation list (N38), as its table gives it."""


@attrs.define(kw_only=True)
class NhnDownload:
    """A download reservation (N37) and its CSV."""

    download_id: str
    parameter: dict[str, Any]
    rows: int
    content: bytes
    created: datetime
    expires: datetime


class NhnDownloads:
    """The download reservation endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`.

    ``tag_sends`` is the tag send store (request ID -> request) of its
    :class:`~krsms.emulator.nhn.tag_sends.NhnTagSends`: a reservation for one of those requests
    is a ``TAG`` download."""

    def __init__(self, service: NhnService, tag_sends: Mapping[str, NhnTagSend]):
        self.service = service
        self.clock: Clock = service.clock
        self.tag_sends = tag_sends
        self.downloads: dict[str, NhnDownload] = {}
        """Download ID -> reservation."""
        service.ledger.on_clear(self.forget_sends)

    def forget_sends(self) -> None:
        """Drop every download reservation (each is a snapshot of sends)."""
        self.downloads.clear()

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every download reservation route."""
        return [
            ("POST", "/sender/download-reservations", self.reserve_download),
            ("GET", "/download-reservations", self.list_downloads),
            ("GET", "/download-reservations/{downloadId}/download", self.download),
        ]

    async def reserve_download(self, request: Request) -> Any:
        """N37: snapshot the matching recipients of one ``sendType`` into a CSV."""
        body = json_object(await read_json(request), DOWNLOAD_FIELDS)
        check_types(body, DOWNLOAD_FIELD_TYPES)
        send_type = body.get("sendType")
        if send_type not in ("0", "1", "2"):
            raise NhnRefusal(-2011, "필수 조회 파라미터가 비어있음")
        records = select(self.service, body, {send_type})
        with_text = body.get("isIncludeTitleAndBody") is True
        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\r\n")
        writer.writerow([*CSV_COLUMNS, *(("title", "body") if with_text else ())])
        for record in records:
            row = [
                record.request_id, record.seq, format_time(record.request_date), format_time(record.result_date),
                record.sender, record.recipient, record.country_code, record.status,
                MESSAGE_STATUS_NAMES[record.status], record.result_code, record.send_type, record.message_type,
                record.template_id, record.grouping_key, record.recipient_grouping_key,
            ]  # fmt: skip
            writer.writerow(row + ([record.title, record.body] if with_text else []))
        now = self.clock.now()
        download = NhnDownload(
            download_id=now.strftime("%Y%m%d%H%M%S") + random_id(11),
            parameter=body,
            rows=len(records),
            content=output.getvalue().encode("utf-8"),
            created=now,
            expires=now + DOWNLOAD_KEPT,
        )
        self.downloads[download.download_id] = download
        return {
            "data": {
                "downloadId": download.download_id,
                "downloadType": "TAG" if body.get("requestId") in self.tag_sends else "NORMAL",
                "fileType": "CSV",
                "downloadStatusCode": "COMPLETED",
                "expiredDate": format_time(download.expires),
            }
        }

    def _download_status(self, download: NhnDownload) -> str:
        return "EXPIRED" if self.clock.now() > download.expires else "COMPLETED"

    async def list_downloads(self, request: Request) -> Any:
        """N38: download reservations, newest last."""
        query = request.query_params
        check_filters(query, DOWNLOAD_LIST_FILTER_LIMITS)
        items = [
            {
                "downloadId": download.download_id,
                "downloadType": "TAG" if download.parameter.get("requestId") in self.tag_sends else "NORMAL",
                "fileType": "CSV",
                "parameter": json.dumps(download.parameter, ensure_ascii=False),
                "size": download.rows,
                "downloadStatusCode": self._download_status(download),
                "resultMessage": None,
                "expiredDate": format_time(download.expires),
                "createUser": None,
                "createDate": format_time(download.created),
                "updateDate": format_time(download.created),
            }
            for download in self.downloads.values()
            if matches(query, "downloadId", download.download_id)
            and matches(query, "downloadStatusCode", self._download_status(download))
        ]
        return page(items, request)

    async def download(self, request: Request) -> Any:
        """N39: the CSV bytes of a download reservation."""
        download = self.downloads.get(request.path_params["downloadId"])
        if download is None or self._download_status(download) == "EXPIRED":
            raise NhnRefusal(-2008, "다운로드 ID가 유효하지 않음")
        return Response(
            download.content,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{download.download_id}.csv"'},
        )
