"""Numeric settings and keys are refused where they are given, naming the setting: a wrong
one would otherwise surface far away (a TypeError in place of a cancelled send's outcome, a
NaN limit that never applies)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from krsms import Limits, NhnGateway, RetryPolicy, SensGateway, Timeouts, errors
from krsms.emulator import DEMO_NHN_APP_KEY, DEMO_SENS_ACCESS_KEY, DEMO_SENS_SECRET_KEY, DEMO_SENS_SERVICE_ID
from krsms.testing import FakeGateway

NOT_NUMBERS = [None, "5", True, b"5"]


def sens(**options: Any) -> SensGateway:
    return SensGateway(
        access_key=DEMO_SENS_ACCESS_KEY, secret_key=DEMO_SENS_SECRET_KEY, service_id=DEMO_SENS_SERVICE_ID, **options
    )


def nhn(**options: Any) -> NhnGateway:
    return NhnGateway(app_key=DEMO_NHN_APP_KEY, **options)


@pytest.mark.parametrize("make", [sens, nhn])
@pytest.mark.parametrize("field", ["drain_timeout", "reconcile_delay"])
@pytest.mark.parametrize("value", [*NOT_NUMBERS, -1, math.nan, math.inf])
def test_a_gateway_refuses_waits_that_are_not_finite_seconds_of_at_least_0(make: Any, field: str, value: Any) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        make(**{field: value})
    assert refused.value.field == field
    assert refused.value.limit == ">= 0"


@pytest.mark.parametrize("make", [sens, nhn, FakeGateway])
@pytest.mark.parametrize("field", ["reconcile", "resend_missing"])
@pytest.mark.parametrize("value", ["false", "yes", 0, 1, None])
def test_a_gateway_refuses_a_switch_that_is_not_true_or_false(make: Any, field: str, value: Any) -> None:
    """``reconcile="false"`` read from the environment turned reconciliation on."""
    with pytest.raises(errors.ValidationError) as refused:
        make(**{field: value})
    assert refused.value.field == field
    assert refused.value.limit == "a bool"


@pytest.mark.parametrize("make", [sens, nhn])
@pytest.mark.parametrize("value", ["5", True, 0, -2.5, math.nan, math.inf])
def test_a_gateway_refuses_a_rate_that_is_not_a_positive_finite_number(make: Any, value: Any) -> None:
    """None is the rate's own "no limit"."""
    with pytest.raises(errors.ValidationError) as refused:
        make(requests_per_second=value)
    assert refused.value.field == "requests_per_second"
    assert refused.value.limit == "> 0"


@pytest.mark.parametrize("make", [sens, nhn])
@pytest.mark.parametrize("value", ["8", 8.0, True, 0, -1])
def test_a_gateway_refuses_a_concurrency_that_is_not_a_whole_number_of_at_least_1(make: Any, value: Any) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        make(max_concurrency=value)
    assert refused.value.field == "max_concurrency"
    assert refused.value.limit == ">= 1"


@pytest.mark.parametrize("value", ["30", 0, -1, math.nan, math.inf])
def test_a_gateway_refuses_a_timeout_that_is_not_a_positive_finite_number(value: Any) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        nhn(timeout=value)
    assert refused.value.field == "timeout"


@pytest.mark.parametrize("field", ["connect", "read", "write", "pool"])
@pytest.mark.parametrize("value", [*NOT_NUMBERS, 0, -1, math.nan, 10**400])
def test_timeouts_are_positive_finite_seconds(field: str, value: Any) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        Timeouts(**{field: value})
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("max_connections", 0, ">= 1"),
        ("max_connections", "32", ">= 1"),
        ("max_keepalive_connections", -1, ">= 0"),
        ("keepalive_expiry", math.nan, ">= 0"),
    ],
)
def test_limits_are_counts_and_seconds(field: str, value: Any, limit: str) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        Limits(**{field: value})
    assert (refused.value.field, refused.value.limit) == (field, limit)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_attempts", 0),
        ("max_attempts", 2.5),
        ("initial_backoff", -0.1),
        ("max_backoff", None),
        ("max_retry_after", math.nan),
    ],
)
def test_a_retry_policy_refuses_what_would_break_its_arithmetic(field: str, value: Any) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        RetryPolicy(**{field: value})
    assert refused.value.field == field


def test_the_defaults_and_zero_waits_are_accepted() -> None:
    """0 is a valid wait (no drain, no second look-up, no back-off, keep-alive off)."""
    sens(drain_timeout=0, reconcile_delay=0.0, requests_per_second=0.5, timeout=Timeouts(connect=1))
    nhn(drain_timeout=2, reconcile_delay=1, timeout=3, limits=Limits(max_keepalive_connections=0, keepalive_expiry=0))
    RetryPolicy(max_attempts=1, initial_backoff=0, max_backoff=0)


@pytest.mark.parametrize("key", [b"bytes-from-environb", 12345678])
def test_a_key_that_is_not_text_is_refused_by_name_without_showing_it(key: Any) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        NhnGateway(app_key=key)
    assert refused.value.field == "app_key"
    assert refused.value.value == "***"
    assert str(key) not in str(refused.value)
    with pytest.raises(errors.ValidationError) as refused:
        SensGateway(access_key=DEMO_SENS_ACCESS_KEY, secret_key=key, service_id=DEMO_SENS_SERVICE_ID)
    assert refused.value.field == "secret_key"
    assert str(key) not in str(refused.value)


@pytest.mark.parametrize(
    ("option", "value"), [("batch_size", 0), ("batch_size", "10"), ("latency", -1), ("latency", None)]
)
def test_the_fake_gateway_checks_its_settings_as_the_real_ones_do(option: str, value: Any) -> None:
    """A test double refuses settings that are not what they name, as the gateways it stands
    in for refuse theirs: a batch size of ``"10"`` raised a bare TypeError, a latency of -1 or
    None was taken as none."""
    with pytest.raises(errors.ValidationError) as refused:
        FakeGateway(**{option: value})
    assert refused.value.field == option
