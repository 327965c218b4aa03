"""Parsing text as scraped from different sites: headline, page date and body, without furniture."""

from __future__ import annotations

import datetime as dt

import pytest

from ita_extract.parse import parse_text

BODY = "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2567 เทศบาลตำบลบ้านใหม่ ได้คะแนน 97.50 คะแนน อยู่ในระดับ AA"


@pytest.mark.parametrize("raw, title, published", [
    # thaigov corpus: page title with prefix, date line, numeric date, print button
    ("รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-\u200bหัวข้อข่าว ITA ของกรม\n\nวันพฤหัสบดีที่ 16 พฤศจิกายน 2566\n16/11/2566\nพิมพ์\n" + BODY,
     "หัวข้อข่าว ITA ของกรม", dt.date(2023, 11, 16)),
    # breadcrumb first, then headline, then an NNT-style short date with time
    ("หน้าแรก > ข่าวประชาสัมพันธ์ > ข่าวจังหวัด\nเทศบาลตำบลบ้านใหม่ คว้าคะแนน ITA ระดับ AA\n28 ส.ค. 69 14:54\n" + BODY,
     "เทศบาลตำบลบ้านใหม่ คว้าคะแนน ITA ระดับ AA", dt.date(2026, 8, 28)),
    # a site name above the headline
    ("สำนักข่าวแห่งชาติ\nเทศบาลตำบลบ้านใหม่ได้ ITA ระดับ AA\nวันที่ 5 ก.ย. 2567 เวลา 10:21 น.\n" + BODY,
     "เทศบาลตำบลบ้านใหม่ได้ ITA ระดับ AA", dt.date(2024, 9, 5)),
    # date before the headline (seed 004's site)
    ("วันพุธ, 21 กุมภาพันธ์ 2567\n\nสำนักงาน ป.ป.ช. จัดกิจกรรม Clinic ITA\n\n" + BODY,
     "สำนักงาน ป.ป.ช. จัดกิจกรรม Clinic ITA", dt.date(2024, 2, 21)),
    # the page dates the item below it, then a visitor counter
    ("อบต.หนองบัว ผ่านการประเมิน ITA\n" + BODY + "\nโพสต์เมื่อ 12 ธันวาคม 2567\nผู้เข้าชม 234\n14 ธันวาคม 2567",
     "อบต.หนองบัว ผ่านการประเมิน ITA", dt.date(2024, 12, 12)),
])
def test_headline_and_page_date(raw, title, published):
    article = parse_text(raw, doc="x")
    assert article.title == title
    assert article.published == published
    assert "97.50 คะแนน" in article.text
    assert "ผู้เข้าชม" not in article.text and "หน้าแรก >" not in article.text


def test_the_corpus_source_line_gives_the_url_and_leaves_the_body():
    article = parse_text("รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-หัวข้อข่าวยาวพอสมควร\n\n" + BODY +
                         "\n\nที่มา : https://www.thaigov.go.th/news/contents/details/74823", doc="x")
    assert article.url == "https://www.thaigov.go.th/news/contents/details/74823"
    assert "ที่มา" not in article.text


def test_weekday_that_contradicts_the_date_is_flagged():
    article = parse_text("หัวข้อข่าวสำหรับการทดสอบ\nวันจันทร์ที่ 16 พฤศจิกายน 2566\n" + BODY, doc="x")
    assert article.published == dt.date(2023, 11, 16)  # a Thursday
    assert any("weekday" in w for w in article.warnings)


def test_a_body_line_that_starts_like_furniture_is_kept():
    article = parse_text("หัวข้อข่าวสำหรับการทดสอบ\n" + BODY + "\nผู้เข้าชมงานครั้งนี้กว่า 500 คน\nผู้เข้าชม 234\nเมนูอื่น", doc="x")
    assert "ผู้เข้าชมงานครั้งนี้กว่า 500 คน" in article.text
    assert "ผู้เข้าชม 234" not in article.text and "เมนูอื่น" not in article.text


def test_the_page_date_line_is_kept_as_written():
    article = parse_text("หัวข้อข่าวสำหรับการทดสอบ\nวันพุธ, 21 กุมภาพันธ์ 2567\n" + BODY, doc="x")
    assert article.published_text == "วันพุธ, 21 กุมภาพันธ์ 2567"
    assert article.published_evidence is None  # the date line is a header, not part of the text


def test_html_page_date_found_around_the_extracted_text(tmp_path):
    from ita_extract.parse import parse_file

    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>เว็บไซต์จังหวัด</title></head><body><ul><li>หน้าหลัก</li><li>ข่าวสาร</li></ul>"
        "<h1>จังหวัดน่าน จัดประชุมยกระดับการประเมิน ITA ประจำปี</h1><div class='date'>วันที่ 4 ม.ค. 2566, 11:27</div>"
        "<div class='content'><p>" + BODY + " ซึ่งเป็นผลการประเมินที่ดีที่สุดของจังหวัดในรอบหลายปี</p>"
        "<p>นายสมชาย ใจดี ผู้ว่าราชการจังหวัดน่าน กล่าวว่า จะรักษามาตรฐานต่อไป</p></div>"
        "<h3>ข่าวที่เกี่ยวข้อง</h3><p>วันที่ 10 พ.ค. 2566, 10:24</p><p>ข่าวอื่นของจังหวัด</p></body></html>",
        encoding="utf-8",
    )
    article = parse_file(page)
    assert article.published == dt.date(2023, 1, 4)  # not the related item's 10 May
    assert "97.50 คะแนน" in article.text and "ข่าวอื่น" not in article.text


def test_deeply_nested_html_is_read_not_a_recursion_error(tmp_path):
    from ita_extract.parse import parse_file

    page = tmp_path / "deep.html"
    page.write_text("<html><head><title>หัวข้อข่าวการประเมิน ITA</title></head><body>" + "<div>" * 5000
                    + "<p>" + BODY + "</p>" + "</div>" * 5000 + "</body></html>",
                    encoding="utf-8")
    assert "97.50 คะแนน" in parse_file(page).text


def test_a_navigation_menu_above_the_headline_is_not_the_headline():
    menu = "\n".join(["หน้าหลัก", "เกี่ยวกับเรา", "ประวัติความเป็นมา", "โครงสร้างองค์กร", "ข่าวประชาสัมพันธ์",
                      "ITA การประเมินคุณธรรม", "ติดต่อเรา"])
    article = parse_text(menu + "\nเทศบาลตำบลบ้านใหม่ผ่านการประเมิน ITA ระดับ AA\nโพสต์เมื่อ 12 ธันวาคม 2567\n"
                         + BODY + "\n1) กองคลัง\n2) กองช่าง\n3) กองการศึกษา\n4) สำนักปลัด", doc="x")
    assert article.title == "เทศบาลตำบลบ้านใหม่ผ่านการประเมิน ITA ระดับ AA"
    assert article.published == dt.date(2024, 12, 12)
    assert "เกี่ยวกับเรา" not in article.text
    assert "4) สำนักปลัด" in article.text  # short lines inside the body are the body
