"""Checks a neutral :class:`~krsms.gateway.Message` against a provider's rules before any I/O.

Gateways call these with their own :class:`~krsms.text.TextLimits` and reservation window;
every failure is a :class:`~krsms.errors.ValidationError` naming the field, the limit and
the value, so nothing is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import NamedTuple, NoReturn

import attrs

from krsms.errors import ValidationError, excerpt
from krsms.fields import check_is_text, wrong_type
from krsms.gateway import Message, Recipient, as_recipient
from krsms.phone_numbers import KOREA, all_clean_mobiles, is_clean_mobile, normalize_number
from krsms.text import MessageKind, TextLimits, check_body, check_subject, choose_kind, encode


@attrs.frozen(kw_only=True)
class ProviderRules:
    """What one provider allows beyond text lengths."""

    limits: TextLimits
    """Byte limits of SMS and LMS/MMS bodies and of subjects."""
    max_images: int | None = None
    """How many images an MMS may carry; None when the provider documents no limit."""
    max_reserve_ahead: timedelta | None = None
    """How far ahead a reservation may be; None when the provider sets no documented limit."""
    reserve_precision: timedelta | None = None
    """What a reservation is cut to on the wire (both providers: the minute); the cut moment
    must still be in the future. Errors show the moments the provider takes at it."""
    supports_templates: bool = False
    """A message may name a provider-side template (``template_id``); without this, one that
    does is refused."""
    requires_ad_notice: bool = False
    """Advertisements must start with ``(광고)`` and end with the opt-out line (``무료수신거부`` or
    ``무료거부`` and the 080 number)."""
    sms_only: bool = False
    """Only SMS can be sent (e.g. NHN's authentication-code endpoint): no LMS, MMS or images."""
    long_needs_subject: bool = False
    """An LMS or MMS must have a subject (NHN's ``title``), unless a template supplies it."""
    long_only_in_korea: bool = False
    """LMS and MMS go to Korean numbers only (NHN: "MMS cannot be sent outside Korea" heads
    its LMS/MMS endpoint)."""


AD_PREFIX = "(광고)"
"""What an advertisement's text must start with, where the notice is required."""
AD_OPT_OUTS = ("무료수신거부", "무료거부")
"""The opt-out wordings of the providers' examples (NHN ``[무료수신거부]080...`` and
``[무료거부]080...``, SENS ``[무료 수신거부]080...``; spaces do not count)."""
_COUNTRY_CODE = re.compile(r"[1-9][0-9]{0,2}", re.ASCII)
"""An ITU-T E.164 country calling code, as both providers take it (``countryCode``)."""
_OPT_OUT_LINE_AT_END = re.compile(r"\[?(?:" + "|".join(AD_OPT_OUTS) + r")\]?:?080\d{7,8}$")
"""The opt-out line, last in the text once spaces and hyphens are removed."""


def check_message(message: Message, rules: ProviderRules, *, now: datetime | None = None) -> None:
    """Validate what every recipient shares: country, sender, images, reservation, template,
    and the message's own text, which every recipient without a text of its own gets (its
    characters, its bytes, the advertisement notice). The subject is carried by LMS and MMS
    only: the message's is checked here when its own text is sent as one of them (every
    recipient without a subject of its own gets it: one refusal, not one per recipient), and
    otherwise with each recipient sent as LMS or MMS. A field of the wrong type (a ``kind``
    given as ``"SMS"``, a ``reserve_at`` as text) is refused by name too."""
    if not isinstance(message, Message):
        raise wrong_type("message", message, "a krsms.Message")
    _check_types(message)
    check_country_code(message.country_code)
    normalize_number(message.sender, field="sender")
    check_is_text(message.text, field="text")
    if message.subject is not None:
        check_is_text(message.subject, field="subject")
    if message.template_id is not None:
        check_template_id(message.template_id)
    if message.template_id is not None and not rules.supports_templates:
        raise ValidationError(
            "template_id",
            f"{excerpt(repr(message.template_id))} names a template, but this provider has none "
            "(leave template_id None)",
            limit="not supported",
            value=message.template_id,
        )
    if rules.max_images is not None and len(message.images) > rules.max_images:
        raise ValidationError(
            "images",
            f"{len(message.images)} images; at most {rules.max_images}",
            limit=f"{rules.max_images} images",
            value=len(message.images),
        )
    if message.images and message.kind in (MessageKind.SMS, MessageKind.LMS):
        raise ValidationError(
            "kind",
            f"{message.kind.value} cannot carry images (use MMS or AUTO)",
            limit="MMS",
            value=message.kind.value,
        )
    if message.reserve_at is not None:
        check_reservation(message.reserve_at, rules.max_reserve_ahead, precision=rules.reserve_precision, now=now)
    if message_kind(message, rules) in _LONG_KINDS and message.subject is not None:
        check_subject(message.subject, field="subject", limits=rules.limits)


def _check_types(message: Message) -> None:
    """The fields whose type no other check reads: the message's kind, advertisement flag
    and image ids (texts, the country code and the reservation are checked as they are read)."""
    kind = message.kind
    if not isinstance(kind, MessageKind):
        member = MessageKind.__members__.get(kind.upper()) if isinstance(kind, str) else None
        hint = f" (use MessageKind.{member.name})" if member is not None else ""
        raise wrong_type("kind", kind, "a MessageKind", hint=hint)
    if not isinstance(message.advertisement, bool):
        raise wrong_type("advertisement", message.advertisement, "True or False", limit="a bool")
    for position, image in enumerate(message.images):
        if not isinstance(image, str):
            raise wrong_type(f"images[{position}]", image, "an image id (text) from upload_image", limit="a string")


def check_country_code(country_code: str, *, field: str = "country_code") -> None:
    """An ITU-T E.164 country calling code, as both providers take it: 1 to 3 digits, as text."""
    if not isinstance(country_code, str):
        hint = f" (write '{country_code}')" if type(country_code) is int else ""
        raise wrong_type(field, country_code, "text", limit="a string", hint=hint)
    if not _COUNTRY_CODE.fullmatch(country_code):
        raise ValidationError(
            field,
            f"{excerpt(repr(country_code))} is not a country calling code: 1 to 3 digits, without '+' or "
            "a leading 0 (Korea is '82')",
            limit="1-3 digits",
            value=country_code,
        )


def check_template_id(template_id: str, *, field: str = "template_id") -> None:
    """A template id given must be text and name a template (not empty or blank)."""
    check_is_text(template_id, field=field)
    if not template_id.strip():
        raise ValidationError(
            field,
            f"{template_id!r} is empty or blank: leave it None to send the text, or name a template",
            limit="a template id (None for none)",
            value=template_id,
        )


def check_reservation(
    moment: datetime,
    max_ahead: timedelta | None,
    *,
    precision: timedelta | None = None,
    now: datetime | None = None,
    field: str = "reserve_at",
) -> None:
    """A reservation must be a timezone-aware datetime, in the future (still, once cut to
    ``precision``) and within the provider's window; ``field`` names it in the error, which
    shows the moments the provider would take (``reserve_at`` cut, the latest allowed) at
    ``precision``."""
    if not isinstance(moment, datetime):
        hint = " (parse it into a datetime with its timezone)" if isinstance(moment, str) else ""
        raise wrong_type(field, moment, "a timezone-aware datetime", hint=hint)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            field,
            f"{moment.isoformat()} has no timezone: it must be timezone-aware (e.g. ZoneInfo('Asia/Seoul'))",
            limit="aware datetime",
            value=moment.isoformat(),
        )
    current = now or datetime.now(timezone.utc)
    # Moments in messages in the reservation's own zone and precision: they compare at a glance.
    timespec = "microseconds" if moment.microsecond else "seconds"
    now_shown = current.astimezone(moment.tzinfo).isoformat(timespec=timespec)
    if moment <= current:
        raise ValidationError(
            field,
            f"{moment.isoformat()} is in the past (now {now_shown}): it must be in the future",
            limit="in the future",
            value=moment.isoformat(),
        )
    sent = moment  # what the provider gets: cut to its precision
    # What the provider would take, shown at its precision (a minute: 12:00, not 12:00:00.123456).
    provider_timespec = timespec if precision is None else _timespec(precision)
    if precision is not None:
        sent = cut_to_precision(moment, precision)
        if sent <= current:
            unit = _describe(precision)
            raise ValidationError(
                field,
                f"{moment.isoformat()} is in the past once cut to the {unit} the provider takes "
                f"({sent.isoformat(timespec=provider_timespec)}; now {now_shown}): "
                f"it must be in the future at {unit} precision",
                limit=f"in the future at {unit} precision",
                value=moment.isoformat(),
            )
    if max_ahead is not None and sent - current > max_ahead:
        # The latest moment the provider takes: the window's end, cut to its precision.
        latest_moment = current + max_ahead if precision is None else cut_to_precision(current + max_ahead, precision)
        latest = latest_moment.astimezone(moment.tzinfo).isoformat(timespec=provider_timespec)
        raise ValidationError(
            field,
            f"{moment.isoformat()} is more than {_span(max_ahead)} ahead: the latest is {latest}",
            limit=_span(max_ahead),
            value=moment.isoformat(),
        )


def cut_to_precision(moment: datetime, precision: timedelta) -> datetime:
    """``moment`` cut down to a whole ``precision`` (a minute: 10:02:30 -> 10:02:00), as a
    provider takes a reservation's moment."""
    step = precision.total_seconds()
    return datetime.fromtimestamp(moment.timestamp() // step * step, tz=moment.tzinfo)


def _timespec(precision: timedelta) -> str:
    """The ``isoformat`` timespec that shows a moment cut to ``precision`` whole and no finer."""
    if not precision % timedelta(minutes=1):
        return "minutes"
    return "seconds" if not precision % timedelta(seconds=1) else "microseconds"


def _span(window: timedelta) -> str:
    """A provider's window in words: ``1 day``, ``60 days``, ``36 hours``; as a timedelta
    shows it (``1 day, 12:30:00``) when it is no whole number of hours."""
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        count, rest = divmod(window, size)
        if count and not rest:
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return str(window)


def _describe(precision: timedelta) -> str:
    return "minute" if precision == timedelta(minutes=1) else str(precision)


def message_kind(message: Message, rules: ProviderRules) -> MessageKind | None:
    """The kind the message text is sent as, checking the text once for every recipient;
    None when the message has no text (nor a template): each recipient must bring its own."""
    if not message.text.strip() and message.template_id is None:
        return None  # a blank text reaches no one: each recipient must bring its own
    return _text_kind(message, message.text, rules, field="text")


def resolve_recipient(
    message: Message,
    recipient: Recipient,
    rules: ProviderRules,
    *,
    default_kind: MessageKind | None,
    field: str,
) -> tuple[Recipient, MessageKind]:
    """The recipient with a normalised number, and the kind its text is sent as.

    ``default_kind`` is :func:`message_kind` of the message, reused for every recipient
    without a text of its own (None: the message has no text, so each needs its own).
    """
    number = normalize_number(recipient.number, field=f"{field}.number", country_code=message.country_code)
    for name, optional in (("text", recipient.text), ("subject", recipient.subject)):
        if optional is not None:
            check_is_text(optional, field=f"{field}.{name}")
    if recipient.text is not None:
        kind = _text_kind(message, recipient.text, rules, field=f"{field}.text")
    elif default_kind is None:
        raise ValidationError(
            "text",
            f"is empty and {field} has no text of its own (give the message a text, each recipient "
            "one, or a template_id)",
            limit="at least 1 character",
            value="",
        )
    else:
        kind = default_kind
    if kind in _LONG_KINDS:  # an SMS carries no subject: one set for longer texts is not sent
        own = recipient.subject is not None
        subject = recipient.subject if own else message.subject
        if subject is not None:
            check_subject(subject, field=f"{field}.subject" if own else "subject", limits=rules.limits)
    if recipient.template_parameters and message.template_id is None:
        names = sorted(recipient.template_parameters, key=str)
        raise ValidationError(
            f"{field}.template_parameters",
            f"gives {excerpt(', '.join(map(repr, names)))} for a template's ##key## placeholders, but the "
            "message has no template_id (to personalise a plain text, give the recipient its own text)",
            limit="a template_id",
            value=names,
        )
    check_template_parameters(recipient.template_parameters, field=f"{field}.template_parameters")
    if rules.long_only_in_korea and kind in _LONG_KINDS and message.country_code != KOREA:
        raise ValidationError(
            "country_code",
            f"is {message.country_code!r}, but {field} is sent as {kind.value}, which this provider sends "
            f"only within Korea ({KOREA!r})",
            limit=KOREA,
            value=message.country_code,
        )
    if rules.long_needs_subject and kind in _LONG_KINDS:
        _check_has_subject(message, recipient, kind, field=field)
    if number == recipient.number:
        return recipient, kind
    return attrs.evolve(recipient, number=number), kind


_LONG_KINDS = (MessageKind.LMS, MessageKind.MMS)


def check_template_parameters(parameters: Mapping[str, str] | None, *, field: str) -> None:
    """Each value filling a template's ``##key##`` must be text that EUC-KR can carry, as
    the text it fills must be; the parameters a mapping, its keys text."""
    if parameters is None:
        return
    if not isinstance(parameters, Mapping):
        raise wrong_type(field, parameters, "a mapping of ##key## names to texts", limit="a mapping")
    for key, value in parameters.items():
        if not isinstance(key, str):
            raise wrong_type(f"{field}[{key!r}]", key, "a text key (a ##key## name)")
        check_is_text(value, field=f"{field}[{key!r}]")
        encode(value, field=f"{field}[{key!r}]")


def number_only(recipient: Recipient) -> bool:
    """Whether ``recipient`` brings nothing of its own but a number (and a ``reference``,
    which is never sent): no text, subject or template parameters."""
    return recipient.text is None and recipient.subject is None and not recipient.template_parameters


class ResolvedRun(NamedTuple):
    """A run of recipients as :meth:`RecipientResolver.resolve_run` resolved it."""

    recipients: Sequence[str | Recipient]
    """Each recipient as :attr:`krsms.Recipients.compact` holds it (a bare number as its text)."""
    kinds: list[MessageKind]
    """The kind each is sent as."""
    bare_kind: MessageKind | None
    """The kind of them all when the run is known, without a pass over it, to be bare (each
    held as its number's text) and of one kind: its recipients after the first number-only
    one were checked at once as normalised mobile numbers. None otherwise, which says
    nothing either way."""


class RecipientResolver:
    """:func:`resolve_recipient` for every recipient of one message, at bulk-send speed.

    A recipient with nothing of its own but a number passes or fails the text, subject and
    country checks exactly as every other such recipient does (they depend on the message
    alone), so once one has passed, the next ones only have their number checked.
    """

    def __init__(self, message: Message, rules: ProviderRules):
        self.message = message
        self.rules = rules
        self.default_kind: MessageKind | None = message_kind(message, rules)
        """The kind of the message's own text; None when it has none (nor a template), and
        every recipient must bring its own."""
        self._number_only_kind: MessageKind | None = None
        self._in_korea = message.country_code == KOREA

    def resolve(self, recipient: str | Recipient, index: int) -> tuple[str | Recipient, MessageKind]:
        """The recipient at ``index`` of the input, normalised, and the kind it is sent as. A
        number's text (a bare recipient, see :attr:`~krsms.gateway.Recipients.compact`) stays
        text."""
        if self._number_only_kind is not None:
            if not isinstance(recipient, Recipient):
                return self._number(recipient, index), self._number_only_kind
            if number_only(recipient):
                number = self._number(recipient.number, index)
                resolved = recipient if number == recipient.number else attrs.evolve(recipient, number=number)
                return resolved, self._number_only_kind
        resolved, kind = resolve_recipient(
            self.message,
            as_recipient(recipient),
            self.rules,
            default_kind=self.default_kind,
            field=f"recipients[{index}]",
        )
        if not isinstance(recipient, Recipient):
            self._number_only_kind = kind
            return resolved.number, kind
        if number_only(recipient):
            self._number_only_kind = kind
        return resolved, kind

    def resolve_run(self, recipients: Sequence[str | Recipient], start: int) -> ResolvedRun:
        """:meth:`resolve` for a run of recipients, the first at input index ``start``: a run
        of normalised Korean mobile numbers, the common bulk input, is checked at once."""
        resolved: list[str | Recipient] = []
        kinds: list[MessageKind] = []
        position = 0
        while self._number_only_kind is None and position < len(recipients):  # until a number-only one sets it
            recipient, kind = self.resolve(recipients[position], start + position)
            resolved.append(recipient)
            kinds.append(kind)
            position += 1
        rest = recipients[position:]
        clean_mobile_kind = self.clean_mobile_kind(rest)
        if clean_mobile_kind is not None:
            if not resolved:
                return ResolvedRun(rest, [clean_mobile_kind] * len(rest), clean_mobile_kind)
            # The first, resolved one by one to learn the kind, are usually bare numbers too.
            whole_run_bare = set(map(type, resolved)) == {str} and set(kinds) == {clean_mobile_kind}
            resolved.extend(rest)
            kinds.extend([clean_mobile_kind] * len(rest))
            return ResolvedRun(resolved, kinds, clean_mobile_kind if whole_run_bare else None)
        for index, given in enumerate(rest, start + position):
            recipient, kind = self.resolve(given, index)
            resolved.append(recipient)
            kinds.append(kind)
        return ResolvedRun(resolved, kinds, None)

    def clean_mobile_kind(self, recipients: Sequence[object]) -> MessageKind | None:
        """The kind every one of ``recipients`` is sent as when each is a number already in
        its normalised Korean mobile form (checked at once, at C speed), so that it resolves
        to itself; None when one is not, or before a first number-only recipient has been
        resolved (which checks what they all share), or for no recipients."""
        if recipients and self._number_only_kind is not None and self._in_korea and all_clean_mobiles(recipients):
            return self._number_only_kind
        return None

    def _number(self, given: str, index: int) -> str:
        if self._in_korea and is_clean_mobile(given):
            return given
        return normalize_number(given, field=f"recipients[{index}].number", country_code=self.message.country_code)


def _check_has_subject(message: Message, recipient: Recipient, kind: MessageKind, *, field: str) -> None:
    subject = message.subject_for(recipient)
    if message.template_id is None and not (subject or "").strip():
        given = "is not given" if subject is None else f"is blank ({excerpt(repr(subject))})"
        raise ValidationError(
            f"{field}.subject" if recipient.subject is not None else "subject",
            f"{given}, and {field} is sent as {kind.value}, which needs a subject with this provider",
            limit="a subject (Message.subject or Recipient.subject)",
            value=subject,
        )


def _text_kind(message: Message, text: str, rules: ProviderRules, *, field: str) -> MessageKind:
    kind = message.kind
    if rules.sms_only:
        if kind not in (MessageKind.AUTO, MessageKind.SMS) or message.images:
            given = f"{message.kind.value} with images" if message.images else message.kind.value
            raise ValidationError(
                "kind", f"is {given}, but this gateway sends SMS only", limit="SMS", value=message.kind.value
            )
        kind = MessageKind.SMS
    if kind is MessageKind.AUTO:
        if message.images:
            kind = MessageKind.MMS
        elif text:
            kind = choose_kind(text, limits=rules.limits, field=field)
        else:
            kind = MessageKind.SMS
    if text or message.template_id is None:
        check_body(text, kind, field=field, limits=rules.limits)
    if message.advertisement and rules.requires_ad_notice and text:
        check_ad_notice(text, field=field)
    return kind


async def raise_when_awaited(refusal: ValidationError) -> NoReturn:
    """A coroutine raising ``refusal`` when awaited: a method that returns a coroutine (a
    client's send) refuses its input on ``await``, as it fails any other way, never when called."""
    raise refusal


def check_request_id(request_id: str) -> None:
    """The ``request_id`` of a look-up or a cancellation: text with a visible character. None
    or a blank one must not reach a provider's list: NHN's reservation list without a request
    id is every waiting reservation of the appKey."""
    if not isinstance(request_id, str):
        raise wrong_type("request_id", request_id, "a request id (text, from SendReport.request_ids)", limit="a string")
    if not request_id.strip():
        raise ValidationError(
            "request_id",
            f"is blank ({excerpt(repr(request_id))}): name a request (SendReport.request_ids)",
            limit="a request id",
            value=request_id,
        )


def check_entry_count(field: str, count: int, maximum: int, *, what: str, provider: str) -> None:
    """A list the provider takes 1 to ``maximum`` of (a send's recipients, a page's size)."""
    if not 1 <= count <= maximum:
        raise ValidationError(
            field, f"holds {count} {what}; {provider} takes 1 to {maximum}", limit=f"1-{maximum}", value=count
        )


def check_ad_notice(text: str, *, field: str) -> None:
    """The notice Korean law asks of an advertisement: ``(광고)`` first, the free opt-out last."""
    if not text.startswith(AD_PREFIX):
        start = excerpt(text, 20)
        raise ValidationError(
            field, f"an advertisement must start with {AD_PREFIX}; it starts {start!r}", limit=AD_PREFIX, value=start
        )
    compact = re.sub(r"[\s-]", "", text)
    if _OPT_OUT_LINE_AT_END.search(compact) is None:
        end = excerpt(text, 30, end=True)
        raise ValidationError(
            field,
            f"an advertisement must end with the opt-out line '{AD_OPT_OUTS[0]} <080 number>' "
            f"(or '{AD_OPT_OUTS[1]} <080 number>'); it ends {end!r}",
            limit=f"'{AD_OPT_OUTS[0]} <080 number>' last",
            value=end,
        )
