"""The per-number rules ``krsms emulator`` takes as options (``--rejected-number``,
``--undeliverable-number``, ``--nhn-message-status``, ``--sens-message-status``,
``--sens-reservation-status``, ``--unregistered-sender``), checked
before it starts.

Numbers are checked as the SDK checks a recipient or a sender (:func:`~krsms.phone_numbers.normalize_number`),
so a rule names a number a client can send to; codes are checked against the providers'
documents, so the emulator answers only what a provider could. Each error is a
:class:`~krsms.ValidationError` naming the :class:`~krsms.emulator.EmulatorConfig` field
the option fills, the pair or number as given and what is wrong with it.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from krsms.emulator.config import (
    NHN_STATUS_RULES,
    NHN_STATUSES_NOT_RULES,
    SENS_MESSAGE_STATUS_RULES,
    SENS_MESSAGE_STATUSES_NOT_RULES,
    SENS_RESERVATION_STATUS_RULES,
    SENS_RESERVATION_STATUSES_NOT_RULES,
)
from krsms.errors import ValidationError
from krsms.phone_numbers import KOREA, calling_code, normalize_number, without_separators

Code = TypeVar("Code", int, str)

NHN_RESULT_CODES = frozenset(
    {-1000, -1001, -1002, -1003, -1004, -9996, -9997, -9998, -9999, -1006,
     -2000, -2001, -2002, -2003, -2004, -2005, -2006, -2008, -2009, -2010, -2011, -2012, -2014,
     -2016, -2017, -2018, -2019, -2021, -2022, -2023, -4000,
     *range(-2117, -2099), -2043, *range(-2205, -2199), -2312, -2313, -2314, -2700, -2701, -2703,
     -6000, -6001, -6003, -6004, -7000, -7001, -7002}
)  # fmt: skip
"""The failure codes of NHN's error code table ("API response codes"), the table its send
answer's per-recipient ``resultCode`` comes from (-2019 an invalid recipient number, -6001
one on the 080 block list)."""

DELIVERY_FAILURE_CODES = frozenset(
    {*map(str, range(1001, 1021)), *map(str, range(2000, 2008)), *map(str, range(3000, 3020)),
     *(f"E{code}" for code in range(900, 923)), "E999"}
)  # fmt: skip
"""The delivery failure codes both providers' documents list (SENS's statusCode table,
NHN's EMMA v.3 result codes): the carriers' (2000-2007, 3000-3019), the relay gateway's
(1001-1020) and EMMA's (E900-E922, E999). An undeliverable number's code is answered by both
providers, so a code one of them never writes (SENS's 3022, 3023 and S000-S999) is left out."""
DELIVERED_CODES = {"0": "SENS", "1000": "NHN"}
"""The codes of a delivered message, and the provider that writes each."""

_RESULT_CODE = re.compile(r"-[0-9]+")
_INTERNATIONAL = re.compile(r"\+([0-9]+)")
"""A number written with ``+``: its country code is among the digits after it."""


def sendable_number(written: str, *, field: str) -> str:
    """``written`` as the SDK sends it (:func:`~krsms.phone_numbers.normalize_number`): a Korean
    number as dialled in Korea (``+82 10-1234-5678`` -> ``01012345678``); a number abroad,
    written with ``+`` and its country code, as ``+``, the code and its national number,
    the form the emulator matches a recipient sent with that ``countryCode`` by."""
    international = _INTERNATIONAL.match(without_separators(written))
    country_code = calling_code(international[1]) if international else KOREA
    if country_code == KOREA:
        return normalize_number(written, field=field)
    return f"+{country_code}{normalize_number(written, field=field, country_code=country_code)}"


def rejected_numbers(pairs: Iterable[str]) -> dict[str, int]:
    """``--rejected-number NUMBER=CODE`` pairs as ``EmulatorConfig.rejected_numbers``: each code
    a failure ``resultCode`` of NHN's error code table (:data:`NHN_RESULT_CODES`)."""
    return _number_rules("rejected_numbers", pairs, _nhn_result_code, example="01000000000=-2019")


def undeliverable_numbers(pairs: Iterable[str]) -> dict[str, str]:
    """``--undeliverable-number NUMBER=CODE`` pairs as ``EmulatorConfig.undeliverable_numbers``:
    each code one of :data:`DELIVERY_FAILURE_CODES`."""
    return _number_rules("undeliverable_numbers", pairs, _delivery_failure_code, example="01000000000=3006")


def nhn_message_statuses(pairs: Iterable[str]) -> dict[str, str]:
    """``--nhn-message-status NUMBER=STATUS`` pairs as ``EmulatorConfig.nhn_message_statuses``:
    each status one of :data:`~krsms.emulator.config.NHN_STATUS_RULES`."""
    return _status_pairs(
        "nhn_message_statuses",
        pairs,
        NHN_STATUS_RULES,
        NHN_STATUSES_NOT_RULES,
        what="a msgStatus of NHN's",
        example="5",
    )


def sens_message_statuses(pairs: Iterable[str]) -> dict[str, str]:
    """``--sens-message-status NUMBER=STATUS`` pairs as ``EmulatorConfig.sens_message_statuses``:
    each status one of :data:`~krsms.emulator.config.SENS_MESSAGE_STATUS_RULES`."""
    return _status_pairs(
        "sens_message_statuses",
        pairs,
        SENS_MESSAGE_STATUS_RULES,
        SENS_MESSAGE_STATUSES_NOT_RULES,
        what="a message status of SENS's",
        example="PROCESSING",
    )


def sens_reservation_statuses(pairs: Iterable[str]) -> dict[str, str]:
    """``--sens-reservation-status NUMBER=STATUS`` pairs as
    ``EmulatorConfig.sens_reservation_statuses``: each status one of
    :data:`~krsms.emulator.config.SENS_RESERVATION_STATUS_RULES`."""
    return _status_pairs(
        "sens_reservation_statuses",
        pairs,
        SENS_RESERVATION_STATUS_RULES,
        SENS_RESERVATION_STATUSES_NOT_RULES,
        what="a reserveStatus of SENS's",
        example="FAIL",
    )


def _status_pairs(
    field: str,
    pairs: Iterable[str],
    rules: Mapping[str, str],
    not_rules: Mapping[str, str],
    *,
    what: str,
    example: str,
) -> dict[str, str]:
    """``NUMBER=STATUS`` pairs as a mapping of numbers to statuses, each a key of ``rules``
    (:func:`_documented_status`); refused as :func:`_number_rules` refuses a pair."""
    parse = functools.partial(_documented_status, rules=rules, not_rules=not_rules, what=what)
    return _number_rules(field, pairs, parse, example=f"01000000000={example}")


def unregistered_senders(numbers: Iterable[str]) -> frozenset[str]:
    """``--unregistered-sender NUMBER`` values as ``EmulatorConfig.unregistered_senders``: each
    a Korean number, as a message's sender is (``1544-6859`` -> ``15446859``)."""
    senders = set()
    for number in numbers:
        with _quoting(number):
            senders.add(normalize_number(number, field="unregistered_senders"))
    return frozenset(senders)


def _nhn_result_code(code: str) -> int:
    """``code`` as NHN's int ``resultCode``; ``ValueError`` saying why when it is not one of
    :data:`NHN_RESULT_CODES`."""
    if _RESULT_CODE.fullmatch(code) and int(code) in NHN_RESULT_CODES:
        return int(code)
    raise ValueError("is not a failure resultCode of NHN's error code table (-2019, an invalid recipient number, say)")


def _documented_status(status: str, *, rules: Mapping[str, str], not_rules: Mapping[str, str], what: str) -> str:
    """``status``; ``ValueError`` saying why when it is not a key of ``rules``: whose it is
    when ``not_rules`` has it, else that it is not ``what`` document a number can be given."""
    if status in rules:
        return status
    allowed = ", ".join(f"{status} {name}" for status, name in rules.items())
    if status in not_rules:
        raise ValueError(f"is {not_rules[status]}; one of {allowed}")
    raise ValueError(f"is not {what} document a number can be given ({allowed})")


def _delivery_failure_code(code: str) -> str:
    """``code``; ``ValueError`` saying why when it is not one of :data:`DELIVERY_FAILURE_CODES`."""
    if code in DELIVERY_FAILURE_CODES:
        return code
    if code in DELIVERED_CODES:
        raise ValueError(f"is {DELIVERED_CODES[code]}'s code of a delivered message, not of a failure")
    raise ValueError(
        "is not a delivery failure code both providers list (2000-2007, 3000-3019, 1001-1020, E900-E922 or E999; "
        "3006, call denied, say)"
    )


def _number_rules(
    field: str, pairs: Iterable[str], parse_code: Callable[[str], Code], *, example: str
) -> dict[str, Code]:
    """``NUMBER=CODE`` pairs as a mapping of each number (:func:`sendable_number`) to its code
    (``parse_code``, ``ValueError`` for one it refuses); a pair that is not one (unlike
    ``example``), a number that is not one, a code refused or one number given two codes
    raise :class:`~krsms.ValidationError` naming ``field``."""
    rules: dict[str, Code] = {}
    given_as: dict[str, str] = {}
    for pair in pairs:
        written, _, written_code = pair.partition("=")
        if not (written.strip() and written_code.strip()):
            raise ValidationError(
                field,
                f"{pair!r} is not NUMBER=CODE, a number, '=' and its code ({example}, say)",
                limit="NUMBER=CODE",
                value=pair,
            )
        with _quoting(pair):
            number = sendable_number(written, field=field)
        try:
            code = parse_code(written_code)
        except ValueError as refused:
            raise ValidationError(
                field, f"{pair!r}: {written_code!r} {refused}", limit="a documented code", value=pair
            ) from None
        if number in rules and rules[number] != code:
            raise ValidationError(
                field, f"{given_as[number]!r} and {pair!r} give one number two codes", limit="one code", value=pair
            )
        rules[number], given_as[number] = code, pair
    return rules


@contextlib.contextmanager
def _quoting(given: str) -> Iterator[None]:
    """Make a :class:`~krsms.ValidationError` of a number quote it (or the pair it was
    ``given`` in) unmasked: these are the operator's own test numbers, not recipients' (the
    SDK's problem with the number still masks it)."""
    try:
        yield
    except ValidationError as refused:
        raise ValidationError(
            refused.field, f"{given!r}: {refused.problem}", limit=refused.limit, value=given
        ) from None
