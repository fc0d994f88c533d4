"""NHN Cloud SMS API v2.2, emulated: tags (N40-N43), UIDs (N44-N47) and their phone numbers
(N48-N49), and the tag expressions that select UIDs (N44's ``wheres``, a tag send's
``tagExpression``).

Choices where the document is silent:

- a tag expression is tag IDs joined by ``AND``/``OR`` (case-insensitive), AND binding tighter,
  with at most one pair of parentheses and three operators; it selects UIDs sorted by UID;
- tags and UIDs answer -7001 for every invalid parameter: a malformed expression, an unknown
  tag or UID, a tag name that is empty or blank, over 30 characters or already taken, a phone
  number that is not 8 to 20 digits, a UID entry (N46) with an empty or blank ``uid`` or
  without a ``contacts`` list (and no UID of that request is registered).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
from starlette.requests import Request

from krsms.convert import format_seoul_seconds
from krsms.emulator.clock import Clock
from krsms.emulator.inputs import is_digits
from krsms.emulator.nhn.envelope import (
    NhnRefusal,
    has_text,
    is_phone_number,
    json_object,
    page,
    random_id,
    read_json,
)
from krsms.emulator.nhn.service import NhnService

MAX_OPERATORS = 3
"""``AND``/``OR`` operators a tag expression may hold."""


@attrs.define(kw_only=True)
class NhnTag:
    """A tag (N41)."""

    tag_id: str
    name: str
    created: datetime
    updated: datetime


@attrs.define(kw_only=True)
class NhnUid:
    """A UID with its tags and phone numbers (N46)."""

    uid: str
    tag_ids: list[str]
    phone_numbers: dict[str, datetime]
    """Phone number -> when it was added, in insertion order."""


class NhnTags:
    """The tag and UID endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`; their store
    outlives cleared sends."""

    def __init__(self, service: NhnService):
        self.clock: Clock = service.clock
        self.tags: dict[str, NhnTag] = {}
        self.uids: dict[str, NhnUid] = {}

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every tag and UID route."""
        return [
            ("GET", "/tags", self.list_tags),
            ("POST", "/tags", self.create_tag),
            ("PUT", "/tags/{tagId}", self.update_tag),
            ("DELETE", "/tags/{tagId}", self.delete_tag),
            ("GET", "/uids", self.list_uids),
            ("GET", "/uids/{uid}", self.get_uid),
            ("POST", "/uids", self.create_uids),
            ("DELETE", "/uids/{uid}", self.delete_uid),
            ("POST", "/uids/{uid}/phone-numbers", self.add_phone_number),
            ("DELETE", "/uids/{uid}/phone-numbers/{phoneNumber}", self.remove_phone_number),
        ]

    # -- tag expressions ------------------------------------------------------------------

    def matching_uids(self, expression: Any) -> list[NhnUid]:
        """The UIDs a tag expression (``["tagA", "AND", "tagB"]``) selects, sorted by UID; -7001
        when it is malformed or names an unknown tag."""
        if not isinstance(expression, list) or not expression:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        tokens: list[str] = []
        for element in expression:
            if not isinstance(element, str) or not element.strip():
                raise NhnRefusal(-7001, "유효하지 않은 파라미터")
            text = element.strip()
            opening = len(text) - len(text.lstrip("("))
            closing = len(text) - len(text.rstrip(")"))
            core = text[opening : len(text) - closing]
            tokens += ["("] * opening + ([core.upper() if core.upper() in ("AND", "OR") else core] if core else [])
            tokens += [")"] * closing
        if tokens.count("(") > 1 or sum(token in ("AND", "OR") for token in tokens) > MAX_OPERATORS:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        selected, end = self._either(tokens, 0)
        if end != len(tokens):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return [self.uids[uid] for uid in sorted(selected)]

    def _either(self, tokens: list[str], position: int) -> tuple[set[str], int]:
        selected, position = self._both(tokens, position)
        while position < len(tokens) and tokens[position] == "OR":
            right, position = self._both(tokens, position + 1)
            selected |= right
        return selected, position

    def _both(self, tokens: list[str], position: int) -> tuple[set[str], int]:
        selected, position = self._operand(tokens, position)
        while position < len(tokens) and tokens[position] == "AND":
            right, position = self._operand(tokens, position + 1)
            selected &= right
        return selected, position

    def _operand(self, tokens: list[str], position: int) -> tuple[set[str], int]:
        if position >= len(tokens):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        token = tokens[position]
        if token == "(":
            selected, position = self._either(tokens, position + 1)
            if position >= len(tokens) or tokens[position] != ")":
                raise NhnRefusal(-7001, "유효하지 않은 파라미터")
            return selected, position + 1
        if token not in self.tags:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return {uid.uid for uid in self.uids.values() if token in uid.tag_ids}, position + 1

    # -- tags -----------------------------------------------------------------------------

    def _tag(self, tag_id: str) -> NhnTag:
        tag = self.tags.get(tag_id)
        if tag is None:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return tag

    @staticmethod
    def _tag_item(tag: NhnTag) -> dict[str, Any]:
        return {
            "tagId": tag.tag_id,
            "tagName": tag.name,
            "createdDate": format_seoul_seconds(tag.created),
            "updatedDate": format_seoul_seconds(tag.updated),
        }

    def _tag_name(self, body: dict[str, Any], tag_id: str | None) -> str:
        name = body.get("tagName")
        if not isinstance(name, str) or not name.strip() or len(name) > 30:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        if any(tag.name == name and tag.tag_id != tag_id for tag in self.tags.values()):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return name

    async def list_tags(self, request: Request) -> Any:
        """N40: every tag."""
        return page([self._tag_item(tag) for tag in self.tags.values()], request)

    async def create_tag(self, request: Request) -> Any:
        """N41: add a tag (names are unique)."""
        body = json_object(await read_json(request), frozenset({"tagName"}))
        name = self._tag_name(body, None)
        tag_id = random_id(8)
        while tag_id in self.tags:
            tag_id = random_id(8)
        now = self.clock.now()
        self.tags[tag_id] = NhnTag(tag_id=tag_id, name=name, created=now, updated=now)
        return {"data": {"tagId": tag_id}}

    async def update_tag(self, request: Request) -> Any:
        """N42: rename a tag."""
        tag = self._tag(request.path_params["tagId"])
        body = json_object(await read_json(request), frozenset({"tagName"}))
        tag.name = self._tag_name(body, tag.tag_id)
        tag.updated = self.clock.now()
        return None

    async def delete_tag(self, request: Request) -> Any:
        """N43: delete a tag and take it off every UID."""
        tag = self._tag(request.path_params["tagId"])
        del self.tags[tag.tag_id]
        for uid in self.uids.values():
            if tag.tag_id in uid.tag_ids:
                uid.tag_ids.remove(tag.tag_id)
        return None

    # -- UIDs -----------------------------------------------------------------------------

    def _uid(self, value: str) -> NhnUid:
        uid = self.uids.get(value)
        if uid is None:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return uid

    def _uid_item(self, uid: NhnUid) -> dict[str, Any]:
        return {
            "uid": uid.uid,
            "tags": [self._tag_item(self.tags[tag_id]) for tag_id in uid.tag_ids],
            "contacts": [
                {"contactType": "PHONE_NUMBER", "contact": number, "createdDate": format_seoul_seconds(moment)}
                for number, moment in uid.phone_numbers.items()
            ],
        }

    async def list_uids(self, request: Request) -> Any:
        """N44: UIDs, optionally matching ``wheres``, paged by ``offsetUid``/``offset``/``limit``."""
        query = request.query_params
        wheres = [part for value in query.getlist("wheres") for part in value.split(",") if part]
        selected = self.matching_uids(wheres) if wheres else [self.uids[uid] for uid in sorted(self.uids)]
        raw_offset, raw_limit = query.get("offset", "0"), query.get("limit", "15")
        if not is_digits(raw_offset) or not is_digits(raw_limit):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        offset, limit = int(raw_offset), int(raw_limit)
        if not 1 <= limit <= 1000:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        after = [uid for uid in selected if uid.uid > query["offsetUid"]] if query.get("offsetUid") else selected
        window = after[offset : offset + limit]
        return {
            "data": {
                "uids": [self._uid_item(uid) for uid in window],
                "last": offset + limit >= len(after),
                "totalCount": len(selected),
            }
        }

    async def get_uid(self, request: Request) -> Any:
        """N45: one UID."""
        return {"data": self._uid_item(self._uid(request.path_params["uid"]))}

    async def create_uids(self, request: Request) -> Any:
        """N46: add UIDs, or add tags and phone numbers to existing ones."""
        body = json_object(await read_json(request), frozenset({"uids"}))
        entries = body.get("uids")
        if not isinstance(entries, list) or not entries:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        for raw in entries:
            entry = json_object(raw, frozenset({"uid", "tagIds", "contacts"}))
            tag_ids, contacts = entry.get("tagIds"), entry.get("contacts")
            if (
                not has_text(entry.get("uid"))
                or not isinstance(tag_ids, list)
                or any(not isinstance(tag_id, str) or tag_id not in self.tags for tag_id in tag_ids)
                or not isinstance(contacts, list)
                or not all(
                    isinstance(contact, dict)
                    and contact.get("contactType") == "PHONE_NUMBER"
                    and is_phone_number(contact.get("contact"))
                    for contact in contacts
                )
            ):
                raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        now = self.clock.now()
        for entry in entries:
            uid = self.uids.setdefault(entry["uid"], NhnUid(uid=entry["uid"], tag_ids=[], phone_numbers={}))
            uid.tag_ids.extend(tag_id for tag_id in dict.fromkeys(entry["tagIds"]) if tag_id not in uid.tag_ids)
            for contact in entry["contacts"]:
                uid.phone_numbers.setdefault(contact["contact"], now)
        return None

    async def delete_uid(self, request: Request) -> Any:
        """N47: delete a UID."""
        del self.uids[self._uid(request.path_params["uid"]).uid]
        return None

    async def add_phone_number(self, request: Request) -> Any:
        """N48: add a phone number to a UID."""
        uid = self._uid(request.path_params["uid"])
        number = json_object(await read_json(request), frozenset({"phoneNumber"})).get("phoneNumber")
        if not is_phone_number(number):
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        uid.phone_numbers.setdefault(str(number), self.clock.now())
        return None

    async def remove_phone_number(self, request: Request) -> Any:
        """N49: remove a phone number from a UID."""
        uid = self._uid(request.path_params["uid"])
        if uid.phone_numbers.pop(request.path_params["phoneNumber"], None) is None:
            raise NhnRefusal(-7001, "유효하지 않은 파라미터")
        return None
