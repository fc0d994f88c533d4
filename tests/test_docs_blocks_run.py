"""Every ```python block of README.md and docs/*.md runs, and does what its page says.

A user copies these blocks: one that raises, sends nothing or prints something other than
what the prose says is a defect. Each block is exec'd as it is written, in a namespace where
the SDK's gateways and clients are the real classes pointed at one embedded emulator for the
module (the emulator's demo keys replace the placeholders the docs write, ``"..."``, ``...``
or an environment variable, and its loopback URL the provider's). A block that continues an
earlier one (it uses ``gateway``, ``message``, ...) gets a prelude defining just those names.
Blocks with top-level ``await`` run as ``python -m asyncio`` runs them, as docs/index.md says.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import krsms
import krsms.nhn
import krsms.sens
from krsms import Message, NhnGateway, Recipient, SendProgress, SendReport, SendStatus, SensGateway
from krsms.emulator import (
    DEMO_NHN_APP_KEY,
    DEMO_SENS_ACCESS_KEY,
    DEMO_SENS_SECRET_KEY,
    DEMO_SENS_SERVICE_ID,
    EmulatorServer,
)
from krsms.testing import FakeGateway, nhn_gateway_for, numbers, sens_gateway_for

ROOT = Path(__file__).resolve().parents[1]


def python_blocks(page: str) -> list[str]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


# Each block is named by its page and a text only it holds there, so that editing a page
# does not silently move a test onto another block.
README_SENS = ("README.md", "async def main()")
README_NHN = ("README.md", "async def campaign(numbers)")
INDEX_SEND = ("docs/index.md", "print(report.counts())")
NEUTRAL_GATEWAYS = ("docs/neutral-api.md", "max_concurrency=8,")
NEUTRAL_SENDING = ("docs/neutral-api.md", "report = await gateway.send(message)")
NEUTRAL_OTHER_OPERATIONS = ("docs/neutral-api.md", "upload_image(jpeg_bytes")
BULK_STREAM = ("docs/bulk.md", "read_numbers(")
BULK_QUEUE = ("docs/bulk.md", "async def send_from_queue(")
BULK_CANCELLED = ("docs/bulk.md", "except asyncio.CancelledError:")
HTTP_SHARED_CLIENT = ("docs/http.md", "http_client=http")
HTTP_RETRY_STRATEGY = ("docs/http.md", "class PatientWithLookups")
PROVIDERS_SENS = ("docs/providers.md", 'os.environ["NCP_ACCESS_KEY"]')
PROVIDERS_NHN = ("docs/providers.md", 'os.environ["NHN_SMS_APP_KEY"]')
SENS_CLIENT = ("docs/sens.md", "async with SensClient(")
NHN_CLIENT = ("docs/nhn.md", "async with NhnClient(")
EMULATOR_IN_TESTS = ("docs/emulator.md", "async with EmulatorServer() as server:")
TESTING_FAKE = ("docs/testing.md", "async def test_coupon_campaign_reports_refused_numbers")
TESTING_CLOCK = ("docs/testing.md", "FakeGateway(clock=lambda: now)")
TESTING_DELIVERY = ("docs/testing.md", "async def test_a_failed_code_falls_back_to_a_voice_call")
TESTING_EMULATOR = ("docs/testing.md", "async def test_welcome_message(krsms_emulator)")

RUN = (
    README_SENS,
    README_NHN,
    INDEX_SEND,
    NEUTRAL_GATEWAYS,
    NEUTRAL_SENDING,
    NEUTRAL_OTHER_OPERATIONS,
    BULK_STREAM,
    BULK_QUEUE,
    BULK_CANCELLED,
    HTTP_SHARED_CLIENT,
    HTTP_RETRY_STRATEGY,
    PROVIDERS_SENS,
    PROVIDERS_NHN,
    SENS_CLIENT,
    NHN_CLIENT,
    EMULATOR_IN_TESTS,
    TESTING_FAKE,
    TESTING_CLOCK,
    TESTING_DELIVERY,
    TESTING_EMULATOR,
)
"""Every block a test below runs."""

NOT_RUN: dict[tuple[str, str], str] = {}
"""Blocks that are not runnable (a settings file, a fragment of another language), each with
the reason; none today: every block above runs."""


def block(page: str, containing: str) -> str:
    (found,) = [found for found in python_blocks(page) if containing in found]
    return found


def test_every_python_block_of_the_docs_is_run_or_excluded_with_a_reason() -> None:
    pages = ["README.md", *sorted(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))]
    named = [*RUN, *NOT_RUN]
    unclaimed = [
        f"{page}: {found.splitlines()[0]}"
        for page in pages
        for found in python_blocks(page)
        if not any(page == named_page and marker in found for named_page, marker in named)
    ]
    assert unclaimed == []
    for page, marker in named:
        block(page, marker)  # each names exactly one block


async def run_block(code: str, namespace: dict[str, Any], *, where: str) -> dict[str, Any]:
    """Runs ``code`` in ``namespace`` as ``python -m asyncio`` runs what is pasted into it:
    top-level ``await``, ``async with`` and ``async for`` are awaited in the running loop."""
    compiled = compile(code, where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(compiled, namespace)
    if asyncio.iscoroutine(result):
        await result
    return namespace


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    """One emulator for the module: each test starts from an empty ledger."""
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def server(emulator: EmulatorServer) -> EmulatorServer:
    emulator.ledger.clear()
    return emulator


SENS_KEYS = {"access_key": DEMO_SENS_ACCESS_KEY, "secret_key": DEMO_SENS_SECRET_KEY, "service_id": DEMO_SENS_SERVICE_ID}
NHN_KEYS = {"app_key": DEMO_NHN_APP_KEY}


def on_the_emulator(cls: type[Any], keys: dict[str, str], default_urls: set[str], server: EmulatorServer) -> Any:
    """``cls`` as the docs call it, with the emulator's keys for the ones written and its URL.

    Only keys a block writes are replaced, so a block that leaves a required one out still
    fails; a ``base_url`` it writes must be one the provider documents."""

    def make(**arguments: Any) -> Any:
        assert arguments.get("base_url", next(iter(default_urls))) in default_urls, arguments["base_url"]
        replaced = {name: keys[name] for name in keys if name in arguments}
        return cls(**{**arguments, **replaced, "base_url": server.base_url})

    return make


@pytest.fixture
def emulated(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    """``from krsms import SensGateway`` (and the other gateways and clients the docs make)
    gives the real class, on the emulator."""
    sens_urls = {krsms.sens.DEFAULT_BASE_URL}
    nhn_urls = {krsms.nhn.DEFAULT_BASE_URL, krsms.nhn.NHN_CLOUD_BASE_URL}
    monkeypatch.setattr(krsms, "SensGateway", on_the_emulator(SensGateway, SENS_KEYS, sens_urls, server))
    monkeypatch.setattr(krsms, "NhnGateway", on_the_emulator(NhnGateway, NHN_KEYS, nhn_urls, server))
    monkeypatch.setattr(krsms.sens, "SensClient", on_the_emulator(krsms.sens.SensClient, SENS_KEYS, sens_urls, server))
    monkeypatch.setattr(krsms.nhn, "NhnClient", on_the_emulator(krsms.nhn.NhnClient, NHN_KEYS, nhn_urls, server))
    return server


def counts(**by_status: int) -> dict[SendStatus, int]:
    """What ``report.counts()`` gives: every status, 0 where none."""
    return {status: by_status.get(status.name.lower(), 0) for status in SendStatus}


class Printed:
    """Stands for ``print`` in a block: keeps each line as print would write it."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, *values: object, sep: str = " ", end: str = "\n") -> None:
        self.lines.append(sep.join(map(str, values)))


def test_readme_sens_send_prints_one_accepted_line_per_recipient_in_input_order(emulated: EmulatorServer) -> None:
    printed = Printed()
    exec(block(*README_SENS), {"print": printed})  # its own asyncio.run: a plain function

    assert [line.split()[:2] for line in printed.lines] == [["01012345678", "accepted"], ["01087654321", "accepted"]]
    assert all(len(line.split()) == 3 for line in printed.lines)  # and the request id to look it up by
    assert [(delivery.recipient, delivery.text) for delivery in emulated.ledger] == [
        ("01012345678", "안녕하세요"),
        ("01087654321", "홍길동님, 안녕하세요"),
    ]


async def test_readme_nhn_campaign_prints_the_counts_of_each_batch_of_up_to_1000(emulated: EmulatorServer) -> None:
    printed = Printed()
    namespace = await run_block(block(*README_NHN), {"print": printed}, where="README.md")

    await namespace["campaign"](numbers(2500))

    assert sorted(printed.lines) == sorted(str(counts(accepted=size)) for size in (1000, 1000, 500))
    assert len(emulated.ledger) == 2500
    assert {delivery.text for delivery in emulated.ledger} == {"이번 주 특가 안내"}


async def test_index_send_prints_the_counts_of_the_report(emulated: EmulatorServer) -> None:
    printed = Printed()
    await run_block(block(*INDEX_SEND), {"print": printed}, where="docs/index.md")

    assert printed.lines == [str(counts(accepted=1))]
    assert [delivery.recipient for delivery in emulated.ledger] == ["01012345678"]


async def test_neutral_api_gateways_are_made_with_the_defaults_they_show(emulated: EmulatorServer) -> None:
    """The block lists the gateways' settings: each value it writes is the default."""
    code = block(*NEUTRAL_GATEWAYS)
    namespace = await run_block(code, {}, where="docs/neutral-api.md")

    assert isinstance(namespace["sens"], SensGateway)
    assert isinstance(namespace["nhn"], NhnGateway)
    classes = {"SensGateway": SensGateway, "NhnGateway": NhnGateway}
    calls = [
        node for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    assert sorted(call.func.id for call in calls if isinstance(call.func, ast.Name)) == sorted(classes)
    for call in calls:
        assert isinstance(call.func, ast.Name)
        parameters = inspect.signature(classes[call.func.id]).parameters
        shown = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
        with_defaults = [name for name in shown if parameters[str(name)].default is not inspect.Parameter.empty]
        assert {name: shown[name] for name in with_defaults} == {
            name: parameters[str(name)].default for name in with_defaults
        }


SEOUL = ZoneInfo("Asia/Seoul")


def gateway_for(provider: str, server: EmulatorServer) -> Any:
    """The ``gateway`` a neutral-API block continues with."""
    if provider == "sens":
        return sens_gateway_for(server)
    if provider == "nhn":
        return nhn_gateway_for(server)
    return FakeGateway()


@pytest.mark.parametrize("provider", ["sens", "nhn", "fake"])
async def test_neutral_api_sending_gives_one_outcome_per_recipient(provider: str, server: EmulatorServer) -> None:
    recipients = list(numbers(150))
    message = Message(sender="0212345678", text="안녕하세요", recipients=recipients)
    async with gateway_for(provider, server) as gateway:
        namespace = await run_block(
            block(*NEUTRAL_SENDING), {"gateway": gateway, "message": message}, where="docs/neutral-api.md"
        )

    report = namespace["report"]
    assert [outcome.recipient.number for outcome in report.outcomes] == recipients  # in input order
    assert report.counts() == counts(accepted=150)
    assert len(report.request_ids) == (1 if provider == "nhn" else 2)  # NHN takes 1,000 a request, the others 100


@pytest.mark.parametrize("provider", ["sens", "nhn", "fake"])
async def test_neutral_api_other_operations_upload_look_up_and_cancel(provider: str, server: EmulatorServer) -> None:
    """Of a reservation not yet due, as the page's table says: SENS lists no results, NHN and
    the fake one PENDING a recipient; then it is cancelled."""
    from krsms.commands.demo import coupon_jpeg

    async with gateway_for(provider, server) as gateway:
        reservation = Message(
            sender="0212345678",
            text="예약 안내",
            recipients=["010-1234-5678"],
            reserve_at=datetime.now(SEOUL) + timedelta(hours=1),
        )
        (request_id,) = (await gateway.send(reservation)).request_ids
        namespace = await run_block(
            block(*NEUTRAL_OTHER_OPERATIONS),
            {"gateway": gateway, "jpeg_bytes": coupon_jpeg(), "request_id": request_id},
            where="docs/neutral-api.md",
        )
        with pytest.raises(krsms.NotFoundError):  # cancelled: it no longer waits
            await gateway.cancel_reservation(request_id)

    image = namespace["image"]
    assert isinstance(image, krsms.UploadedImage)
    if provider == "sens":  # each content its own name, kept 6 days; a reservation lists nothing
        assert re.fullmatch(r"coupon-[0-9a-f]+\.jpg", image.file_name)
        assert image.expires_at is not None
        assert namespace["results"] == []
    else:
        assert [result.status for result in namespace["results"]] == [krsms.DeliveryStatus.PENDING]
    if provider == "nhn":  # under its name, with no expiry
        assert image.file_name == "coupon.jpg"
        assert image.expires_at is None
    if provider != "fake":
        assert [delivery.status for delivery in server.ledger] == ["cancelled"]


async def test_bulk_stream_sends_a_file_read_by_a_generator_and_closes_it(
    server: EmulatorServer, tmp_path: Path
) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"{number}\n" for number in numbers(2500)), encoding="utf-8")
    closed: list[str] = []
    written: list[Any] = []

    def read_numbers(name: str) -> Iterator[str]:
        with open(tmp_path / name, encoding="utf-8") as lines:
            try:
                yield from (line.strip() for line in lines)
            finally:
                closed.append(name)

    async with nhn_gateway_for(server) as nhn:
        await run_block(
            block(*BULK_STREAM),
            {"nhn": nhn, "read_numbers": read_numbers, "write_results": written.extend},
            where="docs/bulk.md",
        )

    assert [outcome.status for outcome in written] == [SendStatus.ACCEPTED] * 2500
    assert closed == ["numbers.txt"]
    assert {delivery.text for delivery in server.ledger} == {"[krsms] 이벤트 안내"}


def queued(count: int, *, end: bool) -> asyncio.Queue[Recipient | None]:
    queue: asyncio.Queue[Recipient | None] = asyncio.Queue()
    for number in numbers(count):
        queue.put_nowait(Recipient(number=number))
    if end:
        queue.put_nowait(None)
    return queue


async def test_bulk_queue_consumer_ends_with_the_none_its_producer_puts(server: EmulatorServer) -> None:
    saved: list[SendReport] = []
    namespace = await run_block(block(*BULK_QUEUE), {"save": saved.append}, where="docs/bulk.md")
    template = Message(sender="15446859", text="[krsms] 이벤트 안내")

    async with nhn_gateway_for(server) as nhn:
        progress = await namespace["send_from_queue"](nhn, template, queued(2500, end=True))

    assert isinstance(progress, SendProgress)
    assert progress.error is None
    assert dict(progress.counts) == counts(accepted=2500)
    assert sum(len(batch.outcomes) for batch in saved) == 2500
    assert len(server.ledger) == 2500


async def test_bulk_queue_consumer_ends_after_a_fatal_stop_with_what_was_queued_not_sent(
    server: EmulatorServer,
) -> None:
    """No ``None`` from the producer: the block's ``on_batch`` ends the source once the send stopped."""
    saved: list[SendReport] = []
    namespace = await run_block(block(*BULK_QUEUE), {"save": saved.append}, where="docs/bulk.md")
    template = Message(sender="15446859", text="[krsms] 이벤트 안내")
    queue = queued(2500, end=False)

    async with NhnGateway(app_key="an-unknown-app-key", base_url=server.base_url) as nhn:
        # A source left open would wait for ever (asyncio.timeout is 3.11's; krsms supports 3.10).
        progress = await asyncio.wait_for(namespace["send_from_queue"](nhn, template, queue), 30)

    assert isinstance(progress.error, krsms.nhn.NhnAuthenticationError)
    assert progress.counts[SendStatus.REJECTED] + progress.counts[SendStatus.NOT_SENT] == 2500
    stopped = [outcome for batch in saved for outcome in batch.outcomes if outcome.status is SendStatus.NOT_SENT]
    assert stopped
    assert {outcome.code for outcome in stopped} == {krsms.fanout.JOB_STOPPED}
    assert len(server.ledger) == 0

    for number in ["01000000001", "01000000002", None]:  # the queue's next consumer, once the keys are fixed
        queue.put_nowait(None if number is None else Recipient(number=number))
    async with nhn_gateway_for(server) as nhn:
        progress = await namespace["send_from_queue"](nhn, template, queue)
    assert dict(progress.counts) == counts(accepted=2)
    assert queue.empty()


async def test_bulk_progress_prints_settled_of_total_as_each_batch_settles(server: EmulatorServer) -> None:
    printed = Printed()
    message = Message(sender="0212345678", text="안녕하세요", recipients=list(numbers(250)))
    async with sens_gateway_for(server) as gateway:  # 100 a request
        namespace = await run_block(
            block(*BULK_CANCELLED),
            {
                "asyncio": asyncio,
                "SendProgress": SendProgress,
                "gateway": gateway,
                "message": message,
                "print": printed,
            },
            where="docs/bulk.md",
        )

    assert len(printed.lines) == 3  # a line a batch; they finish in any order, the last with every recipient
    assert all(line.endswith(" / 250") for line in printed.lines)
    assert printed.lines[-1] == "250 / 250"
    assert namespace["report"].counts() == counts(accepted=250)


async def test_bulk_progress_keeps_a_complete_report_when_the_send_is_cancelled() -> None:
    message = Message(sender="0212345678", text="안녕하세요", recipients=list(numbers(250)))
    gateway = FakeGateway(batch_size=100, max_concurrency=1, latency=0.01)

    def cancel_after_the_first_batch(*_: object) -> None:
        sending.cancel()

    namespace: dict[str, Any] = {
        "asyncio": asyncio,
        "SendProgress": SendProgress,
        "gateway": gateway,
        "message": message,
        "print": cancel_after_the_first_batch,
    }
    sending = asyncio.ensure_future(run_block(block(*BULK_CANCELLED), namespace, where="docs/bulk.md"))
    with pytest.raises(asyncio.CancelledError):
        await sending

    report = namespace["report"]  # "complete: every recipient has one outcome"
    assert sorted(report.outcomes.indexes) == list(range(250))
    assert report.counts()[SendStatus.ACCEPTED] >= 100  # the batch whose report cancelled the send
    assert report.cancelled


async def test_http_one_shared_client_serves_both_gateways_and_stays_open(emulated: EmulatorServer) -> None:
    import httpx

    namespace = await run_block(
        block(*HTTP_SHARED_CLIENT),
        {"httpx": httpx, "SensGateway": krsms.SensGateway, "NhnGateway": krsms.NhnGateway},
        where="docs/http.md",
    )
    http = namespace["http"]
    try:
        async with namespace["sens"] as sens, namespace["nhn"] as nhn:
            for gateway in (sens, nhn):
                report = await gateway.send(Message(sender="0212345678", text="안녕하세요", recipients=["01012345678"]))
                assert report.counts() == counts(accepted=1)
        assert not http.is_closed  # "borrows your httpx.AsyncClient, never closed by krsms"
    finally:
        await http.aclose()
    assert sorted(delivery.provider for delivery in emulated.ledger) == ["nhn", "sens"]


@contextlib.asynccontextmanager
async def faults(server: EmulatorServer, **settings: object) -> AsyncIterator[None]:
    """The module's emulator with these faults for the block, and none after it."""
    import httpx

    async with httpx.AsyncClient(base_url=server.base_url) as inspection:
        (await inspection.put("/_emulator/faults", json=settings)).raise_for_status()
        try:
            yield
        finally:
            (await inspection.put("/_emulator/faults", json={})).raise_for_status()


async def sens_requests(server: EmulatorServer) -> int:
    import httpx

    async with httpx.AsyncClient(base_url=server.base_url) as inspection:
        return int((await inspection.get("/_emulator/stats")).json().get("sens.requests", 0))


async def test_http_a_retry_strategy_of_your_own_is_asked_as_the_page_says(server: EmulatorServer) -> None:
    namespace = await run_block(block(*HTTP_RETRY_STRATEGY), {}, where="docs/http.md")
    strategy = namespace["PatientWithLookups"]()

    assert [strategy.backoff(attempt) for attempt in (1, 2, 5)] == [2.0, 4.0, 30.0]
    assert strategy.backoff(1, retry_after=3.0) == 3.0
    assert strategy.should_retry(attempt=1, idempotent=True, status_code=503)
    assert strategy.should_retry(attempt=5, idempotent=True, error=krsms.errors.ConnectError("refused"))
    assert not strategy.should_retry(attempt=6, idempotent=True, status_code=503)
    # The transport waits what backoff says: a Retry-After longer than the strategy waits gives up.
    assert strategy.should_retry(attempt=1, idempotent=True, status_code=503, retry_after=30.0)
    assert not strategy.should_retry(attempt=1, idempotent=True, status_code=503, retry_after=3600.0)
    # Through a gateway: a send is never retried, not even a 429 the default policy retries.
    before = await sens_requests(server)
    async with faults(server, rate_limit_rate=1.0), sens_gateway_for(server, retry=strategy) as sens:
        report = await sens.send(Message(sender="0212345678", text="안녕하세요", recipients=["01012345678"]))
    assert report.counts() == counts(not_sent=1)
    assert await sens_requests(server) == before + 1


@pytest.mark.parametrize(
    ("where", "environment"),
    [
        (
            PROVIDERS_SENS,
            {"NCP_ACCESS_KEY": "from-env", "NCP_SECRET_KEY": "from-env", "NCP_SENS_SERVICE_ID": "from-env"},
        ),
        (PROVIDERS_NHN, {"NHN_SMS_APP_KEY": "from-env"}),
    ],
    ids=["sens", "nhn"],
)
async def test_providers_gateway_made_from_the_environment_sends(
    where: tuple[str, str], environment: dict[str, str], emulated: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NHN_SMS_SECRET_KEY", raising=False)
    namespace = await run_block(block(*where), {}, where=where[0])

    async with namespace.get("sens") or namespace["nhn"] as gateway:
        report = await gateway.send(Message(sender="0212345678", text="안녕하세요", recipients=["01012345678"]))
    assert report.counts() == counts(accepted=1)


async def test_sens_client_sends_and_iterates_the_request_s_messages(emulated: EmulatorServer) -> None:
    printed = Printed()
    await run_block(block(*SENS_CLIENT), {"print": printed}, where="docs/sens.md")

    assert [line.split()[0] for line in printed.lines] == ["01012345678"]
    assert [delivery.text for delivery in emulated.ledger] == ["안녕하세요"]


async def test_nhn_client_sends_and_iterates_the_request_s_messages(emulated: EmulatorServer) -> None:
    printed = Printed()
    await run_block(block(*NHN_CLIENT), {"print": printed}, where="docs/nhn.md")

    assert [line.split()[0] for line in printed.lines] == ["01012345678"]
    assert [delivery.text for delivery in emulated.ledger] == ["안녕하세요"]


async def test_emulator_in_tests_serves_a_gateway_of_the_demo_keys() -> None:
    """The block's own emulator, on another free port; its ``...`` sends nothing."""
    namespace = await run_block(block(*EMULATOR_IN_TESTS), {}, where="docs/emulator.md")

    assert len(namespace["server"].ledger) == 0
    assert isinstance(namespace["sens"], SensGateway)


async def send_coupons(gateway: krsms.SmsGateway, recipients: list[str]) -> SendReport:
    """The application code docs/testing.md's test exercises."""
    return await gateway.send(Message(sender="15446859", text="쿠폰이 도착했습니다", recipients=recipients))


async def test_testing_fake_gateway_test_passes_and_its_hooks_give_the_outcomes_they_say() -> None:
    namespace = await run_block(block(*TESTING_FAKE), {"send_coupons": send_coupons}, where="docs/testing.md")

    await namespace["test_coupon_campaign_reports_refused_numbers"]()
    refused = await send_coupons(FakeGateway(on_request=namespace["refuse_connection"]), ["010-0000-0001"])
    assert refused.counts() == counts(not_sent=1)  # "never reached the provider: NOT_SENT"
    lost = await send_coupons(namespace["gateway"], ["010-0000-0001"])  # the last one: on_answer
    assert lost.counts() == counts(unknown=1)  # "arrived: UNKNOWN"
    assert namespace["gateway"].sent_to() == ["01000000001"]  # "runs after it was recorded"


async def send_login_code(gateway: krsms.SmsGateway, number: str) -> SendReport:
    """The application code docs/testing.md's delivery test exercises."""
    return await gateway.send(Message(sender="15446859", text="인증번호 123456", recipients=[number]))


async def test_testing_set_delivery_test_passes() -> None:
    namespace = await run_block(block(*TESTING_DELIVERY), {"send_login_code": send_login_code}, where="docs/testing.md")

    await namespace["test_a_failed_code_falls_back_to_a_voice_call"]()


async def test_testing_clock_holds_a_reservation_until_the_fake_clock_reaches_it() -> None:
    await run_block(block(*TESTING_CLOCK), {}, where="docs/testing.md")  # its asserts are the check


async def send_welcome(nhn: krsms.SmsGateway, number: str) -> None:
    """The application code docs/testing.md's emulator test exercises."""
    await nhn.send(Message(sender="15446859", text="가입을 환영합니다", recipients=[number]))


async def test_testing_emulator_test_passes_against_the_fixture_s_emulator(server: EmulatorServer) -> None:
    namespace = await run_block(block(*TESTING_EMULATOR), {"send_welcome": send_welcome}, where="docs/testing.md")

    await namespace["test_welcome_message"](server)
