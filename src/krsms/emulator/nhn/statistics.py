"""NHN Cloud SMS API v2.2, emulated: statistics (N33).

Choices where the document is silent:

- statistics count the ledger's NHN deliveries (cancelled ones left out) at their send time
  (the reservation time for reservations), bucketed by ``yyyy-MM-dd`` (DATE), ``HH`` (TIME)
  or ``MON``..``SUN`` (DAY), listing only buckets with requests; ``to`` is inclusive to the
  minute; ``to`` before ``from`` answers -2700, a span over 31 days -2703, a bad parameter
  -2701; refused recipients count as failed, filtered by the message type and template of
  the request they were refused in, as those it accepted are;
- the filters are read as the document's URL example names them, the names the SDK sends:
  ``messageTypes`` and ``contentTypes``; its table says ``messageType``/``contentType``, which
  are ignored (no filter), so a client sending them fails its tests;
- a ``templateId`` over its table's 50 characters answers -2109, the error table's code for
  one (:func:`~krsms.emulator.nhn.envelope.check_filters`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.inputs import parse_moment
from krsms.emulator.ledger import Delivery
from krsms.emulator.nhn.envelope import NhnRefusal, check_filters
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import CANCELLED, SENT, NhnRecipient, NhnRequest, NhnState
from krsms.nhn.checks import MAX_TEMPLATE_ID_CHARS

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MESSAGE_TYPES = frozenset({"SMS", "LMS", "MMS", "AUTH"})
CONTENT_TYPES = frozenset({"NORMAL", "AD"})
MAX_STATISTICS_SPAN = timedelta(days=31)
OUTCOMES = ("succeed", "failed", "pending")


class NhnStatistics:
    """The statistics endpoint of one :class:`~krsms.emulator.nhn.service.NhnService`, counting its
    ledger's NHN deliveries."""

    def __init__(self, service: NhnService):
        self.service = service
        self.state: NhnState = service.state

    def table(self) -> list[tuple[str, str, Callable[[Request], Any]]]:
        """(method, path under the appKey, handler) of the statistics route."""
        return [("GET", "/statistics/view", self.statistics)]

    @staticmethod
    def _choices(request: Request, name: str, allowed: frozenset[str]) -> frozenset[str] | None:
        """The comma-separated values of the query parameter ``name``; -2701 for one not in
        ``allowed``."""
        raw = request.query_params.get(name)
        if not raw:
            return None
        chosen = frozenset(value.strip() for value in raw.split(",") if value.strip())
        if chosen - allowed:
            raise NhnRefusal(-2701, "유효하지 않은 통계 검색 파라미터")
        return chosen

    async def statistics(self, request: Request) -> Any:
        """N33: requested/succeeded/failed/pending counts by date, hour or weekday."""
        query = request.query_params
        search_type, start, end = _search(query)
        check_filters(query, {"templateId": MAX_TEMPLATE_ID_CHARS})
        message_types = self._choices(request, "messageTypes", MESSAGE_TYPES)
        content_types = self._choices(request, "contentTypes", CONTENT_TYPES)
        self.service.settle_due()
        buckets: dict[tuple[int | str, str], dict[str, int]] = {}
        for delivery, sent, record in self._deliveries():
            moment = (record.request_date if record else delivery.accepted_at).astimezone(SEOUL)
            if not start <= moment < end + timedelta(minutes=1) or not _counted(
                delivery, sent, record, message_types, content_types, query.get("templateId") or None
            ):
                continue
            counts = buckets.setdefault(_bucket(search_type, moment), {"requested": 0, **dict.fromkeys(OUTCOMES, 0)})
            counts["requested"] += 1
            counts[_outcome(record)] += 1
        return {
            "data": [
                {"divisionName": name, "statisticsView": _view(counts)}
                for (_, name), counts in sorted(buckets.items(), key=lambda entry: entry[0][0])
            ]
        }

    def _deliveries(self) -> Iterator[tuple[Delivery, NhnRequest, NhnRecipient | None]]:
        """The ledger's NHN deliveries, cancelled ones left out, each with its send request and
        its stored recipient (None for one refused at send time)."""
        # The ledger first: a send records its request before its deliveries.
        deliveries = list(self.service.ledger)
        stored: dict[tuple[str, str], list[NhnRecipient]] = {}
        with self.state.lock:
            requests = dict(self.state.requests)
            for each in self.state.recipients:
                stored.setdefault((each.request_id, each.delivery.recipient), []).append(each)
        for delivery in deliveries:
            if delivery.provider != "nhn" or delivery.status == "cancelled":
                continue
            request = requests.get(delivery.request_id)
            if request is None:
                continue  # the state was cleared (another thread) after the ledger was read
            matches = stored.get((delivery.request_id, delivery.recipient)) if delivery.status == "accepted" else None
            yield delivery, request, matches.pop(0) if matches else None


def _search(query: Mapping[str, str]) -> tuple[str, datetime, datetime]:
    """``searchType``, ``from`` and ``to`` of a statistics query: -2701 when one is missing or
    malformed, -2700 when ``to`` is before ``from``, -2703 for a span over 31 days."""
    search_type = query.get("searchType")
    try:
        start, end = (parse_moment(query[name], "%Y-%m-%d %H:%M", SEOUL) for name in ("from", "to"))
    except (KeyError, ValueError):
        raise NhnRefusal(-2701, "유효하지 않은 통계 검색 파라미터") from None
    if search_type not in ("DATE", "TIME", "DAY"):
        raise NhnRefusal(-2701, "유효하지 않은 통계 검색 파라미터")
    if end < start:
        raise NhnRefusal(-2700, "유효하지 않은 통계 범위")
    if end - start > MAX_STATISTICS_SPAN:
        raise NhnRefusal(-2703, "유효하지 않은 통계 상세 범위")
    return search_type, start, end


def _counted(
    delivery: Delivery,
    sent: NhnRequest,
    record: NhnRecipient | None,
    message_types: frozenset[str] | None,
    content_types: frozenset[str] | None,
    template_id: str | None,
) -> bool:
    """Whether a delivery in the time range counts: not a cancelled reservation, and of the
    message types, content types and template the query names (each when it names one), as
    the request it was ``sent`` in gives them (for a recipient refused at send time too)."""
    if record is not None and record.status == CANCELLED:
        return False
    if message_types is not None and sent.message_type not in message_types:
        return False
    if content_types is not None and ("AD" if delivery.advertisement else "NORMAL") not in content_types:
        return False
    return template_id in (None, sent.template_id)


def _bucket(search_type: str, moment: datetime) -> tuple[int | str, str]:
    """(sort key, ``divisionName``) of the bucket ``moment`` counts in: its date (DATE), hour
    (TIME) or weekday (DAY)."""
    if search_type == "DATE":
        return moment.strftime("%Y-%m-%d"), moment.strftime("%Y-%m-%d")
    if search_type == "TIME":
        return moment.hour, moment.strftime("%H")
    return moment.weekday(), WEEKDAYS[moment.weekday()]


def _outcome(record: NhnRecipient | None) -> str:
    """How a counted recipient ended: ``failed`` when refused at send time or failed (by NHN,
    ``msgStatus`` 0, 5 or 6, or at the handset), else ``succeed`` once sent, ``pending``
    while waiting or going out (``msgStatus`` 1 or 2)."""
    if record is None or record.failed:
        return "failed"
    return "succeed" if record.status == SENT else "pending"


def _view(counts: Mapping[str, int]) -> dict[str, Any]:
    """The ``statisticsView`` of a bucket: its counts and each outcome's share of the requests."""
    return {
        "requestedCount": counts["requested"],
        "succeedCount": counts["succeed"],
        "failedCount": counts["failed"],
        "pendingCount": counts["pending"],
        **{f"{outcome}Rate": f"{100 * counts[outcome] / counts['requested']:.2f}" for outcome in OUTCOMES},
    }
