"""MMS images: uploading one (S2), the ``files`` a send attaches (uploaded files by their
``fileId``, or the older document's inline ``name``/``body``), and the checks an image meets
either way.

Documented behaviour it reproduces: an image must be a JPEG of at most 1500x1440 pixels; an
upload with the same file name and size as a file still kept returns the stored file; a file
is kept six days (:data:`~krsms.emulator.sens.state.FILE_KEPT`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from krsms.emulator.clock import Clock
from krsms.emulator.sens.envelope import bad_request, format_time, read_json
from krsms.emulator.sens.service import SensService
from krsms.emulator.sens.state import SensFile, SensState
from krsms.images import jpeg_dimensions

MAX_FILE_BYTES = 300 * 1024
"""The largest image, in bytes once decoded."""
MAX_FILE_NAME_CHARS = 40
"""The longest ``fileName``."""
MAX_WIDTH, MAX_HEIGHT = 1500, 1440
"""The largest image, in pixels."""
JPEG_SIGNATURE = b"\xff\xd8\xff"
"""The bytes a JPEG image starts with."""


class SensFiles:
    """The upload endpoint of one :class:`~krsms.emulator.sens.service.SensService`, storing
    files in its state, and the ``files`` check of its sends."""

    def __init__(self, service: SensService):
        self.service = service
        self.state: SensState = service.state
        self.clock: Clock = service.clock

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the service, handler) of the upload route."""
        return [("POST", "/files", self.upload_file)]

    async def upload_file(self, request: Request) -> dict[str, Any]:
        """S2: store an MMS image for six days."""
        body = await read_json(request)
        if not isinstance(body, dict) or set(body) - {"fileName", "fileBody"}:
            raise bad_request("body", "takes fileName and fileBody only")
        stored = self._store(body.get("fileName"), body.get("fileBody"), fields=("fileName", "fileBody"))
        return {
            "fileId": stored.file_id,
            "createTime": format_time(stored.created),
            "expireTime": format_time(stored.expires),
        }

    def attached(self, files: Any, kind: str) -> list[str]:
        """The file IDs of a send's ``files``: 400 unless it is a list on an MMS, each entry an
        uploaded ``fileId`` or an inline image that passes the upload's checks (stored then,
        as an upload)."""
        if files is None:
            return []
        if kind != "MMS":
            raise bad_request("files", "only MMS carries files")
        if not isinstance(files, list):
            raise bad_request("files", "must be a list")
        file_ids = []
        for position, item in enumerate(files):
            if isinstance(item, dict) and set(item) == {"name", "body"}:
                # The older document's inline image: stored like an upload, used once.
                fields = (f"files[{position}].name", f"files[{position}].body")
                _check_no_spaces(fields[0], item["name"])
                file_ids.append(self._store(item["name"], item["body"], fields=fields).file_id)
                continue
            file_id = item.get("fileId") if isinstance(item, dict) else None
            if not isinstance(file_id, str) or file_id not in self.state.files:
                raise bad_request(f"files[{position}].fileId", "is not an uploaded file")
            file_ids.append(file_id)
        return file_ids

    def _store(self, name: Any, encoded: Any, *, fields: tuple[str, str]) -> SensFile:
        """Validate and keep an image for six days; ``fields`` name it and its body in errors."""
        name_field, body_field = fields
        if not isinstance(name, str) or not name.lower().endswith((".jpg", ".jpeg")):
            raise bad_request(name_field, "must end in .jpg or .jpeg")
        if len(name) > MAX_FILE_NAME_CHARS:
            raise bad_request(name_field, f"is {len(name)} characters; at most {MAX_FILE_NAME_CHARS}")
        try:
            content = base64.b64decode(str(encoded or ""), validate=True)
        except (binascii.Error, ValueError):
            raise bad_request(body_field, "is not Base64") from None
        if not content:
            raise bad_request(body_field, "is empty")
        if len(content) > MAX_FILE_BYTES:
            raise bad_request(body_field, f"is {len(content)} bytes; at most {MAX_FILE_BYTES}")
        _check_jpeg(body_field, content)
        now = self.clock.now()
        # "A file with the same name and size is recognised as the same file and reused."
        stored = next(
            (
                known
                for known in self.state.files.values()
                if (known.name, known.size) == (name, len(content)) and not known.expired(now)
            ),
            None,
        )
        if stored is None:
            stored = SensFile(file_id=self.service.new_id("F"), name=name, size=len(content), created=now)
            self.state.files[stored.file_id] = stored
        return stored


def _check_no_spaces(field: str, name: Any) -> None:
    """The older document's inline ``files.name``: "スペース使用不可" (no spaces)."""
    if isinstance(name, str) and any(character.isspace() for character in name):
        raise bad_request(field, "must not contain spaces")


def _check_jpeg(field: str, content: bytes) -> None:
    """Refuse a body that is not a JPEG image or is larger than 1500x1440 pixels."""
    if not content.startswith(JPEG_SIGNATURE):
        raise bad_request(field, "is not a JPEG image")
    dimensions = jpeg_dimensions(content)
    if dimensions is None:
        return
    width, height = dimensions
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise bad_request(field, f"is {width}x{height} pixels; at most {MAX_WIDTH}x{MAX_HEIGHT}")
