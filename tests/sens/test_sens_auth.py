"""SENS signature v2: known answers, the exact target signed, fresh stamps, clock-skew repair."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest

from krsms.sens.auth import SensAuth, clock_skew, signature

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "SECRETEXAMPLE"
SERVICE = "/sms/v2/services/ncp:sms:kr:123456789012:krsms"
# Computed independently: printf 'METHOD target\nts\naccess' | openssl dgst -sha256 -hmac SECRET -binary | base64
KNOWN_POST = "kq545X0ENio5wOqLRfq4KxJE3wWgY65SE61SkM68gl4="
KNOWN_GET_WITH_QUERY = "RGMwP7JAI+DR9Q3t/qim0aXccVkqCl1/LGSgKyvg8Jc="


def test_known_answers() -> None:
    assert signature(SECRET_KEY, "POST", f"{SERVICE}/messages", "1700000000000", ACCESS_KEY) == KNOWN_POST
    target = f"{SERVICE}/messages?requestId=R-1&pageIndex=0"
    assert signature(SECRET_KEY, "GET", target, "1700000000000", ACCESS_KEY) == KNOWN_GET_WITH_QUERY


def flow(auth: SensAuth, request: httpx.Request) -> httpx.Request:
    return next(auth.auth_flow(request))


def test_signs_the_path_and_query_exactly_as_sent_with_a_colon_service_id() -> None:
    auth = SensAuth(ACCESS_KEY, SECRET_KEY, clock=lambda: 1_700_000_000.0)
    request = httpx.Request(
        "GET", f"https://sens.apigw.ntruss.com{SERVICE}/messages", params={"requestId": "R-1", "pageIndex": 0}
    )
    signed = flow(auth, request)
    assert signed.url.raw_path.decode() == f"{SERVICE}/messages?requestId=R-1&pageIndex=0"
    assert signed.headers["x-ncp-apigw-timestamp"] == "1700000000000"
    assert signed.headers["x-ncp-iam-access-key"] == ACCESS_KEY
    assert signed.headers["x-ncp-apigw-signature-v2"] == KNOWN_GET_WITH_QUERY


KNOWN_GET_WITH_ENCODED_QUERY = "MjJqLFAEVkFqpJ7GGeLxFfT2VrawPfdRo8qmGU+6COw="
"""The same openssl line over the target below: times with a space and colons, a token with
``+``, ``/`` and ``=``, each percent-encoded as httpx writes the query."""


def test_a_query_that_needs_percent_encoding_is_signed_byte_for_byte_as_sent() -> None:
    # en:26-27 / ko:52 (HmacSHA256 with the secret key; the string is NCP's signature guide's):
    # "GET", a space, the path and the query as sent, a newline, the timestamp, a newline, the
    # access key.
    auth = SensAuth(ACCESS_KEY, SECRET_KEY, clock=lambda: 1_700_000_000.0)
    params = {
        "requestStartTime": "2026-01-01 00:00:00",
        "requestEndTime": "2026-01-02 00:00:00",
        "nextToken": "a+b/c=",
    }
    signed = flow(auth, httpx.Request("GET", f"https://sens.apigw.ntruss.com{SERVICE}/messages", params=params))
    assert signed.url.raw_path.decode() == (
        f"{SERVICE}/messages?requestStartTime=2026-01-01+00%3A00%3A00"
        "&requestEndTime=2026-01-02+00%3A00%3A00&nextToken=a%2Bb%2Fc%3D"
    )
    assert signed.headers["x-ncp-apigw-signature-v2"] == KNOWN_GET_WITH_ENCODED_QUERY


def test_percent_encoded_query_is_signed_as_encoded() -> None:
    auth = SensAuth(ACCESS_KEY, SECRET_KEY, clock=lambda: 1_700_000_000.0)
    request = httpx.Request("GET", f"https://h{SERVICE}/messages", params={"requestStartTime": "2026-01-01 00:00:00"})
    target = request.url.raw_path.decode()
    assert "%20" in target or "+" in target
    expected = signature(SECRET_KEY, "GET", target, "1700000000000", ACCESS_KEY)
    assert flow(auth, request).headers["x-ncp-apigw-signature-v2"] == expected


def test_every_attempt_gets_a_fresh_timestamp() -> None:
    now = [1_700_000_000.0]
    auth = SensAuth(ACCESS_KEY, SECRET_KEY, clock=lambda: now[0])
    first = flow(auth, httpx.Request("POST", f"https://h{SERVICE}/messages")).headers["x-ncp-apigw-timestamp"]
    now[0] += 1.5
    second = flow(auth, httpx.Request("POST", f"https://h{SERVICE}/messages")).headers["x-ncp-apigw-timestamp"]
    assert (first, second) == ("1700000000000", "1700000001500")


def test_a_401_from_a_skewed_clock_is_signed_again_with_the_gateway_time() -> None:
    local = 1_700_000_000.0
    auth = SensAuth(ACCESS_KEY, SECRET_KEY, clock=lambda: local)
    request = httpx.Request("POST", f"https://h{SERVICE}/messages")
    steps = auth.auth_flow(request)
    next(steps)
    server_date = formatdate(local + 360, usegmt=True)  # the gateway is 6 minutes ahead
    retried = steps.send(httpx.Response(401, headers={"date": server_date}))
    assert retried.headers["x-ncp-apigw-timestamp"] == str(int((local + 360) * 1000))
    assert auth.offset_seconds == pytest.approx(360)
    with pytest.raises(StopIteration):
        steps.send(httpx.Response(202))


def test_a_401_with_a_good_clock_is_not_retried() -> None:
    local = 1_700_000_000.0
    auth = SensAuth(ACCESS_KEY, SECRET_KEY, clock=lambda: local)
    steps = auth.auth_flow(httpx.Request("POST", f"https://h{SERVICE}/messages"))
    next(steps)
    with pytest.raises(StopIteration):
        steps.send(httpx.Response(401, headers={"date": formatdate(local + 10, usegmt=True)}))


def test_clock_skew_ignores_missing_or_broken_dates() -> None:
    assert clock_skew(None, local_time=0) is None
    assert clock_skew("yesterday", local_time=0) is None


def test_repr_hides_both_keys() -> None:
    text = repr(SensAuth(ACCESS_KEY, SECRET_KEY))
    assert ACCESS_KEY not in text
    assert SECRET_KEY not in text


@pytest.mark.parametrize(
    "date_header",
    [
        "Sun Nov  6 08:49:37 1994",  # asctime, a form RFC 9110 5.6.7 has recipients accept
        "Sun, 06 Nov 1994 08:49:37 -0000",  # a zone that email.utils reads as "unknown"
        "Sun, 06 Nov 1994 08:49:37 GMT",
    ],
)
def test_an_http_date_is_read_in_gmt_whatever_the_local_zone(date_header: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every HTTP date is GMT. Read in the local zone (Seoul: nine hours), the gateway's clock
    looked nine hours off: a 401 was re-signed nine hours out and look-ups in SENS's clock
    searched the wrong window."""
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    try:
        assert clock_skew(date_header, local_time=784_111_777.0) == 0.0
    finally:
        monkeypatch.undo()
        time.tzset()
