"""Recipient files in, results files out, and what --resume skips."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from krsms import Recipient, RecipientOutcome, SendStatus, ValidationError
from krsms.commands.files import ResultsFile, read_recipients, recipients_in, settled_references


async def test_a_text_file_gives_one_recipient_per_line_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("# campaign\n010-0000-0001\n\n01000000002\n", encoding="utf-8")
    recipients = [recipient async for recipient in read_recipients(path)]
    assert recipients == [
        Recipient(number="010-0000-0001", reference="2"),
        Recipient(number="01000000002", reference="4"),
    ]


def test_a_csv_file_carries_text_subject_and_template_parameters(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("phone,text,name,coupon\n01000000001,안녕,철수,A1\n01000000002,,영희,\n", encoding="utf-8")
    first, second = recipients_in(path)
    assert first == Recipient(
        number="01000000001", text="안녕", template_parameters={"name": "철수", "coupon": "A1"}, reference="2"
    )
    assert second.text is None
    assert second.template_parameters == {"name": "영희"}


def test_a_csv_without_a_number_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("name\n철수\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no number column"):
        list(recipients_in(path))


async def test_large_files_are_read_in_chunks_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"010{index:08d}\n" for index in range(2500)), encoding="utf-8")
    references = [recipient.reference async for recipient in read_recipients(path, skip=frozenset({"7"}))]
    assert len(references) == 2499
    assert "7" not in references


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
async def test_results_are_appended_and_resume_skips_what_settled(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"results{suffix}"

    def outcome(reference: str, status: SendStatus) -> RecipientOutcome:
        return RecipientOutcome(
            recipient=Recipient(number="01000000001", reference=reference), status=status, request_id="r1"
        )

    async with ResultsFile(path) as results:
        await results.write((outcome("2", SendStatus.ACCEPTED), outcome("3", SendStatus.NOT_SENT)))
    async with ResultsFile(path) as results:  # a second run appends
        await results.write((outcome("4", SendStatus.UNKNOWN), outcome("5", SendStatus.REJECTED)))
    assert settled_references(path) == {"2", "4", "5"}
    if suffix == ".csv":
        assert path.read_text(encoding="utf-8").count("reference,number") == 1
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert [row["status"] for row in rows] == ["accepted", "not_sent", "unknown", "rejected"]


async def test_a_write_cancelled_midway_still_lands_in_the_file(tmp_path: Path) -> None:
    """Ctrl-C while a settled batch is being written must not lose it (``--resume`` would
    send it again)."""
    path = tmp_path / "results.jsonl"
    outcomes = tuple(
        RecipientOutcome(recipient=Recipient(number="01000000001", reference=str(row)), status=SendStatus.ACCEPTED)
        for row in range(1000)
    )
    async with ResultsFile(path) as results:
        writing = asyncio.create_task(results.write(outcomes))
        await asyncio.sleep(0)
        writing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writing
        await results.write(outcomes[:1])
    references = [json.loads(line)["reference"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert references == [str(row) for row in range(1000)] + ["0"]
