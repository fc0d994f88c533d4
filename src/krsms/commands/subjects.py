"""Subjects an SMS cannot carry: a ``--subject``, or a row's ``subject`` column, given with a
text that fits an SMS. The SDK sends such a recipient as SMS, without the subject; the
command says so before the first request, and so does a dry run. And the subject an LMS
needs on NHN: a send that gives none is refused before it starts
(:func:`check_subject_given`)."""

from __future__ import annotations

from pathlib import Path

import attrs

from krsms.commands.recipient_files import carries_subject, carries_text
from krsms.commands.spreadsheets import Lines
from krsms.errors import ValidationError
from krsms.gateway import Message, Recipient
from krsms.text import MessageKind, byte_length, choose_kind
from krsms.validation import ProviderRules, message_kind


@attrs.define
class DroppedSubjects:
    """The recipients of a file given a subject that goes unsent, their text going as SMS,
    found as the file is read (:meth:`check`)."""

    message: Message
    """The message sent, its kind the template's when known."""
    rules: ProviderRules
    """The provider's rules: how long a text an SMS takes."""
    text_kind: MessageKind | None
    """The kind ``--text`` (or the template) goes as; None when not known or no text."""
    by_message: int = 0
    """Recipients sent ``--text`` as SMS, with ``--subject`` (which is not sent)."""
    by_row: Lines = attrs.Factory(Lines)
    """Lines whose own text, or own subject, leaves a subject unsent."""

    @classmethod
    def of(cls, message: Message, rules: ProviderRules) -> DroppedSubjects:
        """The check of the recipients of ``message`` sent under ``rules``."""
        kind: MessageKind | None = None
        if message.template_id is None or message.kind is not MessageKind.AUTO:  # a template's kind, if known
            try:
                kind = message_kind(message, rules)
            except ValidationError:
                kind = None  # the send refuses the text itself
        return cls(message=message, rules=rules, text_kind=kind)

    def check(self, recipient: Recipient) -> None:
        """Note ``recipient`` if it is given a subject and goes as SMS."""
        own_subject = recipient.subject is not None
        if not own_subject and self.message.subject is None:
            return
        if recipient.text is None:
            goes_as_sms = self.text_kind is MessageKind.SMS
        else:
            goes_as_sms = self.message.kind is MessageKind.SMS or self._fits_an_sms(recipient.text)
        if not goes_as_sms:
            return
        if own_subject or recipient.text is not None:
            self.by_row.add(recipient.reference or "?")
        else:
            self.by_message += 1

    def _fits_an_sms(self, text: str) -> bool:
        if self.message.kind is not MessageKind.AUTO or self.message.images:
            return False
        try:
            return choose_kind(text, limits=self.rules.limits) is MessageKind.SMS
        except ValidationError:
            return False  # not sent at all: its row says why

    def warnings(self, name: str) -> list[str]:
        """What to tell the user of the file called ``name``; none if every subject is sent."""
        said = []
        forced = self.message.kind is MessageKind.SMS and self.message.template_id is None
        if self.by_message:
            size = byte_length(self.message.text) if self.message.template_id is None else None
            if forced:
                why = "--kind sms sends an SMS, which has no subject (--kind lms sends it with --text as LMS)"
            elif size is not None:
                why = (
                    f"--text fits an SMS ({size} of {self.rules.limits.sms_bytes} bytes), which has no subject "
                    f"(a text longer than {self.rules.limits.sms_bytes} bytes goes as LMS, with it, and so does any "
                    "with --kind lms)"
                )
            else:
                why = f"template {self.message.template_id} is registered for SMS, which has no subject"
            said.append(f"warning: --subject is not sent: {why}")
        if self.by_row.count:
            why = "--kind sms sends an SMS" if forced else "the text fits an SMS"
            why += ", which has no subject"
            if self.message.template_id is None and not forced:
                why += " (--kind lms sends every text as LMS, with its subject)"
            said.append(f"warning: {name}: {self.by_row}: a subject is not sent: {why}")
        return said


def check_subject_given(message: Message, rules: ProviderRules, recipients_path: Path) -> None:
    """Refuse, before the send starts, one whose every recipient would be NOT_SENT for want of
    a subject: under rules whose LMS and MMS need one (NHN), ``--text`` going as one of them
    with no ``--subject``, and a file with neither a ``subject`` column nor a ``text`` column
    (whose rows may go as SMS). A template gives its own title."""
    if not rules.long_needs_subject or message.subject is not None or message.template_id is not None:
        return
    if carries_subject(recipients_path) or carries_text(recipients_path):
        return
    try:
        kind = message_kind(message, rules)
    except ValidationError:
        return  # the send refuses the text itself
    if kind in (MessageKind.LMS, MessageKind.MMS):
        raise ValidationError(
            "subject",
            f"is required: --text goes as {kind.value} ({byte_length(message.text)} bytes), which NHN sends only "
            f"with a subject, and {recipients_path.name} has no subject column",
            limit="a subject for LMS and MMS",
            value=None,
        )
