"""Configuration of the emulator: credentials, injected faults and per-number rules.

The emulator is configured once, at start; tests may swap the ``faults`` at run time through
the inspection API (``PUT /_emulator/faults``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from krsms.emulator.clock import MAX_SKEW_SECONDS, checked_skew
from krsms.emulator.numbers import KOREA_COUNTRY_CODE, international_form, rule_number
from krsms.errors import ValidationError
from krsms.request_checks import check_credential
from krsms.settings import check_number, seconds

DEMO_SENS_ACCESS_KEY = "demo-access-key"
"""The SENS access key of the default :class:`EmulatorConfig`."""
DEMO_SENS_SECRET_KEY = "demo-secret-key"
"""The SENS secret key of the default :class:`EmulatorConfig`."""
DEMO_SENS_SERVICE_ID = "ncp:sms:kr:000000000000:demo"
"""The SENS service id of the default :class:`EmulatorConfig`."""
DEMO_NHN_APP_KEY = "demo-app-key"
"""The NHN appKey of the default :class:`EmulatorConfig`."""

INSPECTION_PREFIX = "/_emulator"
"""Reserved path prefix of the inspection API (never used by either provider)."""


MAX_CLOCK_SKEW_SECONDS = MAX_SKEW_SECONDS
"""How far ``clock_skew_seconds`` may move the emulated clock, either way."""

_seconds = seconds()
"""attrs validator: a finite number of seconds, at least 0."""

FAULT_KINDS = (
    "rate_limit",
    "server_error",
    "unavailable",
    "drop",
    "error_after_processing",
    "drop_after_processing",
    "slow",
)
"""Every kind of fault that takes a request's answer, in the order a draw stacks their rates
(``Faults.<kind>_rate``): one request meets one of them at most."""
MIN_FAILURE_STATUS, MAX_FAILURE_STATUS = 400, 599
"""The range of ``Faults.sens_failed_request_code``: an HTTP error status, as the document
says the request's ``statusCode`` follows the HTTP status specification."""
TURNED_AWAY_STATUS = "429"
"""The one HTTP error status ``Faults.sens_failed_request_code`` refuses: a 429 is a rate
limiter's, before the request is processed (the ``rate_limit`` fault's answer), and a client
sends such a request again, while the emulator stored the one it failed."""


def _rate(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a probability, from 0 to 1."""
    if check_number(attribute.name, value) > 1:
        raise ValidationError(attribute.name, f"must be from 0 to 1, not {value!r}", limit="0-1", value=value)


def _integer(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: an int (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{attribute.name} must be an integer, not {value!r}")


def _boolean(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: True or False (not a string or a number)."""
    if not isinstance(value, bool):
        raise ValueError(f"{attribute.name} must be true or false, not {value!r}")


def _skew(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a skew the emulator's clock takes (:func:`~krsms.emulator.clock.checked_skew`)."""
    checked_skew(attribute.name, value)


def _credential(instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """A key (or the SENS service id) a client could send: the SDK's clients refuse an empty
    one or one with its line break, so an emulator expecting it would refuse every request
    made with the key as issued. The error names the field, never the key."""
    if value is not None:
        check_credential(attribute.name, value)


def _failure_status(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: an HTTP error status written as SENS writes ``statusCode`` (``"500"``),
    not :data:`TURNED_AWAY_STATUS`."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 3):
        raise ValueError(f'{attribute.name} must be an HTTP error status as text ("500" say), not {value!r}')
    if not MIN_FAILURE_STATUS <= int(value) <= MAX_FAILURE_STATUS:
        raise ValueError(
            f"{attribute.name} must be from {MIN_FAILURE_STATUS} to {MAX_FAILURE_STATUS} (an HTTP error status), "
            f"not {value!r}"
        )
    if value == TURNED_AWAY_STATUS:
        raise ValueError(
            f"{attribute.name} must not be {value!r}: a 429 says the request was turned away before it was "
            "processed, and a client sends it again, while this fault stores it (any other from "
            f"{MIN_FAILURE_STATUS} to {MAX_FAILURE_STATUS})"
        )


def _faults(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: a :class:`Faults`."""
    if not isinstance(value, Faults):
        raise ValueError(f"{attribute.name} must be Faults(...), not {value!r}")


@attrs.frozen(kw_only=True)
class Faults:
    """Faults injected into the provider endpoints, drawn from a seeded random generator.

    Rates are probabilities in ``[0, 1]`` per request; those of :data:`FAULT_KINDS` (one
    request meets one of them at most) together at most 1. "Before
    processing" faults answer without touching the emulator's state (the message provably
    did not arrive); "after processing" faults store the message first and then fail the
    answer, which is the ambiguous case a client must never blindly resend.

    Every field is checked when the faults are made: a value of the wrong type, a rate
    outside ``[0, 1]``, those rates adding up to more than 1, or a negative or non-finite number of
    seconds raises ``ValueError`` naming the field.
    """

    seed: int = attrs.field(default=0, validator=_integer)
    """Seed of the generator faults and jitter are drawn from; the same seed and the same
    requests in the same order inject the same faults."""
    latency: float = attrs.field(default=0.0, validator=_seconds)
    """Seconds a provider request takes to be answered, counted from its arrival. The
    emulator processes the request at once and holds the answer until then, so its own work
    is part of the latency, as a real provider's is; faults "before processing" answer after
    it, unprocessed."""
    latency_jitter: float = attrs.field(default=0.0, validator=_seconds)
    """Extra seconds drawn uniformly from ``[0, latency_jitter]`` per request."""
    rate_limit_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of requests answered 429 with ``Retry-After`` (before processing)."""
    retry_after: float = attrs.field(default=1.0, validator=_seconds)
    """Seconds sent in the ``Retry-After`` header of injected 429s, rounded up to whole seconds."""
    server_error_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of requests answered 500 before processing."""
    unavailable_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of requests answered 503 before processing."""
    error_after_processing_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of requests processed and stored, then answered 500."""
    drop_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of connections dropped before processing (no complete response)."""
    drop_after_processing_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of connections dropped after the request was processed and stored."""
    slow_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of requests a busy provider holds ``slow_delay`` seconds before processing and
    storing them (to provoke timeouts while the request is still queued)."""
    slow_delay: float = attrs.field(default=0.0, validator=_seconds)
    """Seconds a request picked by ``slow_rate`` waits before it is processed; ``latency``
    counts from its arrival, so the wait is part of it, not added to it."""
    sends_only: bool = attrs.field(default=True, validator=_boolean)
    """Inject faults only into send endpoints (SENS S1, NHN sender/tag-sender POSTs)."""
    sens_failed_request_rate: float = attrs.field(default=0.0, validator=_rate)
    """Share of SENS sends (S1) going out at once that SENS stores and then fails at its
    messaging server: S1 answers ``sens_failed_request_code`` (as its HTTP status and its
    ``statusCode``, ``statusName`` ``fail``), S3 by the ``requestId`` lists the request so and
    its messages READY, S4 answers the code too, and nothing is delivered (the ledger has the
    recipients ``rejected`` with the code). Drawn apart from the other rates (not added to
    them), so it combines with a fault that loses the answer."""
    sens_failed_request_code: str = attrs.field(default="500", validator=_failure_status)
    """The ``statusCode`` of a request ``sens_failed_request_rate`` fails: an HTTP error status
    (400 to 599, but 429, a refusal before processing: see :data:`TURNED_AWAY_STATUS`) as text."""
    listing_lag: float = attrs.field(default=0.0, validator=_seconds)
    """Seconds after a send is processed, by the emulated clock, before the message look-ups
    list it (SENS S3 and S4, NHN N2 to N9 and N37's download), as a provider whose look-ups
    lag its sends does. Read at each look-up: a new lag (a ``PUT``, or the clock moved on)
    applies to the sends already processed too. It applies to every request, not only sends."""

    def __attrs_post_init__(self) -> None:
        rates = {f"{kind}_rate": getattr(self, f"{kind}_rate") for kind in FAULT_KINDS}
        if math.fsum(rates.values()) > 1:
            given = " + ".join(f"{name} {rate}" for name, rate in rates.items() if rate)
            raise ValueError(f"the fault rates add up to more than 1: {given}")


def _number_rules(setting: str, value: Any) -> dict[str, Any]:
    """A mapping of numbers to rules with each number in the form the rules are matched in
    (:func:`~krsms.emulator.numbers.rule_number`); ``ValueError`` naming ``setting`` for a
    number that is not one, or for two keys that are one number with different rules."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{setting}: must be a mapping of numbers to their rules, not {value!r}")
    rules: dict[str, Any] = {}
    written_as: dict[str, object] = {}
    for written, rule in value.items():
        number = rule_number(setting, written)
        if number in rules and rules[number] != rule:
            raise ValueError(
                f"{setting}: {written_as[number]!r} and {written!r} are the same number with different rules"
            )
        rules[number], written_as[number] = rule, written
    return rules


def _rejected_numbers(value: Any) -> dict[str, int]:
    """attrs converter of ``rejected_numbers`` (see :func:`_number_rules`); each code a
    non-zero int, as NHN writes a ``resultCode`` (0 is its success, a text one would be
    answered as a JSON string)."""
    rules = _number_rules("rejected_numbers", value)
    for number, code in rules.items():
        if isinstance(code, bool) or not isinstance(code, int) or code == 0:
            raise ValueError(
                f"rejected_numbers: the code of {number} must be a non-zero int (NHN's resultCode, -2019 say), "
                f"not {code!r}"
            )
    return rules


def _as_korean_recipient(number: str) -> str:
    """A rule's number (:func:`~krsms.emulator.numbers.rule_number`) as the international form a
    Korean recipient it names has: a national number (its trunk 0) in that form, an
    international one as it is."""
    return international_form(KOREA_COUNTRY_CODE, number) if number.startswith("0") else number


DELIVERED_CODES = frozenset({"0", "1000"})
"""The delivery result codes of a delivered message (SENS's ``0``, NHN's ``1000``): not a rule
of ``undeliverable_numbers``, which would report that number delivered."""


def _undeliverable_numbers(value: Any) -> dict[str, str]:
    """attrs converter of ``undeliverable_numbers`` (see :func:`_number_rules`); each code a
    delivery result code as text (``"3006"``), as both providers' look-ups write it."""
    rules = _number_rules("undeliverable_numbers", value)
    for number, code in rules.items():
        if not isinstance(code, str) or not code.strip() or code in DELIVERED_CODES:
            raise ValueError(
                f"undeliverable_numbers: the code of {number} must be a delivery failure's result code as text "
                f'("3006" say), not {code!r}'
            )
    return rules


NHN_STATUS_RULES = {
    "0": "failed",
    "1": "requested",
    "2": "processing",
    "5": "duplicate failure",
    "6": "failed (advertising limit)",
}
"""The ``msgStatus`` values ``nhn_message_statuses`` takes, each with the document's name for it."""
NHN_STATUSES_NOT_RULES = {
    "3": "every other recipient's msgStatus (success, or an undeliverable number's failing resultCode)",
    "4": "a cancelled reservation's msgStatus (a cancel, N36, makes it)",
}
"""The documented ``msgStatus`` values ``nhn_message_statuses`` refuses, and whose they are."""


def _nhn_message_statuses(value: Any) -> dict[str, str]:
    """attrs converter of ``nhn_message_statuses`` (see :func:`_status_rules`); each status one
    of :data:`NHN_STATUS_RULES` as text, as NHN writes ``msgStatus``."""
    return _status_rules(
        "nhn_message_statuses",
        value,
        NHN_STATUS_RULES,
        NHN_STATUSES_NOT_RULES,
        what="a msgStatus of NHN's document as text",
    )


SENS_MESSAGE_STATUS_RULES = {
    "READY": "ready (never sent)",
    "PROCESSING": "being processed (for good)",
}
"""The message ``status`` values ``sens_message_statuses`` takes, each with what it makes of
the message."""
SENS_MESSAGE_STATUSES_NOT_RULES = {
    "COMPLETED": "every other message's status (success, or an undeliverable number's failing statusCode)",
}
"""The documented message ``status`` values ``sens_message_statuses`` refuses, and whose they are."""
SENS_RESERVATION_STATUS_RULES = {
    "PROCESSING": "requesting delivery (for good)",
    "FAIL": "delivery request failure",
    "STALE": "delivery request failure (timeout)",
}
"""The ``reserveStatus`` values ``sens_reservation_statuses`` takes, each with the document's
name for it."""
SENS_RESERVATION_STATUSES_NOT_RULES = {
    "READY": "every reservation's reserveStatus until its time comes",
    "DONE": "every other reservation's reserveStatus once its time has come",
    "CANCELED": "a cancelled reservation's reserveStatus (a cancel, S6, makes it)",
}
"""The documented ``reserveStatus`` values ``sens_reservation_statuses`` refuses, and whose they are."""


def _sens_message_statuses(value: Any) -> dict[str, str]:
    """attrs converter of ``sens_message_statuses`` (see :func:`_status_rules`); each status one
    of :data:`SENS_MESSAGE_STATUS_RULES`, written as SENS writes ``status``."""
    return _status_rules(
        "sens_message_statuses",
        value,
        SENS_MESSAGE_STATUS_RULES,
        SENS_MESSAGE_STATUSES_NOT_RULES,
        what="a message status of SENS's document",
    )


def _sens_reservation_statuses(value: Any) -> dict[str, str]:
    """attrs converter of ``sens_reservation_statuses`` (see :func:`_status_rules`); each status
    one of :data:`SENS_RESERVATION_STATUS_RULES`, written as SENS writes ``reserveStatus``."""
    return _status_rules(
        "sens_reservation_statuses",
        value,
        SENS_RESERVATION_STATUS_RULES,
        SENS_RESERVATION_STATUSES_NOT_RULES,
        what="a reserveStatus of SENS's document",
    )


def _status_rules(
    setting: str, value: Any, rules: Mapping[str, str], not_rules: Mapping[str, str], *, what: str
) -> dict[str, str]:
    """A mapping of numbers to statuses (see :func:`_number_rules`), each status a key of
    ``rules``; ``ValueError`` naming ``setting``, the number and the status for a status of
    ``not_rules`` (saying whose it is) or any other value (``what`` the status must be)."""
    statuses = _number_rules(setting, value)
    allowed = ", ".join(f'"{status}" {name}' for status, name in rules.items())
    for number, status in statuses.items():
        if isinstance(status, str) and status in not_rules:
            raise ValueError(
                f"{setting}: the status of {number} must not be {status!r}, {not_rules[status]}; one of {allowed}"
            )
        if not isinstance(status, str) or status not in rules:
            raise ValueError(f"{setting}: the status of {number} must be {what} ({allowed}), not {status!r}")
    return statuses


def _sender_numbers(value: Any) -> frozenset[str]:
    """attrs converter of ``unregistered_senders``: each number as digits (sender numbers are
    dialled in Korea, so without ``+``); ``ValueError`` for one that is not a number."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValueError(f"unregistered_senders: must be a set of numbers, not {value!r}")
    return frozenset(rule_number("unregistered_senders", number, international=False) for number in value)


NO_FAULTS = Faults()
"""No faults and no latency: every request is served at once."""


@attrs.frozen(kw_only=True)
class EmulatorConfig:
    """Everything the emulator needs to know; defaults are the documented demo credentials."""

    sens_access_key: str = attrs.field(default=DEMO_SENS_ACCESS_KEY, repr=False, validator=_credential)
    """The ``x-ncp-iam-access-key`` SENS requests must carry."""
    sens_secret_key: str = attrs.field(default=DEMO_SENS_SECRET_KEY, repr=False, validator=_credential)
    """The secret key SENS signatures are checked with."""
    sens_service_id: str = attrs.field(default=DEMO_SENS_SERVICE_ID, validator=_credential)
    """The one SENS service id served; any other is answered 404."""
    nhn_app_key: str = attrs.field(default=DEMO_NHN_APP_KEY, repr=False, validator=_credential)
    """The one NHN appKey accepted; any other is refused with ``resultCode`` -1001."""
    nhn_secret_key: str | None = attrs.field(default=None, repr=False, validator=_credential)
    """When set, NHN requests must carry it in ``X-Secret-Key``."""
    faults: Faults = attrs.field(default=NO_FAULTS, validator=_faults)
    """Faults injected from the start (``PUT /_emulator/faults`` replaces them)."""
    rejected_numbers: Mapping[str, int] = attrs.field(factory=dict, converter=_rejected_numbers)
    """Number -> NHN per-recipient ``resultCode`` (non-zero) returned in ``sendResultList``.
    SENS has no per-recipient answer at send time; for SENS these numbers are accepted and
    their delivery result fails with code 3001 (no subscriber).

    The numbers of this, ``undeliverable_numbers``, ``nhn_message_statuses``,
    ``sens_message_statuses`` and ``sens_reservation_statuses`` may be written in any form
    (``010-1234-5678``, ``+82 10-1234-5678``, ``+81 90-1234-5678``) and match a recipient
    however the request sent it (see :mod:`krsms.emulator.numbers`); a key that is not a
    number, or two keys that are one number with different rules, raise ``ValueError``."""
    undeliverable_numbers: Mapping[str, str] = attrs.field(factory=dict, converter=_undeliverable_numbers)
    """Number -> delivery result code (e.g. ``"3006"``) shown by the look-ups of both providers."""
    nhn_message_statuses: Mapping[str, str] = attrs.field(factory=dict, converter=_nhn_message_statuses)
    """Number -> the ``msgStatus`` an NHN message to it ends in, instead of 3 (success) when it
    goes out: ``"0"`` failed, ``"5"`` duplicate failure or ``"6"`` failed (advertising limit),
    failures NHN reports without a carrier's ``resultCode``; ``"1"`` requested or ``"2"``
    processing, where it stays, with no result. Every NHN look-up that lists the recipient
    shows it (N34's ``messageStatus`` words, N16's ``msgStatusName``, the statistics' counts);
    SENS ignores these numbers. A status the document does not list, 3 and 4 (a cancel makes
    that one), or a number also in ``rejected_numbers`` or ``undeliverable_numbers``, raise
    ``ValueError``."""
    sens_message_statuses: Mapping[str, str] = attrs.field(factory=dict, converter=_sens_message_statuses)
    """Number -> the ``status`` a SENS message to it ends in, instead of COMPLETED when it goes
    out (at once, or when its reservation does): ``"READY"``, never sent, or ``"PROCESSING"``,
    where it stays; either way with no result (``statusCode``, ``statusName``,
    ``completeTime``, ``telcoCode``). S3 and S4 show it, S3's ``status`` filter finds it; NHN
    ignores these numbers. A status the document does not list (``"processing"`` too),
    COMPLETED (success, or with ``undeliverable_numbers`` a failure), or a number also in
    ``rejected_numbers`` or ``undeliverable_numbers`` (both make SENS complete its message with
    a failure), raise ``ValueError``."""
    sens_reservation_statuses: Mapping[str, str] = attrs.field(factory=dict, converter=_sens_reservation_statuses)
    """Number -> the ``reserveStatus`` (S5) a SENS reservation to it ends in when its time
    comes, instead of DONE: ``"PROCESSING"``, where it stays, its messages not sent and not
    listed (S3 answers ``reserved``), or ``"FAIL"`` and ``"STALE"``, its send request failed
    at the messaging server, as ``Faults.sens_failed_request_rate`` fails one: S3 by its ID
    answers ``statusCode`` 500 (FAIL) or 504 (STALE, a timeout) and ``statusName`` ``fail``,
    lists its messages READY, and S4 answers the code. When several recipients of one
    reservation have a rule, the first in the send's ``messages`` not cancelled decides; a
    send that is not a reservation ignores these numbers, as does NHN. A status the document
    does not list, READY, DONE or CANCELED (a cancel, S6, makes it) raise ``ValueError``."""
    unregistered_senders: frozenset[str] = attrs.field(factory=frozenset, converter=_sender_numbers)
    """Sender numbers that are not registered: NHN answers -2312, SENS answers 400. Any set or
    other collection of numbers written as dialled in Korea (``1544-6859``); a string alone,
    or one that is not such a number, raises ``ValueError``."""
    clock_skew_seconds: float = attrs.field(default=0.0, validator=_skew)
    """Added to the emulator's clock (to test clients whose clock is off); a finite number
    of seconds within a year either way, else ``ValueError``."""
    sens_token_paging: bool = attrs.field(default=False, validator=_boolean)
    """SENS's message look-up (S3) pages as the Korean document says: a ``nextToken`` in each
    answer that has a next page, sent back to get it, and no ``pageIndex``. Off, it pages by
    ``pageIndex`` as the English document does (a ``nextToken`` sent is read either way)."""

    def __attrs_post_init__(self) -> None:
        for first, second, why in _EXCLUSIVE_RULES:
            others = {_as_korean_recipient(number) for number in getattr(self, second)}
            both = sorted(number for number in getattr(self, first) if _as_korean_recipient(number) in others)
            if both:
                raise ValueError(
                    f"{first} and {second}: {', '.join(both)} {'is' if len(both) == 1 else 'are'} in both; {why}"
                )


_EXCLUSIVE_RULES = (
    (
        "rejected_numbers",
        "undeliverable_numbers",
        "a number is either refused at the send or accepted and not delivered",
    ),
    (
        "rejected_numbers",
        "nhn_message_statuses",
        "a number NHN refuses at the send has no msgStatus (the look-ups do not list it)",
    ),
    (
        "undeliverable_numbers",
        "nhn_message_statuses",
        "an undeliverable number's NHN message ends in msgStatus 3 with its resultCode",
    ),
    (
        "rejected_numbers",
        "sens_message_statuses",
        "SENS completes a rejected number's message with statusCode 3001",
    ),
    (
        "undeliverable_numbers",
        "sens_message_statuses",
        "an undeliverable number's SENS message ends COMPLETED with its statusCode",
    ),
)
"""Pairs of per-number rules a number may not be in both of, and why."""
