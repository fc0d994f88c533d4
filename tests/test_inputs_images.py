"""MMS images as people really have them: photos saved in other formats and renamed .jpg."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from krsms import ValidationError
from krsms.images import check_jpeg


def saved(image_format: str) -> bytes:
    """A small image saved by Pillow in ``image_format``."""
    written = io.BytesIO()
    Image.new("RGB", (8, 8)).save(written, image_format)
    return written.getvalue()


HEIC_HEADER = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
"""How an iPhone's HEIC photo begins: an ISO media ``ftyp`` box of brand ``heic``."""


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (saved("PNG"), "a PNG image"),
        (saved("GIF"), "a GIF image"),
        (saved("BMP"), "a BMP image"),
        (saved("TIFF"), "a TIFF image"),
        (saved("WEBP"), "a WebP image"),
        (HEIC_HEADER + bytes(100), "a HEIC image"),
        (b"\x00\x00\x00\x1cftypavif" + bytes(100), "an AVIF image"),
        (b"%PDF-1.7\n" + bytes(100), "a PDF document"),
    ],
)
def test_an_image_of_another_format_renamed_jpg_is_refused_naming_its_format(content: bytes, named: str) -> None:
    """The message gave the file's first bytes alone (``it starts 00000018``), which says
    nothing to whoever renamed a phone's HEIC photo ``.jpg``."""
    with pytest.raises(ValidationError) as refused:
        check_jpeg(content, "사진.jpg")
    assert f"is not a JPEG image: it is {named} (convert it to JPEG): it starts {content[:4].hex()}" in str(
        refused.value
    )
    assert refused.value.limit == "JPEG"


def test_content_of_no_known_format_is_refused_by_its_first_bytes() -> None:
    with pytest.raises(ValidationError) as refused:
        check_jpeg(b"hello world", "a.jpg")
    assert str(refused.value) == "content: is not a JPEG image: it starts 68656c6c, where a JPEG starts ffd8ff"


JPEG = b"\xff\xd8\xff\xe0" + bytes(100) + b"\xff\xd9"


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (Path("쿠폰/할인.jpg"), "(a path: give the file's content, Path(path).read_bytes())"),
        ("coupon.jpg", "(a path: give the file's content, Path(path).read_bytes())"),
        (io.BytesIO(JPEG), "(an open file: give its content, file.read(), opened in binary mode)"),
        (
            base64.b64encode(JPEG).decode("ascii"),
            "(Base64 text: give the decoded bytes, base64.b64decode(text); krsms encodes them)",
        ),
    ],
)
def test_content_given_as_a_path_an_open_file_or_base64_says_how_to_give_the_bytes(content: object, hint: str) -> None:
    """The message said "must be bytes" alone, though each of these holds or names the bytes."""
    with pytest.raises(ValidationError) as refused:
        check_jpeg(content, "할인.jpg")  # type: ignore[arg-type]
    assert str(refused.value).endswith(hint)
    assert refused.value.field == "content"


def test_content_of_another_type_gets_no_hint() -> None:
    with pytest.raises(ValidationError) as refused:
        check_jpeg(None, "a.jpg")  # type: ignore[arg-type]
    assert str(refused.value) == "content: must be bytes, not None"


@pytest.mark.parametrize(
    ("file_name", "name_alone"),
    [
        ("/Users/kim/Desktop/쿠폰.jpg", "쿠폰.jpg"),
        ("photos/coupon.jpeg", "coupon.jpeg"),
        ("C:\\Users\\kim\\coupon.JPG", "coupon.JPG"),
    ],
)
def test_a_path_given_as_the_file_name_is_refused_naming_the_name_to_give(file_name: str, name_alone: str) -> None:
    """``file_name=str(path)`` went to the provider with its folders as the stored name (or,
    longer than 40 characters, was refused for its length alone)."""
    with pytest.raises(ValidationError) as refused:
        check_jpeg(JPEG, file_name, max_name_chars=40)
    assert str(refused.value) == (
        f"file_name: {file_name!r} is a path: give the file's name alone ({name_alone!r}, Path(path).name)"
    )
    assert refused.value.value == file_name


def test_a_long_path_is_shown_by_its_end_where_the_name_is() -> None:
    with pytest.raises(ValidationError, match=r"is a path: give the file's name alone \('coupon\.jpg', Path"):
        check_jpeg(JPEG, "/srv/campaigns/2024/spring/assets/images/coupon.jpg", max_name_chars=40)


def test_a_korean_file_name_is_a_name() -> None:
    check_jpeg(JPEG, "봄맞이 할인 쿠폰.jpg", max_name_chars=40)
