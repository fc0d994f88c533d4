"""MMS image rules both providers share: JPEG only, at most 300 KB, named ``.jpg``/``.jpeg``.

Checked before any upload, so a wrong file is a :class:`~krsms.errors.ValidationError` that
names the rule instead of a provider 400.
"""

from __future__ import annotations

import os
import re

from krsms.errors import ValidationError, excerpt
from krsms.fields import wrong_type

MAX_IMAGE_BYTES = 300 * 1024
"""Largest image both providers take: 300 KB (307,200 bytes)."""
IMAGE_SUFFIXES = (".jpg", ".jpeg")
"""File name endings both providers accept (compared ignoring case)."""
JPEG_SIGNATURE = b"\xff\xd8\xff"
"""Start of image, then the first marker: how every JPEG file begins."""
_JPEG_IN_BASE64 = "/9j/"
"""How a JPEG's Base64 text begins (its signature encoded)."""
_START_OF_FRAME = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


_ISO_MEDIA_BRANDS = {
    b"heic": "a HEIC image",
    b"heix": "a HEIC image",
    b"heim": "a HEIC image",
    b"heis": "a HEIC image",
    b"hevc": "a HEIC image",
    b"mif1": "a HEIF image",
    b"msf1": "a HEIF image",
    b"avif": "an AVIF image",
}
"""An ISO media file's brand (bytes 8 to 12, after ``ftyp``): the formats phones save photos in."""


def _other_format(content: bytes) -> str | None:
    """What an image that is not a JPEG is, in words (``"a PNG image"``), from how its file
    begins: the formats a photo is often saved in and then renamed ``.jpg``; None for others."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "a PNG image"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return "a WebP image"
    if content[4:8] == b"ftyp" and content[8:12] in _ISO_MEDIA_BRANDS:
        return _ISO_MEDIA_BRANDS[content[8:12]]
    if content.startswith(b"BM"):
        return "a BMP image"
    if content.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image"
    if content.startswith(b"%PDF"):
        return "a PDF document"
    return None


def jpeg_dimensions(content: bytes) -> tuple[int, int] | None:
    """``(width, height)`` from a JPEG's start-of-frame header; None if it has none."""
    position = 2
    while position + 9 <= len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        if marker in _START_OF_FRAME:
            height = int.from_bytes(content[position + 5 : position + 7], "big")
            width = int.from_bytes(content[position + 7 : position + 9], "big")
            return width, height
        position += 2 + length
    return None


def check_jpeg(
    content: bytes,
    file_name: str,
    *,
    max_name_chars: int | None = None,
    max_size: tuple[int, int] | None = None,
) -> None:
    """Refuse what a provider would: a name not ending in ``.jpg``/``.jpeg`` (or too long), an
    empty, oversized or non-JPEG body, or (with ``max_size``) a resolution over the limit; a
    name that is not text or a body that is not bytes, by name. A path given for the name is
    refused too: the providers store a file name, and a path's folders are no part of it."""
    if not isinstance(file_name, str):
        raise wrong_type("file_name", file_name, "text", limit="a string")
    if not isinstance(content, (bytes, bytearray)):
        raise wrong_type("content", content, "bytes", limit="bytes (the JPEG file's content)", hint=_read_hint(content))
    if not file_name.lower().endswith(IMAGE_SUFFIXES):
        raise ValidationError(
            "file_name", f"{excerpt(file_name)!r} does not end in .jpg or .jpeg", limit="JPEG", value=file_name
        )
    if "/" in file_name or "\\" in file_name:
        name_alone = re.split(r"[/\\]", file_name)[-1]
        raise ValidationError(
            "file_name",
            f"{excerpt(file_name, end=True)!r} is a path: give the file's name alone "
            f"({excerpt(name_alone, end=True)!r}, Path(path).name)",
            limit="a file name, without '/' or '\\'",
            value=file_name,
        )
    if max_name_chars is not None and len(file_name) > max_name_chars:
        raise ValidationError(
            "file_name",
            f"{excerpt(file_name)!r} is {len(file_name)} characters; at most {max_name_chars}",
            limit=f"{max_name_chars} characters",
            value=file_name,
        )
    if not content:
        raise ValidationError("content", "is empty (0 bytes); a JPEG of 1 byte to 300 KB", limit="1 to 300 KB", value=0)
    if len(content) > MAX_IMAGE_BYTES:
        raise ValidationError(
            "content",
            f"is {len(content)} bytes; at most {MAX_IMAGE_BYTES}",
            limit="300 KB",
            value=len(content),
        )
    if not content.startswith(JPEG_SIGNATURE):
        other_format = _other_format(content)
        named = f"it is {other_format} (convert it to JPEG): " if other_format is not None else ""
        raise ValidationError(
            "content",
            f"is not a JPEG image: {named}it starts {content[:4].hex()}, where a JPEG starts {JPEG_SIGNATURE.hex()}",
            limit="JPEG",
            value=content[:4].hex(),
        )
    if max_size is not None:
        dimensions = jpeg_dimensions(content)
        if dimensions is not None and (dimensions[0] > max_size[0] or dimensions[1] > max_size[1]):
            raise ValidationError(
                "content",
                f"is {dimensions[0]}x{dimensions[1]} pixels; at most {max_size[0]}x{max_size[1]}",
                limit=f"{max_size[0]}x{max_size[1]}",
                value=f"{dimensions[0]}x{dimensions[1]}",
            )


def _read_hint(content: object) -> str:
    """How to give the content of what names, opens or encodes the file instead: a path, an
    open file, the Base64 text the providers' documents show (a JPEG's starts ``/9j/``)."""
    if isinstance(content, str) and content.startswith(_JPEG_IN_BASE64):
        return " (Base64 text: give the decoded bytes, base64.b64decode(text); krsms encodes them)"
    if isinstance(content, (str, os.PathLike)):
        return " (a path: give the file's content, Path(path).read_bytes())"
    if callable(getattr(content, "read", None)):
        return " (an open file: give its content, file.read(), opened in binary mode)"
    return ""
