"""Phone numbers as the emulator reads them: international numbers split into country code
and national number, and the numbers of the per-number rules of
:class:`~krsms.emulator.config.EmulatorConfig`, matched however a request sent a recipient.

A rule's number is kept in one of two forms (:func:`rule_number`): written without ``+``,
as its digits, separators dropped (``010-1234-5678`` -> ``01012345678``, a number as
dialled in its country); written with ``+`` and a country code, as its
:func:`international_form` (``+82 10-1234-5678`` -> ``821012345678``). A recipient goes
by three names (:func:`rule_names`): the number as the request wrote it, its national
number and its international form, so ``01012345678``, ``+82 10-1234-5678`` and
``821012345678`` name the same Korean recipient whether it was sent as a ``recipientNo``, a
SENS ``to`` or an NHN ``internationalRecipientNo``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

from krsms.emulator.inputs import is_digits
from krsms.phone_numbers import calling_code

T = TypeVar("T")

KOREA_COUNTRY_CODE = "82"


def split_international(number: str) -> tuple[str, str]:
    """(``countryCode``, ``recipientNo``) of an ``internationalRecipientNo``, as NHN answers and
    lists it: the country calling code the number starts with (:func:`krsms.phone_numbers.calling_code`),
    then the national number. For Korea that is the rest with the trunk 0 in front, as the
    document's N1 example answers ``821000000000`` as ``01000000000`` (a 0 already written
    after 82 is kept, not doubled); for another country the rest as written, the form a
    ``recipientNo`` with that ``countryCode`` takes."""
    country_code = calling_code(number)
    national = number[len(country_code) :]
    if country_code == KOREA_COUNTRY_CODE and not national.startswith("0"):
        national = "0" + national
    return country_code, national


SEPARATORS = re.compile(r"[\s().-]")
"""What a number in the configuration may be written with besides its digits and a leading
``+``: spaces, hyphens, dots and parentheses."""


def international_form(country_code: str, national: str) -> str:
    """A number as its country code followed by its national number, without the trunk 0 of
    a Korean number (``82``, ``01012345678`` -> ``821012345678``): the form an
    ``internationalRecipientNo`` writes it in. Another country's national number is kept as
    given."""
    if country_code == KOREA_COUNTRY_CODE and national.startswith("0"):
        national = national[1:]
    return country_code + national


def rule_names(written: str, country_code: str, national: str) -> tuple[str, ...]:
    """The numbers a per-number rule may name a recipient by, in the order they are looked
    up: as the request wrote it, its national number, its :func:`international_form`."""
    return written, national, international_form(country_code, national)


def first_rule(rules: Mapping[str, T], names: Iterable[str]) -> T | None:
    """The rule of the first of ``names`` that ``rules`` holds; None when it holds none."""
    for name in names:
        if name in rules:
            return rules[name]
    return None


def rule_number(setting: str, written: object, *, international: bool = True) -> str:
    """``written``, a number of the ``setting`` of the configuration, in the form rules are
    matched in (see the module); ``ValueError`` naming both when it is not a number: digits,
    with spaces, hyphens, dots or parentheses between them and, when ``international``, a
    ``+`` and country code in front."""
    if not isinstance(written, str):
        raise ValueError(f"{setting}: {written!r} is not a phone number (a string of digits)")
    number = SEPARATORS.sub("", written)
    plus = international and number.startswith("+")
    digits = number[1:] if plus else number
    if not is_digits(digits):
        form = "digits, '+' and a country code in front of them for a number abroad" if international else "digits"
        separated = "spaces, hyphens, dots or parentheses may separate them"
        raise ValueError(f"{setting}: {written!r} is not a phone number ({form}; {separated})")
    return international_form(*split_international(digits)) if plus else digits
