"""Recipient files in, results files out, and what --resume skips."""

from __future__ import annotations

import asyncio
import codecs
import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from rich.console import Console

from krsms import Message, Recipient, RecipientOutcome, SendStatus, ValidationError
from krsms.commands.bad_files import BadFileError
from krsms.commands.campaigns import Campaign, campaign_path, check_same_campaign, record_campaign
from krsms.commands.recipient_files import (
    carries_text,
    check_recipients_path,
    number_column,
    parameter_columns,
    read_recipients,
    recipients_in,
)
from krsms.commands.results.checks import check_results_path
from krsms.commands.results.files import ResultsFile
from krsms.commands.results.journal import IN_FLIGHT, SendJournal, in_flight_recipients, journal_path, recover_in_flight
from krsms.commands.results.lock import exclusive_use
from krsms.commands.results.reading import settled_recipients
from krsms.commands.results.rows import RESULT_FIELDS
from krsms.commands.send import send_file
from krsms.commands.settled import SettledRecipients
from krsms.testing import FakeGateway


async def test_a_text_file_gives_one_recipient_per_line_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("# campaign\n010-0000-0001\n\n01000000002\n", encoding="utf-8")
    recipients = [recipient async for recipient in read_recipients(path)]
    assert recipients == [recipient async for recipient in read_recipients(str(path))]  # as docs/bulk.md writes it
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
    assert second.template_parameters == {"name": "영희", "coupon": ""}  # an empty cell fills ##coupon## with nothing


def test_a_quote_never_closed_refuses_the_file_instead_of_swallowing_the_rows_after_it(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    rows = "".join(f"010000000{row:02d},안내\n" for row in range(3, 20))
    path.write_text('number,text\n01000000001,안녕\n01000000002,"VIP 고객님 안내\n' + rows, encoding="utf-8")
    with pytest.raises(BadFileError, match="the quote opened on line 3 is never closed"):
        list(recipients_in(path))


def test_a_pipe_is_refused_as_a_recipients_file(tmp_path: Path) -> None:
    with pytest.raises(BadFileError, match="not a regular file"):
        check_recipients_path(Path("/dev/stdin") if Path("/dev/stdin").exists() else tmp_path)
    with pytest.raises(BadFileError):
        check_recipients_path(tmp_path / "missing.csv")


def test_a_csv_without_a_number_column_is_refused_naming_the_accepted_names(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("name,tel\n철수,01012345678\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no number column") as refused:
        list(recipients_in(path))
    assert "number, phone" in str(refused.value)
    assert "전화번호" in str(refused.value)
    assert "(its columns: name, tel)" in str(refused.value)


@pytest.mark.parametrize(
    "column", ["전화번호", "휴대폰 번호", "연락처", "Phone Number", "MOBILE", "phone-number", "휴대전화", "HP", "hp"]
)
def test_the_number_column_may_have_a_korean_or_spaced_name(tmp_path: Path, column: str) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text(f"이름,{column}\n철수,010-1234-5678\n", encoding="utf-8")
    [recipient] = recipients_in(path, template_parameters=True)
    assert recipient.number == "010-1234-5678"
    assert recipient.template_parameters == {"이름": "철수"}


def test_a_mobile_number_column_is_chosen_over_a_landline_one(tmp_path: Path) -> None:
    """A common Korean customer export: a landline 전화번호 before the 휴대폰번호."""
    path = tmp_path / "customers.csv"
    path.write_text("이름,전화번호,휴대폰번호\n홍길동,02-1234-5678,010-1111-2222\n", encoding="utf-8")
    assert number_column(path) == ("휴대폰번호", ["전화번호"])
    [recipient] = recipients_in(path, template_parameters=True)
    assert recipient == Recipient(
        number="010-1111-2222", template_parameters={"이름": "홍길동", "전화번호": "02-1234-5678"}, reference="2"
    )
    [recipient] = recipients_in(path, template_parameters=False, number_column="전화번호")
    assert recipient.number == "02-1234-5678"


@pytest.mark.parametrize("header", ["전화번호,연락처", "휴대폰,HP", "phone,휴대폰,핸드폰"])
def test_several_number_columns_without_one_mobile_among_them_are_refused(tmp_path: Path, header: str) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(f"{header}\n", encoding="utf-8")
    for found in (lambda: number_column(path), lambda: list(recipients_in(path))):
        with pytest.raises(ValidationError) as refused:
            found()
        assert str(refused.value) == (
            f"recipients file: customers.csv has several number columns ({header.replace(',', ', ')}): "
            "name the one to send to with --number-column"
        )
    column = header.split(",")[1]
    assert number_column(path, column.lower()) == (column, [])


def test_a_number_column_chosen_among_names_that_match_alike_is_the_one_written_so(tmp_path: Path) -> None:
    """Two columns whose names differ only in spacing or case match --number-column alike:
    the one written exactly as given is read; given in neither form, the choice stays refused."""
    path = tmp_path / "customers.csv"
    path.write_text("휴대폰번호,휴대폰 번호\n010-1111-2222,010-3333-4444\n", encoding="utf-8")
    assert number_column(path, "휴대폰 번호") == ("휴대폰 번호", [])
    [recipient] = recipients_in(path, template_parameters=False, number_column="휴대폰 번호")
    assert recipient.number == "010-3333-4444"
    assert number_column(path, "휴대폰번호") == ("휴대폰번호", [])
    with pytest.raises(ValidationError) as refused:
        number_column(path, "휴대폰_번호")
    assert str(refused.value) == (
        "number_column: customers.csv has more than one column '휴대폰_번호' (its columns: 휴대폰번호, 휴대폰 번호)"
    )


def test_a_number_column_chosen_must_be_one_of_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("이름,전화번호\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        number_column(path, "휴대폰")
    assert str(refused.value) == "number_column: customers.csv has no column '휴대폰' (its columns: 이름, 전화번호)"
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("01011112222\n", encoding="utf-8")
    assert number_column(numbers) is None
    with pytest.raises(ValidationError) as refused:
        number_column(numbers, "휴대폰")
    assert str(refused.value) == (
        "number_column: numbers.txt is not a CSV file: it has one number a line, and no column '휴대폰' to choose"
    )


async def test_large_files_are_read_in_chunks_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("".join(f"010{index:08d}\n" for index in range(2500)), encoding="utf-8")
    skip = frozenset({("7", "01000000006")})
    references = [recipient.reference async for recipient in read_recipients(path, skip=skip)]
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
    assert settled_recipients(path) == {("2", "01000000001"), ("4", "01000000001"), ("5", "01000000001")}
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


def write_results(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """A results CSV of (reference, number, status, request_id) rows."""
    lines = [",".join(RESULT_FIELDS)] + [
        f"{reference},{number},{status},{request_id},," for reference, number, status, request_id in rows
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


async def test_resume_skips_a_recipient_only_when_reference_and_number_both_match(tmp_path: Path) -> None:
    """Another campaign's results, or a recipients file edited between runs, share line
    numbers but not numbers: those recipients are sent, not skipped."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("010-1000-0001\n01010000002\n+82 10-1000-0003\nnot-a-number\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    write_results(
        results,
        [
            ("1", "01010000001", "accepted", "r1"),  # same line, same number (normalised): skipped
            ("2", "01020000002", "accepted", "r1"),  # same line, another number: sent
            ("3", "01010000003", "accepted", "r1"),  # +82 form of the same number: skipped
            ("9", "01010000002", "accepted", "r1"),  # the number, on another line: sent
        ],
    )
    settled = settled_recipients(results)
    sent = [recipient.reference async for recipient in read_recipients(recipients, skip=settled)]
    assert sent == ["2", "4"]


def test_resume_retries_rejections_the_provider_never_processed(tmp_path: Path) -> None:
    """REJECTED without a request id is a whole request refused before processing (bad keys):
    safe and right to try again. With one, the provider refused that recipient: skipped."""
    results = tmp_path / "results.csv"
    write_results(
        results,
        [
            ("1", "01010000001", "accepted", "r1"),
            ("2", "01010000002", "unknown", ""),
            ("3", "01010000003", "rejected", "r2"),
            ("4", "01010000004", "rejected", ""),
            ("5", "01010000005", "not_sent", ""),
        ],
    )
    assert {reference for reference, _ in settled_recipients(results)} == {"1", "2", "3"}


def test_csv_references_are_the_line_each_row_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text(
        'number,name\r\n01011112222,a\r\n\r\n010-1111-3333,b\r\n"01011114444","two\r\nlines"\r\n01011115555,c\r\n',
        encoding="utf-8",
    )
    assert [(recipient.reference, recipient.number) for recipient in recipients_in(path)] == [
        ("2", "01011112222"),
        ("4", "010-1111-3333"),
        ("5", "01011114444"),
        ("7", "01011115555"),
    ]


def test_rows_of_empty_cells_are_blank_lines_not_recipients(tmp_path: Path) -> None:
    """Excel saves a row whose cells were cleared as bare commas."""
    path = tmp_path / "numbers.csv"
    path.write_text("number,text\r\n01011112222,안녕\r\n,\r\n , \r\n01011113333,\r\n,,\r\n", encoding="utf-8")
    assert [(recipient.reference, recipient.number) for recipient in recipients_in(path)] == [
        ("2", "01011112222"),
        ("5", "01011113333"),
    ]


def test_blank_lines_before_the_header_are_skipped_keeping_each_rows_line(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("\r\n,,\r\nnumber,Text,name\r\n01011112222,안녕,철수\r\n", encoding="utf-8")
    assert number_column(path) == ("number", [])
    assert carries_text(path)
    assert parameter_columns(path) == ["name"]
    [recipient] = recipients_in(path)
    assert recipient == Recipient(
        number="01011112222", text="안녕", template_parameters={"name": "철수"}, reference="4"
    )


def test_columns_the_header_leaves_unnamed_are_dropped_when_empty_and_refused_when_not(tmp_path: Path) -> None:
    """Excel saves trailing empty header cells (``number,name,,``) once a cell to the right of
    the data was touched: they must not become a template parameter named ""."""
    path = tmp_path / "numbers.csv"
    path.write_text("number,name,,\r\n01011112222,철수,,\r\n01011113333,영희\r\n", encoding="utf-8")
    assert parameter_columns(path) == ["name"]
    assert [recipient.template_parameters for recipient in recipients_in(path)] == [{"name": "철수"}, {"name": "영희"}]
    path.write_text("number,name,,\r\n01011112222,철수,,\r\n01011113333,영희,,VIP\r\n", encoding="utf-8")
    with pytest.raises(BadFileError) as refused:
        list(recipients_in(path))
    assert str(refused.value) == (
        f"{path}: line 3: column 4 holds a value, but the header row gives that column no name: name it in the "
        "header (a template parameter's ##key##, say), or clear the column"
    )


def test_a_value_past_the_headers_last_column_is_refused_not_dropped(tmp_path: Path) -> None:
    """A text with a comma left unquoted spills into a column the header does not have: read
    by the header's columns alone, the message would go out cut at the comma."""
    path = tmp_path / "numbers.csv"
    path.write_text("number,text\r\n01011112222,안녕하세요, 고객님\r\n", encoding="utf-8")
    with pytest.raises(BadFileError) as refused:
        list(recipients_in(path))
    assert str(refused.value) == (
        f"{path}: line 2: column 3 holds a value, but the header row names only 2 columns: put a value with a "
        'comma in double quotes ("안녕하세요, 고객님"), or name the column in the header'
    )
    path.write_text('number,text\r\n01011112222,"안녕하세요, 고객님",,\r\n', encoding="utf-8")  # empty: dropped
    [recipient] = recipients_in(path)
    assert recipient.text == "안녕하세요, 고객님"


def test_a_header_naming_two_columns_alike_is_refused_naming_both(tmp_path: Path) -> None:
    """A row would keep only the second column's value: a coupon code sent in place of the
    name, silently."""
    path = tmp_path / "numbers.csv"
    path.write_text("number,name,coupon,name\r\n01011112222,철수,A1,B2\r\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        list(recipients_in(path))
    assert refused.value.problem == (
        "numbers.csv: the header names two columns 'name' (columns 2 and 4): a row could give only one of "
        "them; rename or remove one"
    )


async def test_a_mobile_number_a_spreadsheet_saved_without_its_leading_zero_is_sent_with_it(tmp_path: Path) -> None:
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("1011112222\n1.01111E+09\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    gateway = FakeGateway()
    message = Message(sender="0212345678", text="안녕")
    record = await send_file(
        gateway, message, recipients_path=recipients, results_path=results, resume=False, console=Console(quiet=True)
    )
    assert gateway.sent_to() == ["01011112222"]
    assert record.counts()[SendStatus.NOT_SENT] == 1  # 1.01E+09: its digits are lost


def test_results_saved_by_excel_with_a_bom_are_read(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    write_results(results, [("1", "01010000001", "accepted", "r1")])
    results.write_bytes(codecs.BOM_UTF8 + results.read_bytes())
    assert settled_recipients(results) == {("1", "01010000001")}


def test_mobile_numbers_a_spreadsheet_saved_without_their_leading_zero_still_match(tmp_path: Path) -> None:
    """Excel opens 01012340000 as the number 1012340000 and saves it so."""
    results = tmp_path / "results.csv"
    write_results(
        results,
        [
            ("1", "1012340000", "accepted", "r1"),
            ("2", "1912340001", "unknown", ""),
            ("3", "01012340002", "accepted", "r1"),
            ("4", "212345678", "not_sent", ""),  # a landline without its 0: not settled, so never needed
        ],
    )
    assert settled_recipients(results) == {("1", "01012340000"), ("2", "01912340001"), ("3", "01012340002")}


def test_settled_rows_that_cannot_be_tied_to_a_recipient_refuse_the_resume(tmp_path: Path) -> None:
    """Skipping them is impossible, and sending past them would reach their recipients again."""
    results = tmp_path / "results.csv"
    write_results(
        results,
        [
            ("1", "01010000001", "accepted", "r1"),
            ("2", "5", "not_sent", ""),  # tried again anyway: no need to tie it
            ("3", "1.01E+09", "accepted", "r1"),  # what a spreadsheet shows of a long number
            ("", "01010000004", "unknown", ""),
            ("5", "212345678", "rejected", "r1"),  # a landline without its 0: ambiguous, never guessed
        ],
    )
    with pytest.raises(BadFileError) as refused:
        settled_recipients(results)
    assert str(refused.value) == (
        f"{results}: line 4: a number in scientific notation (1.01E+09, as a spreadsheet shows a long number), its "
        "digits lost; lines 5, 6: settled, but with no reference or no phone number to tie the row to a recipient "
        "(edited, or saved by a spreadsheet that changed the numbers?): resuming would send to those recipients "
        "again; restore the file (a program that edits a results file must read every column as text, pandas: "
        "read_csv(..., dtype=str); a spreadsheet, import them as text), or send the rest with a new --results"
    )


def test_settled_rows_a_program_saved_as_decimals_are_named_with_their_columns(tmp_path: Path) -> None:
    """pandas saves a column of numbers with an empty cell as decimals: the resume was refused
    with the general 'no reference or no phone number', or, for a reference alone (2.0), as
    rows no longer on their line, 'edited since the last run'."""
    results = tmp_path / "results.csv"
    write_results(
        results,
        [
            ("1", "1010000001.0", "accepted", "r1"),
            ("2.0", "01010000002", "accepted", "r1"),
            ("3", "", "not_sent", ""),  # the empty cell that made the column decimals: tried again, untied
            ("4", "1010000004.0", "unknown", ""),
        ],
    )
    with pytest.raises(BadFileError) as refused:
        settled_recipients(results)
    assert str(refused.value) == (
        f"{results}: lines 2, 3, 5: number (1010000001.0) and reference (2.0) written as decimals, as a program "
        "(pandas, say) saves a column it read as numbers: resuming would send to those recipients again; restore "
        "the file (a program that edits a results file must read every column as text, pandas: read_csv(..., "
        "dtype=str); a spreadsheet, import them as text), or send the rest with a new --results"
    )


def test_an_untied_row_of_a_json_lines_results_file_is_named_by_its_line(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    rows = [
        {"reference": "1", "number": "01010000001", "status": "accepted", "request_id": "r1"},
        {"reference": "2", "number": "", "status": "unknown", "request_id": ""},
    ]
    results.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    with pytest.raises(BadFileError, match=r"results.jsonl: line 2: settled, but with no reference"):
        settled_recipients(results)


RESULTS_HEADER = "reference,number,status,request_id,code,detail\r\n"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("results.csv", '{"reference": "1", "number": "01010000001"}\n', "not a krsms results CSV"),
        ("results.jsonl", RESULTS_HEADER + "1,01010000001,accepted,r1,,\r\n", "line 1 is not a JSON object"),
        ("results.jsonl", '{"reference": "1"}\n{"refer\n{"reference": "3"}\n', "line 2 is not a JSON object"),
        ("results.jsonl", '["1", "01010000001"]\n{"reference": "2"}\n', "line 1 is not a JSON object"),
        ("results.csv", RESULTS_HEADER + "1," + "0" * 200_000 + ",accepted,,,\r\n", "not readable as CSV"),
        ("results.csv", RESULTS_HEADER + "1,01010000001,accepted,,,홍길동\r\n", "not UTF-8"),
    ],
)  # fmt: skip
def test_results_files_in_another_format_are_refused_naming_the_file(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("cp949"))
    with pytest.raises(BadFileError, match=problem) as refused:
        settled_recipients(path)
    assert str(refused.value).startswith(f"{path}: ")


def test_a_korean_excel_csv_is_refused_naming_where_and_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_bytes("number,name\n01012345678,Kim\n01012345679,홍길동\n".encode("cp949"))
    with pytest.raises(BadFileError) as refused:
        list(recipients_in(path))
    assert "not UTF-8 text from line 3 (byte offset 42)" in str(refused.value)
    assert "CP949" in str(refused.value)
    assert "CSV UTF-8" in str(refused.value)


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01",
            "a zip archive (an Excel workbook, .xlsx?)",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "an Office document (an Excel 97-2003 workbook, .xls?)"),
        ("number\t이름\r\n01012345678\t홍길동\r\n".encode("utf-16"), "UTF-16 text (Excel's 'Unicode Text'?)"),
    ],
    ids=["xlsx", "xls", "unicode text"],
)
def test_a_spreadsheet_saved_in_another_format_is_refused_saying_what_it_is(
    tmp_path: Path, start: bytes, kind: str
) -> None:
    """Named .csv or not, a workbook is not a text to say the line of: it says what it is."""
    path = tmp_path / "numbers.csv"
    path.write_bytes(start)
    with pytest.raises(BadFileError) as refused:
        list(recipients_in(path))
    assert str(refused.value) == (
        f"{path}: is {kind}, not UTF-8 text: save it as CSV UTF-8 (Excel: 'CSV UTF-8 (Comma delimited)')"
    )


def test_bytes_that_are_neither_utf8_nor_cp949_get_no_cp949_hint(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_bytes(b"01012345678\n\x80\xff\n")
    with pytest.raises(BadFileError) as refused:
        list(recipients_in(path))
    assert "not UTF-8 text from line 2 (byte offset 12); save it as UTF-8" in str(refused.value)
    assert "CP949" not in str(refused.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("number,name\n01012345678,홍길동\n".encode("cp949"), "not UTF-8"),
        (("number,text\n01012345678," + "a" * 200_000 + "\n").encode(), "not readable as CSV"),
    ],
)
def test_unreadable_recipients_files_are_refused_naming_the_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "numbers.csv"
    path.write_bytes(content)
    with pytest.raises(BadFileError, match=problem) as refused:
        list(recipients_in(path))
    assert refused.value.path == path


async def test_a_torn_last_json_line_is_ignored_then_cut_before_appending(tmp_path: Path) -> None:
    """A crash mid-write tears the last line: --resume ignores it, and the rows it appends
    start on a line of their own, so the next --resume reads the file too."""
    path = tmp_path / "results.jsonl"
    rows = [
        {"reference": str(line), "number": f"0101000000{line}", "status": "accepted", "request_id": "r1"}
        for line in (1, 2)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows) + '{"reference": "3", "num', encoding="utf-8")
    assert settled_recipients(path) == {("1", "01010000001"), ("2", "01010000002")}

    async with ResultsFile(path) as results:
        recipient = Recipient(number="01010000003", reference="3")
        await results.write((RecipientOutcome(recipient=recipient, status=SendStatus.ACCEPTED, request_id="r2"),))
    assert [json.loads(line)["reference"] for line in path.read_text(encoding="utf-8").splitlines()] == ["1", "2", "3"]
    assert len(settled_recipients(path)) == 3


async def test_a_csv_row_missing_its_line_end_is_ended_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    write_results(path, [("1", "01010000001", "accepted", "r1")])
    path.write_bytes(path.read_bytes().removesuffix(b"\r\n"))
    async with ResultsFile(path) as results:
        recipient = Recipient(number="01010000002", reference="2")
        await results.write((RecipientOutcome(recipient=recipient, status=SendStatus.ACCEPTED, request_id="r2"),))
    assert settled_recipients(path) == {("1", "01010000001"), ("2", "01010000002")}


async def test_a_csv_torn_inside_a_quoted_field_keeps_the_rows_appended_after_it(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    write_results(path, [("1", "01010000001", "accepted", "r1")])
    with path.open("ab") as torn:
        torn.write(b'2,01010000002,rejected,r1,-2019,"HTTP 400: {""a"", ')
    async with ResultsFile(path) as results:
        recipient = Recipient(number="01010000003", reference="3")
        await results.write((RecipientOutcome(recipient=recipient, status=SendStatus.ACCEPTED, request_id="r2"),))
    assert settled_recipients(path) == {("1", "01010000001"), ("2", "01010000002"), ("3", "01010000003")}


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n", b"\xef\xbb\xbf\r\n  \n"])
async def test_a_results_csv_holding_only_blanks_gets_its_header(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "results.csv"
    path.write_bytes(content)
    async with ResultsFile(path) as results:
        recipient = Recipient(number="01010000001", reference="1")
        await results.write((RecipientOutcome(recipient=recipient, status=SendStatus.ACCEPTED, request_id="r1"),))
    assert path.read_bytes().startswith(codecs.BOM_UTF8 + b"reference,number,status")
    assert settled_recipients(path) == {("1", "01010000001")}


def test_text_and_subject_columns_are_found_whatever_their_case(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("Phone,Text,SUBJECT,name\n01000000001,안녕,제목,철수\n", encoding="utf-8")
    (recipient,) = recipients_in(path)
    assert (recipient.text, recipient.subject, recipient.template_parameters) == ("안녕", "제목", {"name": "철수"})


async def test_a_second_interruption_while_writing_the_last_batches_loses_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C settles the batches in flight; a second one while they are being written (a
    slow disk) must not leave any out of the results file, or --resume sends them again."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("".join(f"0100000{line:04d}\n" for line in range(10)), encoding="utf-8")
    results = tmp_path / "results.csv"
    append = ResultsFile._append

    async def slow_disk(file: Any, text: str, *, after: Any) -> None:
        await asyncio.sleep(0.05)
        await append(file, text, after=after)

    monkeypatch.setattr(ResultsFile, "_append", staticmethod(slow_disk))
    gateway = FakeGateway(batch_size=2, max_concurrency=2, latency=0.5, drain_timeout=5.0)
    sending = asyncio.create_task(
        send_file(
            gateway,
            Message(sender="0212345678", text="안녕"),
            recipients_path=recipients,
            results_path=results,
            resume=False,
            console=Console(quiet=True),
        )
    )
    await asyncio.sleep(0.2)
    sending.cancel()  # Ctrl-C: the two batches in flight drain for 0.3 s more
    await asyncio.sleep(0.32)
    sending.cancel()  # a second Ctrl-C while the settled batches are being written
    with pytest.raises(asyncio.CancelledError):
        await sending
    settled = settled_recipients(results)
    accepted = {number for _, number in settled}
    assert set(gateway.sent_to()) <= accepted


def journal_of(
    results: Path,
    results_size: int | str,
    noted: list[tuple[str, str]],
    torn: str = "",
    *,
    settled: tuple[list[str], ...] = (),
) -> None:
    """The journal a run that was killed leaves beside ``results``: ``noted`` recipients, then
    a marker for each batch of ``settled`` references written."""
    lines = [json.dumps({"results_size": results_size})]
    lines += [json.dumps({"reference": reference, "number": number}) for reference, number in noted]
    lines += [json.dumps({"settled": references}) for references in settled]
    journal_path(results).write_text("\n".join(lines) + "\n" + torn, encoding="utf-8")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
async def test_a_killed_runs_batches_in_flight_are_recorded_unknown_not_resent(tmp_path: Path, suffix: str) -> None:
    results = tmp_path / f"results{suffix}"

    def outcome(reference: str, number: str, status: SendStatus) -> RecipientOutcome:
        return RecipientOutcome(recipient=Recipient(number=number, reference=reference), status=status)

    async with ResultsFile(results) as file:  # an earlier run: line 1 never went out
        await file.write((outcome("1", "01000000001", SendStatus.NOT_SENT),))
    size_when_killed_run_began = results.stat().st_size
    async with ResultsFile(results) as file:  # the killed run settled line 2 only
        await file.write((outcome("2", "01000000002", SendStatus.ACCEPTED),))
    noted = [("1", "01000000001"), ("2", "01000000002"), ("3", "01000000003")]
    journal_of(results, size_when_killed_run_began, noted, torn='{"reference": "4", "num')

    assert recover_in_flight(results) == 2  # line 1 (retried by that run) and line 3
    assert not journal_path(results).exists()
    assert settled_recipients(results) == set(noted)  # --resume sends none of them again
    assert recover_in_flight(results) == 0


async def test_a_journal_whose_start_is_unreadable_counts_every_noted_recipient_unsettled_as_in_flight(
    tmp_path: Path,
) -> None:
    results = tmp_path / "results.csv"
    write_results(results, [("1", "01000000001", "not_sent", ""), ("2", "01000000002", "accepted", "r1")])
    journal_of(results, "?", [("1", "01000000001"), ("2", "01000000002")])
    assert recover_in_flight(results) == 1  # line 1: its not_sent row may be an earlier run's
    rows = results.read_text(encoding="utf-8").splitlines()
    assert rows[-1].startswith("1,01000000001,unknown,,in_flight,")
    assert len(rows) == 4  # the accepted line 2 gets no second row


async def test_a_send_that_ends_settled_leaves_no_journal(tmp_path: Path) -> None:
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("".join(f"0100000{line:04d}\n" for line in range(25)), encoding="utf-8")
    results = tmp_path / "results.csv"
    noted: list[str] = []

    def on_request(request: Any) -> None:
        noted.append(journal_path(results).read_text(encoding="utf-8"))

    gateway = FakeGateway(batch_size=10, max_concurrency=1, on_request=on_request)
    message = Message(sender="0212345678", text="안녕")
    await send_file(
        gateway, message, recipients_path=recipients, results_path=results, resume=False, console=Console(quiet=True)
    )
    # Each request went out with its recipients already in the journal.
    assert [text.count('"number"') for text in noted] == [10, 20, 25]
    assert not journal_path(results).exists()


async def test_notes_of_batches_starting_together_all_reach_the_journal(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    batches = [
        tuple(Recipient(number=f"0100{batch:03d}{row:04d}", reference=str(row)) for row in range(100))
        for batch in range(8)
    ]
    async with ResultsFile(results), SendJournal(results) as journal:
        await asyncio.gather(*(journal.note(batch) for batch in batches))
        lines = journal_path(results).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 800
    assert {json.loads(line)["number"] for line in lines[1:]} == {r.number for batch in batches for r in batch}
    assert not journal_path(results).exists()  # left without an exception: every batch settled


def test_a_new_send_over_a_journal_left_behind_is_refused(tmp_path: Path) -> None:
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01000000001\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    results.write_bytes(b"")  # killed before its first result
    journal_of(results, 0, [("1", "01000000001")])
    with pytest.raises(BadFileError, match="add --resume"):
        check_results_path(results, recipients, resume=False)
    check_results_path(results, recipients, resume=True)


async def test_a_result_row_cut_before_its_status_is_recovered_as_in_flight_once(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    write_results(results, [("1", "01000000001", "accepted", "r1")])
    size = results.stat().st_size
    with results.open("ab") as handle:
        handle.write(b"2,01000000002")  # the kill came mid-row
    journal_of(results, size, [("1", "01000000001"), ("2", "01000000002")])
    assert recover_in_flight(results) == 1
    rows = results.read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[:3] for row in rows[1:]] == [
        ["1", "01000000001", "accepted"],
        ["2", "01000000002", "unknown"],
    ]


async def test_a_run_killed_before_its_first_result_leaves_a_results_file_resume_can_read(tmp_path: Path) -> None:
    results = tmp_path / "results.csv"
    async with ResultsFile(results):
        pass
    assert results.read_bytes() == codecs.BOM_UTF8 + (",".join(RESULT_FIELDS) + "\r\n").encode()  # on disk
    results.write_bytes(b"")  # or the kill came before even that
    journal_of(results, 0, [("1", "01000000001")])
    assert recover_in_flight(results) == 1
    assert settled_recipients(results) == {("1", "01000000001")}


async def test_one_run_at_a_time_holds_a_results_file(tmp_path: Path) -> None:
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01000000001\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    journal_of(results, 0, [("1", "01000000001")])  # as a live run's journal looks to another
    with exclusive_use(results):
        with pytest.raises(BadFileError, match="another krsms send is using it"):
            check_results_path(results, recipients, resume=False)
        with pytest.raises(BadFileError, match="another krsms send is using it"):
            await send_file(
                FakeGateway(),
                Message(sender="0212345678", text="안녕"),
                recipients_path=recipients,
                results_path=results,
                resume=True,
                console=Console(quiet=True),
            )
    assert journal_path(results).exists()  # the other run's journal was left alone


async def test_a_run_checked_before_another_claimed_the_results_file_is_refused_once_it_holds_it(
    tmp_path: Path,
) -> None:
    """Two runs started together on a new results file both pass the command's first check;
    the one that takes the file second must not send to everyone again."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01000000001\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    check_results_path(results, recipients, resume=False)  # the second run's check, before the first sent
    first, second = FakeGateway(), FakeGateway()

    async def send_with(gateway: FakeGateway) -> None:
        await send_file(
            gateway,
            Message(sender="0212345678", text="안녕"),
            recipients_path=recipients,
            results_path=results,
            resume=False,
            console=Console(quiet=True),
        )

    await send_with(first)
    with pytest.raises(BadFileError) as refused:
        await send_with(second)
    assert str(refused.value) == (
        f"{results}: already holds the results of an earlier send: a new campaign needs its own --results; "
        "to finish that send, run the command that started it again with --resume"
    )
    assert (len(first.requests), len(second.requests)) == (1, 0)
    assert [row.split(",")[:3] for row in results.read_text(encoding="utf-8-sig").splitlines()] == [
        ["reference", "number", "status"],
        ["1", "01000000001", "accepted"],
    ]


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        ("3,01000000003,rejected,R-9,-2019,수신 번호 오류", True),  # whole through its request id: ended
        ("3,01000000003,accepted,R-00", False),  # cut inside the request id
        ("3,01000000003,rejected,", False),  # a refusal without its request id would be tried again
        ('3,01000000003,rejected,R-9,-2019,"수신 번', True),  # cut inside a quoted detail
    ],
)
def test_a_torn_csv_row_is_kept_only_when_whole_through_its_request_id(tmp_path: Path, tail: str, kept: bool) -> None:
    results = tmp_path / "results.csv"
    head = ",".join(RESULT_FIELDS) + "\r\n1,01000000001,accepted,R-1,,\r\n"
    results.write_bytes((head + tail).encode())
    journal_of(results, 0, [("3", "01000000003")])
    recover_in_flight(results)
    rows = list(csv.DictReader(results.read_text(encoding="utf-8").splitlines()))
    assert [row["reference"] for row in rows] == ["1", "3"]
    assert (rows[1]["code"] != IN_FLIGHT) is kept


def test_a_csv_row_torn_anywhere_mends_without_an_error(tmp_path: Path) -> None:
    row = "3,01000000003,rejected,R-9,-2019,수신 번호 오류\r\n".encode()
    for cut in range(1, len(row)):  # every byte, inside characters too
        results = tmp_path / f"results-{cut}.csv"
        results.write_bytes((",".join(RESULT_FIELDS) + "\r\n1,01000000001,accepted,R-1,,\r\n").encode() + row[:cut])
        journal_of(results, 0, [("3", "01000000003")])
        recover_in_flight(results)
        assert b"\x00" not in results.read_bytes()
        rows = [line.split(",")[:3] for line in results.read_text(encoding="utf-8").splitlines()[1:]]
        assert rows[0] == ["1", "01000000001", "accepted"]
        assert len(rows) == 2  # line 3 once: its torn row kept and ended, or cut and recorded in flight
        assert rows[1][0] == "3"


async def test_a_journal_left_without_its_results_file_is_recovered_into_a_new_one(tmp_path: Path) -> None:
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01000000001\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    journal_of(results, 0, [("1", "01000000001")])
    check_results_path(results, recipients, resume=True)
    assert recover_in_flight(results) == 1
    assert settled_recipients(results) == {("1", "01000000001")}


async def test_a_run_that_fails_before_noting_any_batch_leaves_no_journal(tmp_path: Path) -> None:
    """Nothing can have been sent, so nothing blocks the next run."""
    results = tmp_path / "results.csv"
    with pytest.raises(OSError, match="source unreadable"):
        async with ResultsFile(results), SendJournal(results):
            raise OSError("source unreadable")
    assert not journal_path(results).exists()

    async def fail_after_a_note() -> None:
        async with ResultsFile(results), SendJournal(results) as journal:
            await journal.note([Recipient(number="01000000001", reference="1")])
            raise OSError("mid-send")

    with pytest.raises(OSError, match="mid-send"):
        await fail_after_a_note()
    assert journal_path(results).exists()  # a batch was noted: it may have been sent


async def test_a_results_file_rewritten_after_a_kill_is_recovered_without_trusting_the_old_offset(
    tmp_path: Path,
) -> None:
    """A run is killed with two batches noted: one written (`not_sent`, to retry), one not.
    Saved again by a spreadsheet (a BOM, lost leading zeros), the file's rows moved, so the
    journal's offset no longer marks where the run's rows begin: the recovery does not read
    from it (which failed mid-character, or misread rows), and records every noted recipient
    without a settled row as in flight, never to be sent twice."""
    results = tmp_path / "results.csv"
    # 41 rows lose a 0 and a BOM comes first: the old offset falls in the second byte of a
    # Hangul character of the killed run's row.
    earlier = [(str(line), f"0101000{line:04d}", "accepted", "R-1") for line in range(1, 42)]
    write_results(results, earlier)
    async with ResultsFile(results), SendJournal(results) as journal:
        noted = [Recipient(number=f"0101000{line:04d}", reference=str(line)) for line in (42, 43)]
        await journal.note(noted)
        killed = journal_path(results).read_bytes()
    journal_path(results).write_bytes(killed)
    with results.open("a", encoding="utf-8", newline="") as handle:
        handle.write("42,01010000042,not_sent,,ConnectError,수신 실패\r\n")
    rewritten = results.read_bytes().decode("utf-8").replace(",0101", ",101")  # its CRLF kept
    results.write_bytes(codecs.BOM_UTF8 + rewritten.encode("utf-8"))
    assert recover_in_flight(results) == 2
    assert not journal_path(results).exists()


async def test_a_new_results_csv_starts_with_a_bom_that_appends_resumes_and_repairs_keep(tmp_path: Path) -> None:
    """Korean Excel reads a CSV without a BOM as CP949, garbling the Korean of ``detail``."""
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01000000001\n01000000002\n01000000003\n", encoding="utf-8")
    results = tmp_path / "results.csv"
    message = Message(sender="0212345678", text="안녕")
    quiet = Console(quiet=True)
    await send_file(
        FakeGateway(), message, recipients_path=recipients, results_path=results, resume=False, console=quiet
    )
    written = results.read_bytes()
    assert written.startswith(codecs.BOM_UTF8 + b"reference,number,status,request_id,code,detail\r\n")
    results.write_bytes(written[: written.rindex(b"\r\n3,") + 6])  # killed mid-row: "3,010"
    journal_of(results, 0, [("3", "01000000003")])
    assert recover_in_flight(results) == 1  # the torn row cut, and line 3 recorded in flight
    gateway = FakeGateway()
    await send_file(gateway, message, recipients_path=recipients, results_path=results, resume=True, console=quiet)
    assert gateway.requests == []
    assert results.read_bytes().count(codecs.BOM_UTF8) == 1
    rows = list(csv.DictReader(results.read_text(encoding="utf-8-sig").splitlines()))
    assert [row["status"] for row in rows] == ["accepted", "accepted", "unknown"]


def test_recovery_keeps_only_the_batches_not_marked_settled(tmp_path: Path) -> None:
    """A batch is marked settled in the journal once its rows are written: recovery keeps only
    the others (what was in flight), and reads the results file only when some are left."""
    results = tmp_path / "results.csv"
    noted = [("1", "01000000001"), ("2", "01000000002"), ("3", "01000000003"), ("4", "01000000004")]
    journal_of(results, 0, noted, settled=(["1", "2"], ["4"]))
    assert in_flight_recipients(results) == [("3", "01000000003")]

    results.write_bytes(b"\x80 not even UTF-8: never read")
    journal_of(results, 0, noted, settled=(["1", "2"], ["3", "4"]))
    assert in_flight_recipients(results) == []


async def test_a_run_interrupted_after_every_noted_batch_was_written_leaves_no_journal(tmp_path: Path) -> None:
    """Ctrl-C after the last batch settled and was written: nothing is in flight, and a journal
    left behind would make the next run refuse, saying batches are in flight."""
    results = tmp_path / "results.csv"
    batch = [Recipient(number="01000000001", reference="1")]
    written = tuple(RecipientOutcome(recipient=each, status=SendStatus.ACCEPTED) for each in batch)

    async def interrupted_after_the_last_write() -> None:
        async with ResultsFile(results) as file, SendJournal(results) as journal:
            await journal.note(batch)
            await file.write(written)
            await journal.settled(written)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await interrupted_after_the_last_write()
    assert not journal_path(results).exists()

    # One such journal left by an earlier version, with no marks: its one batch has its row.
    recipients = tmp_path / "numbers.txt"
    recipients.write_text("01000000001\n01000000002\n", encoding="utf-8")
    other_results = tmp_path / "other.csv"
    write_results(other_results, [])
    journal_of(other_results, other_results.stat().st_size, [("1", "01000000001")])
    write_results(other_results, [("1", "01000000001", "accepted", "r1")])
    with pytest.raises(BadFileError, match="already holds the results of an earlier send"):  # none in flight
        check_results_path(other_results, recipients, resume=False)
    gateway = FakeGateway()
    record = await send_file(
        gateway,
        Message(sender="0212345678", text="안녕"),
        recipients_path=recipients,
        results_path=other_results,
        resume=True,
        console=Console(quiet=True),
    )
    assert (record.recovered, gateway.sent_to()) == (0, ["01000000002"])
    assert not journal_path(other_results).exists()


def test_settled_recipients_are_held_compactly_with_the_status_of_each() -> None:
    settled = SettledRecipients()
    settled.add(("2", "01000000002"), SendStatus.ACCEPTED)
    settled.add(("2", "01000000009"), SendStatus.UNKNOWN)  # a second number on a line
    settled.add(("row-7", "01000000007"), SendStatus.REJECTED)  # a reference that is no line number
    settled.add(("2", "01000000002"), SendStatus.REJECTED)  # the last row of a key is its outcome
    assert settled == {("2", "01000000002"), ("2", "01000000009"), ("row-7", "01000000007")}
    assert [settled.status(key) for key in (("2", "01000000002"), ("row-7", "01000000007"), ("3", "0"))] == [
        SendStatus.REJECTED,
        SendStatus.REJECTED,
        None,
    ]
    assert ("02", "01000000002") not in settled  # line "02" is not line 2


MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("recorded_at", "new_at", "text", "precision", "same"),
    [
        ("2026-03-02T09:30:00+09:00", "2026-03-03T09:30:00+09:00", "안녕", MINUTE, True),  # passed, moved later
        ("2026-03-02T11:30:00+09:00", "2026-03-03T09:30:00+09:00", "안녕", MINUTE, False),  # still ahead
        ("2026-03-02T09:30:00+09:00", "2026-03-02T09:00:00+09:00", "안녕", MINUTE, False),  # moved earlier
        ("2026-03-02T09:30:00+09:00", "2026-03-03T09:30:00+09:00", "다른 글", MINUTE, False),  # and another text
        # 20 s ahead, but passed once cut to the minute, as the send stops for it
        ("2026-03-02T10:00:30+09:00", "2026-03-02T11:00:00+09:00", "안녕", MINUTE, True),
        ("2026-03-02T10:00:30+09:00", "2026-03-02T11:00:00+09:00", "안녕", None, False),  # to the second: ahead
        ("2026-03-02T10:01:00+09:00", "2026-03-02T11:00:00+09:00", "안녕", MINUTE, False),  # the next minute: ahead
    ],
)
def test_only_a_passed_reservation_moved_later_is_the_same_campaign_and_the_check_records_nothing(
    tmp_path: Path, recorded_at: str, new_at: str, text: str, precision: timedelta | None, same: bool
) -> None:
    """Passed as the send takes it (cut to the provider's precision). The check only reads:
    a dry run calls it too, and the resume records the new moment itself."""
    results = tmp_path / "results.csv"
    now = datetime.fromisoformat("2026-03-02T10:00:10+09:00")

    def campaign(reserve_at: str, text: str) -> Campaign:
        return Campaign(provider="sens", sender="0212345678", text=text, subject=None, template_id=None,
                        reserve_at=reserve_at, kind="AUTO", advertisement=False, recipients="/r.csv")  # fmt: skip

    record_campaign(results, campaign(recorded_at, "안녕"))
    recorded = campaign_path(results).read_bytes()
    if same:
        check_same_campaign(results, campaign(new_at, text), precision=precision, now=now)
    else:
        with pytest.raises(BadFileError, match="holds another campaign's results"):
            check_same_campaign(results, campaign(new_at, text), precision=precision, now=now)
    assert campaign_path(results).read_bytes() == recorded


def test_the_campaign_check_leaves_the_kind_out_only_when_asked(tmp_path: Path) -> None:
    """A dry run that could not look its NHN template up does not know the message type."""
    results = tmp_path / "results.csv"
    lms = Campaign(provider="nhn", sender="15446859", text="", subject=None, template_id="T2", reserve_at=None,
                   kind="LMS", advertisement=False, recipients="/r.csv")  # fmt: skip
    record_campaign(results, lms)
    unknown = attrs.evolve(lms, kind="AUTO")
    check_same_campaign(results, unknown, precision=MINUTE, compare_kind=False)
    with pytest.raises(BadFileError, match="message type was 'LMS', now 'AUTO'"):
        check_same_campaign(results, unknown, precision=MINUTE)
    with pytest.raises(BadFileError, match="--text was '', now '다른 글'"):  # the rest is still compared
        check_same_campaign(results, attrs.evolve(unknown, text="다른 글"), precision=MINUTE, compare_kind=False)


def test_every_name_of_one_results_file_shares_its_journal_and_campaign(tmp_path: Path) -> None:
    """Two names of one results file (a symbolic link) share its lock: they share the journal
    of its batches in flight and its campaign too, or a resume through the other name would
    miss what a stopped run had in flight."""
    results = tmp_path / "campaigns" / "out.csv"
    results.parent.mkdir()
    results.write_text("reference,number,status,request_id,code,detail\n", encoding="utf-8")
    other_name = tmp_path / "today.csv"
    other_name.symlink_to(results)
    assert journal_path(other_name) == journal_path(results) == results.with_name("out.csv.sending")
    assert campaign_path(other_name) == campaign_path(results) == results.with_name("out.csv.campaign")
