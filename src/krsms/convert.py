"""Building blocks for the per-provider cattrs converters.

Models are attrs classes in snake_case; each provider builds one converter with
:func:`make_converter`, which renames every field to the provider's camelCase (``from_`` ->
``from``; a field marked with :func:`wire_name` to the name it gives), leaves out ``None``
fields that default to ``None`` on the way out, reads a null for a field marked
:data:`NULL_MEANS_DEFAULT` as that field's default, refuses a null in a text field that
is not optional (cattrs alone would make it the text ``"None"``) and a text or an object
where a list belongs (cattrs alone would read its characters or keys as the items). Provider
packages register their own hooks (dates, ``Y/N`` flags, enums) on top, once. Both providers
keep time in Asia/Seoul: :data:`SEOUL` is that zone for the SDK, its CLI and its emulator.
"""

from __future__ import annotations

import collections.abc
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from krsms.errors import MalformedResponseError, excerpt
from krsms.redaction import answers_out_of_tracebacks

T = TypeVar("T")

_MAX_PROBLEM_CHARS = 200
"""Longest account of a value that did not fit that a malformed-answer error gives: the
hooks quote the whole value, and :func:`parse` cuts it only once redacted (cut first, a key
the answer echoed could be left with its start showing and its end unmatched)."""

SEOUL = ZoneInfo("Asia/Seoul")
"""Asia/Seoul, the zone of both providers: naive times in their answers are read in it."""


def in_seoul(moment: datetime) -> datetime:
    """``moment`` as Seoul wall-clock time; a naive value is taken as Seoul time already."""
    return moment.astimezone(SEOUL) if moment.tzinfo else moment


def format_seoul_seconds(moment: datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in Asia/Seoul (naive values are taken as Seoul time), as both
    providers write a moment to the second."""
    return in_seoul(moment).strftime("%Y-%m-%d %H:%M:%S")


def camel_case(name: str) -> str:
    """``recipient_no`` -> ``recipientNo``; a trailing underscore (``from_``) is dropped."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


FieldHooks = Callable[["attrs.Attribute[Any]"], Mapping[str, Any]]
"""Extra ``cattrs.gen.override`` arguments for a field (e.g. ``Y/N`` hooks for ``*_yn``)."""


def make_converter(
    rename: Callable[[str], str] = camel_case, field_hooks: FieldHooks | None = None
) -> cattrs.Converter:
    """A converter that maps every attrs class through ``rename`` in both directions.

    ``field_hooks`` may give individual fields their own structure/unstructure hooks, for
    conventions tied to field names rather than types.
    """
    converter = cattrs.Converter(detailed_validation=False)

    def extra(field: attrs.Attribute[Any]) -> Mapping[str, Any]:
        return field_hooks(field) if field_hooks is not None else {}

    def structure_factory(cls: type[Any]) -> Any:
        renames: dict[str, Any] = {
            field.name: override(rename=_name_on_wire(field, rename), struct_hook=extra(field).get("struct_hook"))
            for field in attrs.fields(cls)
        }
        structure = make_dict_structure_fn(cls, converter, **renames)
        return _null_as_default(cls, _refusing_text_as_list(cls, structure, rename), rename)

    def unstructure_factory(cls: type[Any]) -> Any:
        renames: dict[str, Any] = {
            field.name: override(
                rename=_name_on_wire(field, rename),
                omit_if_default=field.default is None,
                unstruct_hook=extra(field).get("unstruct_hook"),
            )
            for field in attrs.fields(cls)
        }
        return make_dict_unstructure_fn(cls, converter, **renames)

    converter.register_structure_hook_factory(attrs.has, structure_factory)
    converter.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    converter.register_structure_hook(str, structure_text)
    converter.register_structure_hook(bool, structure_flag)
    converter.register_structure_hook(int, structure_whole_number)
    return converter


_WIRE_NAME_KEY = "krsms.wire_name"


def wire_name(name: str) -> Mapping[str, str]:
    """``attrs.field(metadata=wire_name("data"))``: the field's name in the provider's JSON, for
    a field whose attribute is not named after it (``Page.items`` is NHN's ``data``)."""
    return {_WIRE_NAME_KEY: name}


def _name_on_wire(field: attrs.Attribute[Any], rename: Callable[[str], str]) -> str:
    """The field's :func:`wire_name`, or else the converter's rename of its attribute name."""
    named: str | None = field.metadata.get(_WIRE_NAME_KEY)
    return named if named is not None else rename(field.name)


_NULL_MEANS_DEFAULT_KEY = "krsms.null_means_default"
NULL_MEANS_DEFAULT: Mapping[str, bool] = {_NULL_MEANS_DEFAULT_KEY: True}
"""``attrs.field(default=..., metadata=NULL_MEANS_DEFAULT)``: a null read for this field is its
default, as a left-out field is. For a field a provider answers null when it has nothing
(SENS S4's ``"files": null``)."""


def _null_as_default(cls: type[Any], structure: Callable[[Any, Any], Any], rename: Callable[[str], str]) -> Any:
    """``structure`` reading nulls of ``cls``'s :data:`NULL_MEANS_DEFAULT` fields as left out;
    ``structure`` itself for a class without such a field."""
    # Marked per field, not read into every default: elsewhere a null must still refuse the
    # answer. A null ``messages`` in an S3 page read as "none" would tell reconciliation that
    # SENS holds no request (NOT_SENT, resent on request) where a malformed answer leaves the
    # batch UNKNOWN.
    nullable = frozenset(
        _name_on_wire(field, rename) for field in attrs.fields(cls) if field.metadata.get(_NULL_MEANS_DEFAULT_KEY)
    )
    if not nullable:
        return structure

    def structure_with_defaults(data: Any, target: Any) -> Any:
        if isinstance(data, Mapping):
            data = {key: value for key, value in data.items() if value is not None or key not in nullable}
        return structure(data, target)

    return structure_with_defaults


def _refusing_text_as_list(cls: type[Any], structure: Callable[[Any, Any], Any], rename: Callable[[str], str]) -> Any:
    """``structure`` refusing a text or an object where ``cls`` has a list field; ``structure``
    itself for a class without one.

    cattrs reads any iterable into a tuple or a list: a text would become its characters and
    an object its keys, an answer of the wrong shape read as if it were right.
    """
    hints = typing.get_type_hints(get_origin(cls) or cls)  # Page[SentMessage]: Page's own
    listed = frozenset(
        _name_on_wire(field, rename) for field in attrs.fields(cls) if _is_list_type(hints.get(field.name))
    )
    if not listed:
        return structure

    def structure_lists(data: Any, target: Any) -> Any:
        if isinstance(data, Mapping):
            for name in listed:
                value = data.get(name)
                if isinstance(value, (str, bytes, Mapping)):
                    raise ValueError(f"{name} is {type(value).__name__}, not a list")
        return structure(data, target)

    return structure_lists


def _is_list_type(hint: Any) -> bool:
    """Whether ``hint`` is a tuple, a list or a sequence of items, optional or not."""
    if get_origin(hint) in (Union, types.UnionType):
        return any(_is_list_type(argument) for argument in get_args(hint))
    return get_origin(hint) in (tuple, list, collections.abc.Sequence)


def structure_text(value: Any, _: Any = None) -> str:
    """A text field: a string, or a number the provider wrote without quotes. A null (or an
    object) is a malformed answer, not the text ``"None"`` (ValueError). The converters' hook
    for ``str``."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"expected a string, got {type(value).__name__}")


_FLAG_WORDS = {"true": True, "false": False}
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def structure_flag(value: Any, _: Any = None) -> bool:
    """A true/false field: a JSON boolean, or the words ``true``/``false`` a provider wrote
    as a string (any case). Anything else is a malformed answer (ValueError): Python's
    ``bool()``, cattrs' default, read ``"false"`` and ``"0"`` as True (a SENS ``hasMore:
    "false"`` paged on for ever). The converters' hook for ``bool``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _FLAG_WORDS:
        return _FLAG_WORDS[value.lower()]
    raise ValueError(f"expected true or false, got {value!r}")


def structure_whole_number(value: Any, _: Any = None) -> int:
    """A whole-number field: a JSON integer, a number written as a string (``"15"``, as NHN
    writes some), or a float with nothing after the point. A boolean, a fraction or any other
    text is a malformed answer (ValueError): ``int()``, cattrs' default, read ``true`` as 1
    and cut ``2.5`` to 2. The converters' hook for ``int``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"expected a whole number, got {value!r}")


@answers_out_of_tracebacks
def parse(
    converter: cattrs.Converter,
    data: Any,
    cls: type[T],
    *,
    provider: str,
    redact: Callable[[str], str],
    method: str | None = None,
    path: str | None = None,
    status_code: int | None = None,
) -> T:
    """Structure provider data into ``cls``; a shape mismatch becomes MalformedResponseError,
    its message (which may quote the value that did not fit) passed through ``redact`` and
    then cut to :data:`_MAX_PROBLEM_CHARS`, naming the answer's request (``method``, ``path``:
    redacted) and status when given. Its traceback holds no ``data``
    (:func:`~krsms.redaction.answers_out_of_tracebacks`)."""
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError, AttributeError) as exc:
        problem = excerpt(redact(f"{type(exc).__name__}: {exc}"), _MAX_PROBLEM_CHARS)
    # Raised here, not in the except block, where the error would hold the unredacted value
    # as its __context__.
    raise MalformedResponseError(
        f"answer does not match {_type_name(cls)}: {problem}",
        provider=provider,
        method=method,
        path=path,
        status_code=status_code,
    )


def _type_name(cls: Any) -> str:
    """A type as an error names it: ``SendResult``, ``Page[SentMessage]``, ``list[Unsubscribe]``."""
    arguments = get_args(cls)
    if not arguments:
        return "..." if cls is Ellipsis else str(getattr(cls, "__name__", cls))
    return f"{_type_name(get_origin(cls))}[{', '.join(_type_name(argument) for argument in arguments)}]"


def drop_none(params: Mapping[str, object]) -> dict[str, object]:
    """Query parameters without the ones left unset."""
    return {key: value for key, value in params.items() if value is not None}
