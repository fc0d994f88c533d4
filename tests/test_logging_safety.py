"""No phone number reaches any log record, at any level, krsms's or the HTTP libraries' under
it: httpx logs every request URL at INFO, and a look-up by number carries it in the query
(SENS ``to``, NHN ``recipientNo``; docs/logging.md)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from krsms import Message, errors
from krsms.convert import SEOUL
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorServer,
)
from krsms.nhn import NhnGateway
from krsms.nhn.models import NewContact, SendQuery, UidRegistration
from krsms.sens import SensGateway
from krsms.sens.models import MessageQuery, UnsubscribeQuery

NUMBER = "01098765432"


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Each record's message, arguments and ``extra=`` fields."""
    return "\n".join(f"{record.getMessage()} {record.args!r} {vars(record)!r}" for record in caplog.records)


async def test_the_httpx_info_line_of_a_look_up_by_number_hides_the_number(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    window_end = datetime.now(SEOUL)
    window_start = window_end - timedelta(hours=1)
    with EmulatorServer() as server:
        async with SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=server.base_url,
        ) as sens:
            await sens.send(Message(sender="15446859", text="hi", recipients=[NUMBER]))
            await sens.client.list_messages(
                MessageQuery(request_start_time=window_start, request_end_time=window_end, to=NUMBER)
            )
        async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=server.base_url) as nhn:
            await nhn.send(Message(sender="15446859", text="hi", recipients=[NUMBER]))
            await nhn.client.list_sms(
                SendQuery(start_request_date=window_start, end_request_date=window_end, recipient_no=NUMBER)
            )
    httpx_lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert any("&to=***" in line for line in httpx_lines)
    assert any("&recipientNo=***" in line for line in httpx_lines)
    assert NUMBER not in everything_logged(caplog)
    assert NUMBER[1:] not in everything_logged(caplog)  # nor as +82 10...


async def test_no_line_shows_a_number_given_in_an_opt_out_look_up_or_a_uid_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # SENS S8 takes the opted-out number as the clientTelNo query parameter; NHN N49 names the
    # UID's number in its path (/uids/{uid}/phone-numbers/{phoneNumber}).
    caplog.set_level(logging.DEBUG)
    with EmulatorServer() as server:
        async with SensGateway(
            access_key=DEMO_SENS_ACCESS_KEY,
            secret_key=DEMO_SENS_SECRET_KEY,
            service_id=DEMO_SENS_SERVICE_ID,
            base_url=server.base_url,
        ) as sens:
            await sens.client.add_unsubscribes([NUMBER])
            assert await sens.client.list_unsubscribes(UnsubscribeQuery(client_tel_no=NUMBER))
        async with NhnGateway(app_key=DEMO_NHN_APP_KEY, base_url=server.base_url) as nhn:
            await nhn.client.create_uids(
                [UidRegistration(uid="user-0", tag_ids=(), contacts=(NewContact(contact=NUMBER),))]
            )
            await nhn.client.delete_phone_number("user-0", NUMBER)
            with pytest.raises(errors.ProviderError) as again:  # removed already
                await nhn.client.delete_phone_number("user-0", NUMBER)
    httpx_lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert any("clientTelNo=***" in line for line in httpx_lines)
    assert any("/phone-numbers/***" in line for line in httpx_lines)
    assert NUMBER not in everything_logged(caplog)
    assert NUMBER not in str(again.value)
    assert again.value.path is not None
    assert again.value.path.endswith("/phone-numbers/***")
