"""NHN Cloud SMS API v2.2, emulated: template categories (N19-N23) and templates (N24-N28).

Sends with a ``templateId`` read the stored templates (:func:`apply_template`). Choices
where the document is silent:

- an emulated app starts with one top-level category (ID 1, undeletable: -2205); a category
  without ``categoryParentId`` (or with 0) goes under it; a category that still holds
  categories or templates cannot be deleted (-2201);
- a required text of spaces alone (``templateId``, ``templateName``, ``sendNo``, ``body``,
  an LMS/MMS template's ``title``, ``categoryName``) answers the code of the empty field, as
  the SDK's checks expect;
- an unknown category answers -2202; an unknown template -2110 on look-up and -2107 on update
  or delete, -2113 once deleted;
- a category ``createUser``/``updateUser`` over 100 characters answers -2200 (add) or -2201
  (update); a template ``templateDesc`` over 100 characters or ``sendNo`` over 13 answers
  -2111 (invalid template parameter);
- a send whose ``templateId`` is over 50 characters answers -2109, as a new template's does
  (the send tables give it the same maximum, the error table that code); one not stored
  answers -2110, one of the other send type -2006; an empty (or blank)
  ``body``/``sendNo``/``title``/``attachFileIdList`` is taken from the template.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request

from krsms.emulator.clock import Clock
from krsms.emulator.config import EmulatorConfig
from krsms.emulator.inputs import is_digits
from krsms.emulator.nhn.envelope import (
    MAX_USER_CHARS,
    YES_NO,
    NhnRefusal,
    fits,
    format_time,
    has_text,
    json_object,
    matches,
    page,
    read_json,
)
from krsms.emulator.nhn.senders import is_registered_sender
from krsms.emulator.nhn.service import SERVICE_ID, NhnService
from krsms.emulator.nhn.state import NhnCategory, NhnState, NhnTemplate
from krsms.emulator.nhn.uploads import attachment_detail, check_attachments

ROOT_CATEGORY_ID = 1
MAX_TEMPLATES = 1000
MAX_CATEGORY_NAME_CHARS = 50
MAX_CATEGORY_DESC_CHARS = 100
MAX_TEMPLATE_ID_CHARS = 50
MAX_TEMPLATE_NAME_CHARS = 50
MAX_TEMPLATE_DESC_CHARS = 100
MAX_TEMPLATE_SEND_NO_CHARS = 13
MAX_TEMPLATE_TITLE_CHARS = 120
MAX_SMS_TEMPLATE_BODY_CHARS = 255
MAX_TEMPLATE_BODY_CHARS = 4000
CATEGORY_FIELDS = frozenset({"categoryParentId", "categoryName", "categoryDesc", "useYn", "createUser"})
CATEGORY_UPDATE_FIELDS = frozenset({"categoryName", "categoryDesc", "useYn", "updateUser"})
TEMPLATE_UPDATE_FIELDS = frozenset(
    {"templateName", "templateDesc", "sendNo", "sendType", "title", "body", "useYn", "attachFileIdList"}
)
TEMPLATE_FIELDS = TEMPLATE_UPDATE_FIELDS | {"categoryId", "templateId"}
TEMPLATE_ATTACH_TYPE = 2
"""``attachType`` of a template's attachment (0 temporary, 1 upload, 2 template)."""


def apply_template(templates: Mapping[str, NhnTemplate], body: dict[str, Any], send_type: str) -> dict[str, Any]:
    """A send's ``body`` with its empty fields filled from its stored template (one of
    ``templates``), when it names one: -2109 for a ``templateId`` over 50 characters, -2110
    for one not stored, -2006 for one of another send type. A field is empty ("空欄", as the
    document's template send puts it) when it is left out, null, empty or spaces alone."""
    template_id = body.get("templateId")
    if not template_id:
        return body
    if len(str(template_id)) > MAX_TEMPLATE_ID_CHARS:
        raise NhnRefusal(-2109, "템플릿 ID가 50자 초과")
    template = templates.get(str(template_id))
    if template is None:
        raise NhnRefusal(-2110, "템플릿이 존재하지 않음")
    if template.send_type != ("1" if send_type == "1" else "0"):
        raise NhnRefusal(-2006, "템플릿의 발송 타입과 요청한 발송 타입이 다름")
    defaults = {
        "body": template.body,
        "sendNo": template.send_no,
        "title": template.title,
        "attachFileIdList": template.file_ids,
    }
    return {**body, **{name: value for name, value in defaults.items() if _empty(body.get(name))}}


def _empty(value: Any) -> bool:
    """Whether a send's field is left to its template: missing, null, empty or spaces alone."""
    return not value or (isinstance(value, str) and not value.strip())


class NhnTemplates:
    """The category and template endpoints of one :class:`~krsms.emulator.nhn.service.NhnService`,
    kept in its state (sends read the templates)."""

    def __init__(self, service: NhnService):
        self.config: EmulatorConfig = service.config
        self.state: NhnState = service.state
        self.clock: Clock = service.clock
        self.deleted_templates: set[str] = set()
        """IDs of deleted templates (-2113), until one is stored again."""
        self._category_ids = itertools.count(ROOT_CATEGORY_ID + 1)
        self.state.categories.setdefault(
            ROOT_CATEGORY_ID,
            NhnCategory(
                category_id=ROOT_CATEGORY_ID,
                parent_id=0,
                depth=0,
                name="카테고리",
                description="최상위 카테고리",
                use="Y",
                create_user=None,
                created=self.clock.now(),
            ),
        )

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of every category and template route."""
        return [
            ("POST", "/categories", self.create_category),
            ("GET", "/categories", self.list_categories),
            ("GET", "/categories/{categoryId}", self.get_category),
            ("PUT", "/categories/{categoryId}", self.update_category),
            ("DELETE", "/categories/{categoryId}", self.delete_category),
            ("POST", "/templates", self.create_template),
            ("GET", "/templates", self.list_templates),
            ("GET", "/templates/{templateId}", self.get_template),
            ("PUT", "/templates/{templateId}", self.update_template),
            ("DELETE", "/templates/{templateId}", self.delete_template),
        ]

    # -- categories -----------------------------------------------------------------------

    def _category(self, value: str) -> NhnCategory:
        category = self.state.categories.get(int(value)) if is_digits(value) else None
        if category is None:
            raise NhnRefusal(-2202, "유효하지 않은 카테고리")
        return category

    def _category_item(self, category: NhnCategory) -> dict[str, Any]:
        siblings = sorted(
            other.category_id for other in self.state.categories.values() if other.parent_id == category.parent_id
        )
        return {
            "categoryId": category.category_id,
            "categoryParentId": category.parent_id,
            "depth": category.depth,
            "sort": siblings.index(category.category_id),
            "categoryName": category.name,
            "categoryDesc": category.description,
            "useYn": category.use,
            "createDate": format_time(category.created),
            "createUser": category.create_user,
            "updateDate": format_time(category.updated or category.created),
            "updateUser": category.update_user,
        }

    @staticmethod
    def _check_category(body: dict[str, Any], code: int) -> None:
        name, description = body.get("categoryName"), body.get("categoryDesc")
        if not has_text(name) or len(name) > MAX_CATEGORY_NAME_CHARS:
            raise NhnRefusal(code, "유효하지 않은 카테고리 파라미터")
        if description is not None and (not isinstance(description, str) or len(description) > MAX_CATEGORY_DESC_CHARS):
            raise NhnRefusal(code, "유효하지 않은 카테고리 파라미터")
        if not all(fits(body.get(user), MAX_USER_CHARS) for user in ("createUser", "updateUser")):
            raise NhnRefusal(code, "유효하지 않은 카테고리 파라미터")
        if body.get("useYn") not in YES_NO:
            raise NhnRefusal(-2204, "사용 여부가 유효하지 않음")

    async def create_category(self, request: Request) -> Any:
        """N19: add a category (under the top-level one unless ``categoryParentId`` says)."""
        body = json_object(await read_json(request), CATEGORY_FIELDS)
        self._check_category(body, -2200)
        parent_id = body.get("categoryParentId") or ROOT_CATEGORY_ID
        parent = self.state.categories.get(parent_id) if isinstance(parent_id, int) else None
        if parent is None:
            raise NhnRefusal(-2203, "상위 카테고리가 존재하지 않음")
        category = NhnCategory(
            category_id=next(self._category_ids),
            parent_id=parent.category_id,
            depth=parent.depth + 1,
            name=body["categoryName"],
            description=body.get("categoryDesc"),
            use=body["useYn"],
            create_user=body.get("createUser"),
            created=self.clock.now(),
        )
        self.state.categories[category.category_id] = category
        return {"data": self._category_item(category)}

    async def list_categories(self, request: Request) -> Any:
        """N20: every category, by ID."""
        items = [self._category_item(self.state.categories[key]) for key in sorted(self.state.categories)]
        return page(items, request)

    async def get_category(self, request: Request) -> Any:
        """N21: one category (a one-element list, as the document shows)."""
        return {"data": [self._category_item(self._category(request.path_params["categoryId"]))]}

    async def update_category(self, request: Request) -> Any:
        """N22: rename, describe or (dis)able a category."""
        category = self._category(request.path_params["categoryId"])
        body = json_object(await read_json(request), CATEGORY_UPDATE_FIELDS)
        self._check_category(body, -2201)
        category.name = body["categoryName"]
        category.description = body.get("categoryDesc")
        category.use = body["useYn"]
        category.update_user = body.get("updateUser")
        category.updated = self.clock.now()
        return None

    async def delete_category(self, request: Request) -> Any:
        """N23: delete an empty category."""
        category = self._category(request.path_params["categoryId"])
        if category.category_id == ROOT_CATEGORY_ID:
            raise NhnRefusal(-2205, "최상위 카테고리는 삭제할 수 없음")
        if any(other.parent_id == category.category_id for other in self.state.categories.values()) or any(
            template.category_id == category.category_id for template in self.state.templates.values()
        ):
            raise NhnRefusal(-2201, "하위 카테고리나 템플릿이 있는 카테고리")
        del self.state.categories[category.category_id]
        return None

    # -- templates ------------------------------------------------------------------------

    def _template_item(self, template: NhnTemplate) -> dict[str, Any]:
        names = self.state.template_names(template.template_id)
        return {
            "templateId": template.template_id,
            "serviceId": SERVICE_ID,
            "categoryId": template.category_id,
            "categoryName": names["categoryName"],
            "sort": 0,
            "templateName": template.name,
            "templateDesc": template.description,
            "useYn": template.use,
            "priority": "S",
            "sendNo": template.send_no,
            "sendType": template.send_type,
            "sendTypeName": "SMS 발송" if template.send_type == "0" else "LMS/MMS 발송",
            "title": template.title,
            "body": template.body,
            "attachFileYn": "Y" if template.file_ids else "N",
            "delYn": "N",
            "createDate": format_time(template.created),
            "createUser": None,
            "updateDate": format_time(template.updated),
            "updateUser": None,
            "attachFileList": [
                attachment_detail(
                    self.state.files[file_id],
                    service_id=SERVICE_ID,
                    attach_type=TEMPLATE_ATTACH_TYPE,
                    template_id=template.template_id,
                )
                for file_id in template.file_ids
            ],
        }

    def _check_template(self, body: dict[str, Any], template_id: str) -> list[int]:
        """Validate the fields N24 and N27 share, in the order their codes are checked: the
        name and description, the sender, the send type, the title and body, ``useYn``, the
        attachments. Returns the attachment IDs."""
        _check_name(body)
        self._check_send_no(body.get("sendNo"))
        send_type = body.get("sendType")
        if send_type not in ("0", "1"):
            raise NhnRefusal(-2104, "발송 타입이 비어있음")
        _check_title_and_body(body, send_type)
        if body.get("useYn") not in YES_NO:
            raise NhnRefusal(-2106, "사용 여부가 유효하지 않음")
        return self._attachments(body, send_type, template_id)

    def _check_send_no(self, send_no: Any) -> None:
        """-2103 for a missing or blank ``sendNo``, -2111 for one over 13 characters, -2312 for
        one not registered."""
        if not has_text(send_no):
            raise NhnRefusal(-2103, "발신 번호가 비어있음")
        if len(send_no) > MAX_TEMPLATE_SEND_NO_CHARS:
            raise NhnRefusal(-2111, "유효하지 않은 템플릿 파라미터")
        if not is_registered_sender(send_no, self.config):
            raise NhnRefusal(-2312, "발신번호가 비어있거나 미등록 상태")

    def _attachments(self, body: dict[str, Any], send_type: str, template_id: str) -> list[int]:
        """The template's ``attachFileIdList``: -9997 when it is not a list, -1006 on an SMS
        template, -2004 for a file not uploaded (:func:`check_attachments`), -2043 for one
        another template holds."""
        file_ids = body.get("attachFileIdList") or []
        if not isinstance(file_ids, list):
            raise NhnRefusal(-9997, "유효하지 않은 JSON 형식")
        if file_ids and send_type == "0":
            raise NhnRefusal(-1006, "유효하지 않은 발송 메시지 타입")
        check_attachments(file_ids, self.state.files)
        for file_id in file_ids:
            if any(
                file_id in other.file_ids and other.template_id != template_id
                for other in self.state.templates.values()
            ):
                raise NhnRefusal(-2043, "첨부 파일이 이미 다른 템플릿에 등록됨")
        return list(file_ids)

    async def create_template(self, request: Request) -> Any:
        """N24: store a template."""
        body = json_object(await read_json(request), TEMPLATE_FIELDS)
        if body.get("categoryId") in (None, ""):
            raise NhnRefusal(-2108, "카테고리 ID가 비어있음")
        category = self._category(str(body["categoryId"]))
        template_id = body.get("templateId")
        if not has_text(template_id):
            raise NhnRefusal(-2100, "템플릿 ID가 비어있음")
        if len(template_id) > MAX_TEMPLATE_ID_CHARS:
            raise NhnRefusal(-2109, "템플릿 ID가 50자 초과")
        if template_id in self.state.templates:
            raise NhnRefusal(-2101, "이미 등록된 템플릿 ID")
        if len(self.state.templates) >= MAX_TEMPLATES:
            raise NhnRefusal(-2112, "등록 가능한 템플릿 수 초과")
        file_ids = self._check_template(body, template_id)
        now = self.clock.now()
        self.state.templates[template_id] = NhnTemplate(
            template_id=template_id,
            category_id=category.category_id,
            name=body["templateName"],
            description=body.get("templateDesc"),
            send_no=body["sendNo"],
            send_type=body["sendType"],
            title=body.get("title"),
            body=body["body"],
            use=body["useYn"],
            file_ids=file_ids,
            created=now,
            updated=now,
        )
        self.deleted_templates.discard(template_id)
        return None

    async def list_templates(self, request: Request) -> Any:
        """N25: templates, optionally of one category or use state."""
        query = request.query_params
        items = [
            self._template_item(template)
            for template in self.state.templates.values()
            if matches(query, "categoryId", str(template.category_id)) and matches(query, "useYn", template.use)
        ]
        return page(items, request)

    async def get_template(self, request: Request) -> Any:
        """N26: one template."""
        template = self.state.templates.get(request.path_params["templateId"])
        if template is None:
            raise NhnRefusal(-2110, "템플릿이 존재하지 않음")
        return {"data": self._template_item(template)}

    def _stored_template(self, template_id: str) -> NhnTemplate:
        if template_id in self.deleted_templates:
            raise NhnRefusal(-2113, "이미 삭제된 템플릿 ID")
        template = self.state.templates.get(template_id)
        if template is None:
            raise NhnRefusal(-2107, "유효하지 않은 템플릿 ID")
        return template

    async def update_template(self, request: Request) -> Any:
        """N27: replace a template's fields."""
        template = self._stored_template(request.path_params["templateId"])
        body = json_object(await read_json(request), TEMPLATE_UPDATE_FIELDS)
        template.file_ids = self._check_template(body, template.template_id)
        template.name = body["templateName"]
        template.description = body.get("templateDesc")
        template.send_no = body["sendNo"]
        template.send_type = body["sendType"]
        template.title = body.get("title")
        template.body = body["body"]
        template.use = body["useYn"]
        template.updated = self.clock.now()
        return None

    async def delete_template(self, request: Request) -> Any:
        """N28: delete a template."""
        template = self._stored_template(request.path_params["templateId"])
        del self.state.templates[template.template_id]
        self.deleted_templates.add(template.template_id)
        return None


def _check_name(body: dict[str, Any]) -> None:
    """-2102 for a missing or blank ``templateName`` or one over 50 characters, -2111 for a
    ``templateDesc`` over 100."""
    name = body.get("templateName")
    if not has_text(name) or len(name) > MAX_TEMPLATE_NAME_CHARS:
        raise NhnRefusal(-2102, "템플릿 이름이 비어있음")
    if not fits(body.get("templateDesc"), MAX_TEMPLATE_DESC_CHARS):
        raise NhnRefusal(-2111, "유효하지 않은 템플릿 파라미터")


def _check_title_and_body(body: dict[str, Any], send_type: str) -> None:
    """-2114 for an LMS/MMS template without a title (or a blank one), -2115 for a title over
    120 characters, -2105 without a body (or a blank one), -2116 for an SMS body over 255
    characters, -2117 for any body over 4000."""
    title, text = body.get("title"), body.get("body")
    if send_type == "1" and not has_text(title):
        raise NhnRefusal(-2114, "제목이 비어있음")
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TEMPLATE_TITLE_CHARS):
        raise NhnRefusal(-2115, "제목이 120자 초과")
    if not has_text(text):
        raise NhnRefusal(-2105, "본문이 비어있음")
    if send_type == "0" and len(text) > MAX_SMS_TEMPLATE_BODY_CHARS:
        raise NhnRefusal(-2116, "SMS 본문이 255자 초과")
    if len(text) > MAX_TEMPLATE_BODY_CHARS:
        raise NhnRefusal(-2117, "LMS/MMS 본문이 4000자 초과")
