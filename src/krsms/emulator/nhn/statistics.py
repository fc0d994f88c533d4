"""NHN Cloud SMS API v2.2, emulated: statistics (N33).

Choices where the document is silent:

- statistics count the ledger's NHN deliveries (cancelled ones left out) at their send time
  (the reservation time for reservations), bucketed by ``yyyy-MM-dd`` (DATE), ``HH`` (TIME)
  or ``MON``..``SUN`` (DAY), listing only buckets with requests; ``to`` is inclusive to the
  minute; ``to`` before ``from`` answers -2700, a span over 31 days -2703, a bad parameter
  -2701; refused recipients count as failed;
- the filters are read as the document's URL example names them, the names the SDK sends:
  ``messageTypes`` and ``contentTypes``; its table says ``messageType``/``contentType``, which
  are ignored (no filter), so a client sending them fails its tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from starlette.requests import Request

from krsms.convert import SEOUL
from krsms.emulator.inputs import parse_moment
from krsms.emulator.nhn.envelope import NhnRefusal
from krsms.emulator.nhn.service import NhnService
from krsms.emulator.nhn.state import NhnRecipient, NhnState

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MESSAGE_TYPES = frozenset({"SMS", "LMS", "MMS", "AUTH"})
CONTENT_TYPES = frozenset({"NORMAL", "AD"})
MAX_STATISTICS_SPAN = timedelta(days=31)


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
        message_types = self._choices(request, "messageTypes", MESSAGE_TYPES)
        content_types = self._choices(request, "contentTypes", CONTENT_TYPES)
        self.service.settle_due()
        stored: dict[tuple[str, str], list[NhnRecipient]] = {}
        with self.state.lock:
            for each in self.state.recipients:
                stored.setdefault((each.request_id, each.delivery.recipient), []).append(each)
        buckets: dict[tuple[int | str, str], dict[str, int]] = {}
        for delivery in self.service.ledger:
            if delivery.provider != "nhn" or delivery.status == "cancelled":
                continue
            matches = stored.get((delivery.request_id, delivery.recipient)) if delivery.status == "accepted" else None
            record = matches.pop(0) if matches else None
            moment = (record.request_date if record else delivery.accepted_at).astimezone(SEOUL)
            if (
                not start <= moment < end + timedelta(minutes=1)
                or (record is not None and record.status == "4")
                or (
                    message_types is not None
                    and (record.message_type if record else delivery.kind) not in message_types
                )
                or (content_types is not None and ("AD" if delivery.advertisement else "NORMAL") not in content_types)
                or query.get("templateId") not in (None, record.template_id if record else None)
            ):
                continue
            if search_type == "DATE":
                key: tuple[int | str, str] = (moment.strftime("%Y-%m-%d"), moment.strftime("%Y-%m-%d"))
            elif search_type == "TIME":
                key = (moment.hour, moment.strftime("%H"))
            else:
                key = (moment.weekday(), WEEKDAYS[moment.weekday()])
            counts = buckets.setdefault(key, {"requested": 0, "succeed": 0, "failed": 0, "pending": 0})
            counts["requested"] += 1
            if record is None or record.undelivered:
                outcome = "failed"
            else:
                outcome = {"3": "succeed", "1": "pending"}.get(record.status, "failed")
            counts[outcome] += 1
        return {
            "data": [
                {
                    "divisionName": name,
                    "statisticsView": {
                        "requestedCount": counts["requested"],
                        "succeedCount": counts["succeed"],
                        "failedCount": counts["failed"],
                        "pendingCount": counts["pending"],
                        **{
                            f"{outcome}Rate": f"{100 * counts[outcome] / counts['requested']:.2f}"
                            for outcome in ("succeed", "failed", "pending")
                        },
                    },
                }
                for (_, name), counts in sorted(buckets.items(), key=lambda entry: entry[0][0])
            ]
        }
