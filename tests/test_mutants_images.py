"""Image rules that hand-made mutants of :mod:`krsms.images` showed untested: the 300 KB limit
to the byte, the resolution limit on each side, how a JPEG's size is found, and the name rules."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from krsms import ValidationError
from krsms.images import MAX_IMAGE_BYTES, check_jpeg, jpeg_dimensions
from krsms.sens.models import MAX_IMAGE_SIZE


def jpeg(width: int, height: int, *, progressive: bool = False) -> bytes:
    """A JPEG of ``width`` x ``height`` pixels, saved by Pillow."""
    written = io.BytesIO()
    Image.new("RGB", (width, height)).save(written, "JPEG", progressive=progressive)
    return written.getvalue()


def padded(size: int) -> bytes:
    """A JPEG of exactly ``size`` bytes: a small one with zeros before its end marker."""
    small = jpeg(8, 8)
    return small[:-2] + bytes(size - len(small)) + small[-2:]


def test_an_image_of_300_kb_to_the_byte_passes_and_one_byte_more_is_refused() -> None:
    assert MAX_IMAGE_BYTES == 307_200
    check_jpeg(padded(307_200), "a.jpg")
    with pytest.raises(ValidationError) as refused:
        check_jpeg(padded(307_201), "a.jpg")
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("content", "300 KB", 307_201)
    assert str(refused.value) == "content: is 307201 bytes; at most 307200"


def test_the_size_of_a_jpeg_is_read_as_width_then_height() -> None:
    assert jpeg_dimensions(jpeg(30, 20)) == (30, 20)
    assert jpeg_dimensions(jpeg(30, 20, progressive=True)) == (30, 20)


def test_fill_bytes_before_a_marker_are_skipped() -> None:
    content = jpeg(30, 20)
    assert jpeg_dimensions(content[:2] + b"\xff\xff" + content[2:]) == (30, 20)


def test_a_jpeg_that_ends_with_its_frame_header_is_read() -> None:
    content = jpeg(30, 20)
    frame = content.index(b"\xff\xc0")
    assert jpeg_dimensions(content[: frame + 9]) == (30, 20)


def test_sens_s_largest_resolution_passes() -> None:
    assert MAX_IMAGE_SIZE == (1500, 1440)
    check_jpeg(jpeg(1500, 1440), "a.jpg", max_size=MAX_IMAGE_SIZE)


@pytest.mark.parametrize(("width", "height"), [(1501, 1440), (1500, 1441), (1440, 1500)])
def test_one_pixel_over_on_either_side_is_refused(width: int, height: int) -> None:
    with pytest.raises(ValidationError) as refused:
        check_jpeg(jpeg(width, height), "a.jpg", max_size=MAX_IMAGE_SIZE)
    assert (refused.value.field, refused.value.limit, refused.value.value) == (
        "content",
        "1500x1440",
        f"{width}x{height}",
    )


def test_a_name_of_the_most_characters_passes_and_one_more_is_refused() -> None:
    check_jpeg(jpeg(8, 8), "a" * 36 + ".jpg", max_name_chars=40)
    name = "a" * 37 + ".jpg"
    with pytest.raises(ValidationError) as refused:
        check_jpeg(jpeg(8, 8), name, max_name_chars=40)
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("file_name", "40 characters", name)


@pytest.mark.parametrize("name", ["PHOTO.JPG", "Photo.Jpeg"])
def test_the_suffix_is_compared_ignoring_case(name: str) -> None:
    check_jpeg(jpeg(8, 8), name)


def test_a_windows_path_is_refused_as_a_path() -> None:
    with pytest.raises(ValidationError) as refused:
        check_jpeg(jpeg(8, 8), "C:\\photos\\a.jpg")
    assert (refused.value.field, refused.value.limit) == ("file_name", "a file name, without '/' or '\\'")


def test_content_read_into_a_bytearray_is_taken() -> None:
    check_jpeg(bytearray(jpeg(8, 8)), "a.jpg")


def test_a_jpeg_start_followed_by_no_marker_has_no_size() -> None:
    assert jpeg_dimensions(b"\xff\xd8" + b"\x00\xc0\x00\x11\x08\x00\x14\x00\x1e" * 2) is None


def test_an_iso_media_file_of_another_brand_is_refused_by_its_first_bytes() -> None:
    """A video (``ftyp`` brand ``isom``) renamed ``.jpg``: no photo format to name."""
    content = b"\x00\x00\x00\x18ftypisom" + bytes(100)
    with pytest.raises(ValidationError) as refused:
        check_jpeg(content, "a.jpg")
    assert str(refused.value) == "content: is not a JPEG image: it starts 00000018, where a JPEG starts ffd8ff"


def test_empty_content_is_refused_as_empty_not_as_another_format() -> None:
    with pytest.raises(ValidationError) as refused:
        check_jpeg(b"", "a.jpg")
    assert (refused.value.field, refused.value.limit, refused.value.value) == ("content", "1 to 300 KB", 0)
    assert str(refused.value) == "content: is empty (0 bytes); a JPEG of 1 byte to 300 KB"
