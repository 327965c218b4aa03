"""Inputs are what their content says, not their name (issue 8): binary refused, HTML in a
.txt read as HTML, UTF-16 decoded; only regular files, a bounded read, one size limit;
and a short article without a headline is analysed whole."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from ita_extract.errors import BinaryInput, InputError, InputTooLarge
from ita_extract.parse import MAX_INPUT_BYTES, MAX_TEXT_CHARS, parse_file, read_input, sniff_kind

SHORT = ("กรมสรรพากร ได้คะแนนการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)"
         " ประจำปีงบประมาณ พ.ศ. 2566 ได้ 96.12 คะแนน อยู่ในระดับ AA")
PAGE = ("<!DOCTYPE html><html><head><title>ข่าวกรมสรรพากรได้รับผลการประเมิน ITA</title>"
        "<script>var tracker = 'ไม่ใช่ข่าว';</script></head><body><h1>ข่าวกรมสรรพากรได้รับผลการประเมิน ITA</h1>"
        f"<p>{SHORT} ซึ่งเป็นผลการประเมินที่ดีที่สุดของกรมในรอบห้าปี</p></body></html>")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_elf_binary_named_html_is_refused(tmp_path):
    elf = write(tmp_path, "page.html", b"\x7fELF\x02\x01\x01\x00" + os.urandom(2000))
    with pytest.raises(BinaryInput, match="ELF"):
        parse_file(elf)


@pytest.mark.parametrize("magic", [b"%PDF-1.7\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"SQLite format 3\x00"])
def test_other_binary_formats_are_refused_whatever_the_suffix(tmp_path, magic):
    for suffix in (".txt", ".html"):
        with pytest.raises(BinaryInput):
            parse_file(write(tmp_path, f"x{suffix}", magic + "ข่าว".encode() * 50))


def test_html_in_a_txt_is_parsed_as_html(tmp_path):
    article = parse_file(write(tmp_path, "page.txt", PAGE.encode("utf-8")))
    assert article.source_format == "html"
    assert "<" not in article.text and "tracker" not in article.text
    assert "96.12" in article.text


def test_plain_text_mentioning_tags_stays_text():
    assert sniff_kind("ข่าว: ใช้แท็ก <b> ในหน้าเว็บ".encode(), ".txt") == "text"
    assert sniff_kind(b"<p>x</p>", ".html") == "html"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, codec):
    data = ("ข่าวประชาสัมพันธ์\n" + SHORT + "\n").encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    article = parse_file(write(tmp_path, "u.txt", data))
    assert "96.12" in article.text


def test_a_device_is_not_read(tmp_path):
    started = time.monotonic()
    with pytest.raises(InputError, match="not a regular file"):
        read_input(Path("/dev/zero"))
    assert time.monotonic() - started < 1


def test_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_input(fifo)
        except BaseException as e:  # noqa: BLE001 - the outcome is checked below
            outcome.append(e)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the open() so the thread ends
        with open(fifo, "wb"):
            pass
        pytest.fail("read_input blocked on a FIFO")
    assert isinstance(outcome[0], InputError) and "not a regular file" in str(outcome[0])


def test_the_read_is_bounded_whatever_stat_says(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:  # sparse: nothing written, 1 byte past the limit
        f.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(InputTooLarge, match=f"{MAX_TEXT_CHARS:,} characters"):
        read_input(big)
    data, _ = read_input(big, max_bytes=MAX_INPUT_BYTES + 10)
    assert len(data) == MAX_INPUT_BYTES + 1


def test_a_text_over_the_limit_is_refused_before_any_heavy_work(tmp_path):
    """The one limit (MAX_TEXT_CHARS = spaCy's max_length): a 4 MB Thai text is refused in
    well under a second, with the figure, not after extraction with spaCy's E088."""
    path = write(tmp_path, "long.txt", ("ก" * (MAX_TEXT_CHARS + 1)).encode("utf-8"))
    started = time.monotonic()
    with pytest.raises(InputTooLarge, match="1,000,000"):
        parse_file(path)
    assert time.monotonic() - started < 5


@pytest.mark.extract
def test_the_extractor_accepts_what_the_limit_lets_through():
    from ita_extract.extract.nlp import shared_nlp

    assert shared_nlp().max_length >= MAX_TEXT_CHARS


# --- short articles ----------------------------------------------------------------------


@pytest.mark.extract
@pytest.mark.parametrize("shape", ["alone", "label", "html_title"])
def test_a_short_article_is_analysed_whole(tmp_path, shape):
    from ita_extract.pipeline import extract_file

    if shape == "alone":
        path = write(tmp_path, "s.txt", (SHORT + "\n").encode())
    elif shape == "label":
        path = write(tmp_path, "s.txt", ("ข่าว\n" + SHORT + "\n").encode())
    else:
        path = write(tmp_path, "s.html", f"<html><head><title>ข่าว</title></head><body><p>{SHORT}</p></body></html>".encode())
    article, record = extract_file(path)
    assert [(r.agency, r.score, r.tier) for r in record.results] == [("กรมสรรพากร", 96.12, "AA")]
    assert SHORT in article.text
    assert any("title was guessed" in w for w in record.warnings)


@pytest.mark.extract
def test_an_article_with_a_headline_is_not_flagged(tmp_path):
    from ita_extract.pipeline import extract_file

    _, record = extract_file(write(tmp_path, "n.txt", ("กรมสรรพากรได้รับผลการประเมิน ITA\n" + SHORT + "\n").encode()))
    assert record.results and not any("guessed" in w for w in record.warnings)
