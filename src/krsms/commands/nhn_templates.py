"""The NHN template a ``krsms send --template-id`` names: looked up as registered
(:func:`registered_template`: the keys of its ``##key##`` placeholders and the kind of
message it goes as), matched with the recipients file's columns, which fill its placeholders
(:func:`columns_for_template`), and told apart among the errors that stop a send
(:func:`refuses_template`). SENS has no templates."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from krsms.errors import ValidationError
from krsms.fanout import BatchingGateway
from krsms.text import MessageKind

TEMPLATE_PLACEHOLDER = re.compile(r"##([^#\r\n]+?)##")
"""A ``##key##`` placeholder of an NHN template, filled by the recipient's CSV column ``key``."""


@attrs.frozen(kw_only=True)
class RegisteredTemplate:
    """What ``krsms send`` needs of an NHN template: the keys of its ``##key##`` placeholders
    and the kind of message it is registered for."""

    placeholders: list[str]
    """The keys of its title's and body's placeholders, in order."""
    kind: MessageKind
    """SMS, LMS, or MMS (LMS with attached files): every recipient is sent as this kind, or
    NHN refuses the request (-2006); AUTO when NHN does not say."""


TEMPLATE_KINDS = {"0": MessageKind.SMS, "1": MessageKind.LMS}
"""The message kind of each ``sendType`` of an NHN template (N26: ``"0"`` SMS, ``"1"``
LMS/MMS, ``"2"`` authentication codes, which ``krsms send`` does not send)."""


async def registered_template(gateway: BatchingGateway, template_id: str) -> RegisteredTemplate | None:
    """The template as registered, looked up from the provider (NHN N26: a read, nothing is
    sent); None for a provider without templates (SENS). A template of authentication codes
    (send type 2), which go through another endpoint, is refused (:class:`ValidationError` of
    ``template_id``)."""
    from krsms.nhn import NhnGateway

    if not isinstance(gateway, NhnGateway):
        return None
    template = await gateway.client.get_template(template_id)
    texts = (template.title or "", template.body or "")
    placeholders = list(dict.fromkeys(key for text in texts for key in TEMPLATE_PLACEHOLDER.findall(text)))
    if template.send_type is None:
        return RegisteredTemplate(placeholders=placeholders, kind=MessageKind.AUTO)
    kind = TEMPLATE_KINDS.get(template.send_type)
    if kind is None:
        raise ValidationError(
            "template_id",
            f"template {template_id} is registered for send type {template.send_type!r} "
            f"({template.send_type_name or 'authentication codes'}): krsms send sends SMS and LMS/MMS templates",
            limit="send type 0 or 1",
            value=template_id,
        )
    if kind is MessageKind.LMS and (template.attach_file_yn or template.attach_file_list):
        kind = MessageKind.MMS
    return RegisteredTemplate(placeholders=placeholders, kind=kind)


def columns_for_template(
    template_id: str, placeholders: list[str], columns: list[str], recipients_path: Path
) -> list[str]:
    """Refuse (:class:`ValidationError` of ``template_id``) recipients whose CSV has no column
    for a placeholder of the template: it would be sent as it is, ``##key##`` and all.
    Returns the columns the template never uses."""
    missing = [key for key in placeholders if key not in columns]
    if missing:
        names = ", ".join(f"##{key}##" for key in missing)
        raise ValidationError(
            "template_id",
            f"template {template_id} has {names}, but {recipients_path.name} has no column named so "
            f"(its parameter columns: {', '.join(columns) or 'none'}); every recipient would get the placeholder "
            "as it is: name a column after each placeholder",
            value=template_id,
        )
    return [column for column in columns if column not in placeholders]


def refuses_template(error: object) -> bool:
    """Whether ``error`` is NHN refusing the message's template: none has its id, or it is
    registered for another message type."""
    from krsms.nhn.errors import TemplateError, TemplateKindError

    return isinstance(error, (TemplateError, TemplateKindError))
