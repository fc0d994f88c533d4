"""NHN's dates are read without ``strptime`` in the forms NHN writes (a page of 1,000 look-up
results holds 2,000 of them), and exactly as ``strptime`` reads them in every form."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from krsms.nhn.converter import _FORMATS, SEOUL, parse_nhn_datetime_or_none


def read_by_strptime(value: str) -> datetime | None:
    """How the formats read ``value`` with ``strptime``; None when none does."""
    for pattern in _FORMATS:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=SEOUL)
        except ValueError:
            continue
    return None


def read(value: str) -> datetime | None:
    try:
        return parse_nhn_datetime_or_none(value)
    except ValueError:
        return None


@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    form=st.sampled_from(["%Y-%m-%d %H:%M:%S.{fraction}", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]),
    digits=st.integers(min_value=1, max_value=6),
)
def test_every_form_nhn_writes_reads_as_strptime_reads_it(moment: datetime, form: str, digits: int) -> None:
    written = moment.strftime(form.replace("{fraction}", f"{moment.microsecond:06d}"[:digits]))
    assert read(written) == read_by_strptime(written) is not None


@pytest.mark.parametrize(
    "written",
    [
        "2018-02-30",  # no such day
        "2018-08-10 24:00",
        "2018-08-10 10:06:30.1234567",  # a fraction past microseconds
        "2018-08-10 10:06:30.",
        "2018-08-10T10:06",
        "0000-01-01",
        "2018-2-3",  # not zero-padded: strptime's own reading
        "2018-08-10 10:6",
        "٢٠١٨-08-10",  # digits of another script: strptime's own reading
        " 2018-08-10",
    ],
)
def test_other_forms_read_or_fail_as_strptime_reads_them(written: str) -> None:
    assert read(written) == read_by_strptime(written)
