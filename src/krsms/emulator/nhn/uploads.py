"""MMS images: uploading one (N18), the checks of a send's or template's ``attachFileIdList``,
and how look-ups list an attachment.

Choices where the document is silent: N18 takes ``fileBody`` as Base64 text or as an array of
byte values (0-255), the two forms its table gives, with the same name, size and extension
checks; another value answers -2010 (invalid upload type). Its required ``createUser`` missing,
empty, blank or over its table's 100 characters answers -9997, as a reservation cancel (N36) does for
its ``updateUser``: neither has a code of its own.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request

from krsms.emulator.clock import Clock
from krsms.emulator.nhn.envelope import (
    NhnRefusal,
    check_types,
    format_time,
    has_text,
    over_limit,
    random_id,
    read_json,
)
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import NhnFile, NhnState
from krsms.nhn.checks import MAX_USER_ID_CHARS

MAX_FILE_BYTES = 300 * 1024
MAX_FILE_NAME_CHARS = 45
UPLOAD_TYPE = "TEMPORARY"
"""``uploadType`` of every attachment: the only value the document's examples show."""
SAVE_NAME_RANDOM_CHARS = 7
"""Random characters in a ``saveFileName`` after the upload date (``20230918KKkqQC0.jpg``)."""


class NhnUploads:
    """The upload endpoint of one :class:`~krsms.emulator.nhn.service.NhnService`, storing files
    in its state (sends and templates attach them)."""

    def __init__(self, service: NhnService):
        self.state: NhnState = service.state
        self.clock: Clock = service.clock
        self._file_ids = itertools.count(1)

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of the upload route."""
        return [("POST", "/attachfile/binaryUpload", self.upload)]

    async def upload(self, request: Request) -> Any:
        """N18: store an MMS image. ``createUser`` is required (its table's 必須, 100 characters):
        without it, empty, blank or longer, -9997, as N36 answers for its ``updateUser``."""
        body = await read_json(request)
        if not isinstance(body, dict) or set(body) - {"fileName", "createUser", "fileBody"}:
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        check_types(body, {"createUser": str})
        if not has_text(body.get("createUser")) or over_limit(body, {"createUser": MAX_USER_ID_CHARS}):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        name = body.get("fileName")
        if not isinstance(name, str) or not name or len(name) > MAX_FILE_NAME_CHARS:
            raise NhnRefusal(-2002, "첨부 파일 이름이 유효하지 않음")
        if not name.lower().endswith((".jpg", ".jpeg")):
            raise NhnRefusal(-2003, "첨부 파일 확장자가 jpg, jpeg가 아님")
        content = _file_content(body.get("fileBody"))
        if not content:
            raise NhnRefusal(-2004, "첨부 파일이 존재하지 않음")
        if len(content) > MAX_FILE_BYTES:
            raise NhnRefusal(-2005, "첨부 파일 크기가 300KB 초과")
        file_id, now = next(self._file_ids), self.clock.now()
        stored = NhnFile(
            file_id=file_id,
            name=name,
            path=f"0/toast-mt-{now:%Y-%m-%d}/{now:%H%M}/{file_id}",  # as N18's example: date, hour and minute, id
            save_name=f"{now:%Y%m%d}{random_id(SAVE_NAME_RANDOM_CHARS)}{name[name.rindex('.') :]}",
            size=len(content),
            create_user=body.get("createUser"),
            created=now,
        )
        self.state.files[file_id] = stored
        return {"data": {"fileId": file_id, "fileName": stored.name, "filePath": stored.path}}


def _file_content(file_body: Any) -> bytes:
    """The file an N18 ``fileBody`` holds: Base64 text, or (its table's "またはバイト配列値") a
    JSON array of byte values, integers 0 to 255; nothing when it is missing or null. -2010
    (invalid upload type) for anything else: text that is not Base64, an array with another
    value (a negative, 256, ``true``, ``1.5``, ``"1"``), another JSON type."""
    if file_body is None:
        return b""
    if isinstance(file_body, str):
        try:
            return base64.b64decode(file_body, validate=True)
        except (binascii.Error, ValueError):
            pass
    elif isinstance(file_body, list) and all(type(value) is int and 0 <= value <= 255 for value in file_body):
        return bytes(file_body)
    raise NhnRefusal(-2010, "첨부 파일 업로드 타입이 유효하지 않음")


def check_attachments(file_ids: list[Any], files: Mapping[int, NhnFile]) -> None:
    """-9997 for an ``attachFileIdList`` entry that is not an ID, -2004 for one not uploaded."""
    for file_id in file_ids:
        if isinstance(file_id, bool) or not isinstance(file_id, (int, str)):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        if file_id not in files:
            raise NhnRefusal(-2004, "첨부 파일이 존재하지 않음")


def attachment(stored: NhnFile) -> dict[str, Any]:
    """One ``attachFileList`` entry of a reservation: the stored file's id, path and name."""
    return {"fileId": stored.file_id, "filePath": stored.path, "fileName": stored.name}


def attachment_detail(
    stored: NhnFile,
    *,
    service_id: int | None = None,
    attach_type: int | None = None,
    template_id: str | None = None,
) -> dict[str, Any]:
    """One ``attachFileList`` entry of a send (N5/N6) or template (N25/N26) look-up: the
    stored upload, with the owner fields the caller gives. ``updateDate``/``updateUser``
    are null: the emulator never modifies an uploaded file."""
    return {
        "fileId": stored.file_id,
        "serviceId": service_id,
        "attachType": attach_type,
        "templateId": template_id,
        "filePath": stored.path,
        "fileName": stored.name,
        "saveFileName": stored.save_name,
        "fileSize": stored.size,
        "createDate": format_time(stored.created),
        "createUser": stored.create_user,
        "updateDate": None,
        "updateUser": None,
        "uploadType": UPLOAD_TYPE,
        "existFileName": stored.save_name,
    }
