"""Parsing saved web captures (issue 7): the capture header, the headline as article text,
the page date among site-header dates, body datelines and English items. The texts are
small made-up pages in the shape of gold/docs/web-*.txt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_extract.errors import NotThaiInput
from ita_extract.parse import capture_header, parse_file, parse_text

HEADER = "URL: https://news.example.go.th/item/101\nTITLE: \n\n"
HEADLINE = "เทศบาลตำบลบ้านใหม่ คว้า 97.50 คะแนน ITA ประจำปี 2567"
# a site menu flattened into one long line
MENU = " ".join(["หน้าหลัก", "ทันเหตุการณ์", "ทั่วไป", "คุณภาพชีวิต", "อาชญากรรม", "เศรษฐกิจ", "ต่างประเทศ", "กีฬา",
                 "สิ่งแวดล้อม", "การเมือง", "ภูมิภาค", "บทความ", "บันเทิง", "อาหารและสุขภาพ", "ไอที", "ท่องเที่ยวและวัฒนธรรม",
                 "การเงินและการลงทุน", "กิจกรรม", "แนะนำรายการ", "ติดต่อเรา"])
BODY = ("นายสมชาย ใจดี นายกเทศมนตรีตำบลบ้านใหม่ เปิดเผยว่า ผลการประเมินคุณธรรมและความโปร่งใส"
        "ในการดำเนินงานของหน่วยงานภาครัฐ (ITA) ประจำปีงบประมาณ พ.ศ. 2567 อยู่ในระดับ AA")


def test_the_capture_header_gives_url_and_title_and_is_not_text():
    article = parse_text(HEADER + HEADLINE + "\n\n" + BODY, doc="x")
    assert article.url == "https://news.example.go.th/item/101"
    assert article.title == HEADLINE  # TITLE is empty: the headline line
    assert "URL:" not in article.text and "TITLE:" not in article.text


def test_a_capture_title_wins_over_the_headline_line():
    article = parse_text("URL: https://a.example/1\nTITLE: หัวข้อจากหน้าเว็บ ITA\n\n" + HEADLINE + "\n\n" + BODY, doc="x")
    assert article.title == "หัวข้อจากหน้าเว็บ ITA"
    assert HEADLINE in article.text


@given(st.from_regex(r"https?://[a-z]{1,10}\.example/[a-z0-9/._-]{0,30}", fullmatch=True))
def test_capture_header_round_trip(url):
    assert capture_header(f"URL: {url}\nTITLE: \n\nเนื้อหา") == (url, None, "เนื้อหา")
    assert capture_header("เนื้อหา URL: x") == (None, None, "เนื้อหา URL: x")


def test_a_figure_stated_only_in_the_headline_is_article_text():
    article = parse_text(HEADER + HEADLINE + "\n\n" + BODY, doc="x")
    at = article.text.find("97.50")
    assert at >= 0 and article.text[at:at + 5] == "97.50"  # offsets are into Article.text
    assert article.text.count(HEADLINE) == 1


def test_the_corpus_headline_is_text_without_its_prefix():
    article = parse_text("รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-" + HEADLINE + "\n\nวันพุธที่ 21 กุมภาพันธ์ 2567\n" + BODY, doc="x")
    assert article.text.startswith(HEADLINE + "\n")
    assert "รัฐบาลไทย-" not in article.text and "21 กุมภาพันธ์" not in article.text


@pytest.mark.parametrize("page, published", [
    # the site header's date above the headline, the item's post date below it
    ("วันเสาร์ที่ 13 สิงหาคม พ.ศ. 2565\n\n" + HEADLINE + "\n\nOn August 6, 2022\n\n" + BODY, dt.date(2022, 8, 6)),
    # a tagline, the site's today date, then the headline: no page date
    ("ข่าวจริง เร็วจริง ทุกวัน\n\nวันเสาร์ ที่ 4 กรกฎาคม พ.ศ. 2563\n\n" + HEADLINE + "\n\n" + BODY, None),
    # the same date line opening the page with nothing above it is the item's (seed 004's site)
    ("วันพุธ, 21 กุมภาพันธ์ 2567\n\n" + HEADLINE + "\n\n" + BODY, dt.date(2024, 2, 21)),
    # ... unless the body's own dateline says otherwise
    ("1 ธันวาคม 2022\n\n" + HEADLINE + "\n\nวันนี้ ( 31 มี.ค.65 ) " + BODY, dt.date(2022, 3, 31)),
    # a menu, the site's date, the headline, the item's date line
    ("×\n" + MENU + "\n\nวันที่ 2 พฤศจิกายน 2568\n\n" + HEADLINE + "\n\n 21 ส.ค. 2568 16:28 | 726 view\n\n" + BODY,
     dt.date(2025, 8, 21)),
    # a post-date bullet in English under the headline
    (HEADLINE + "\n\n  • Admin\n  • May 22, 2019\n\n" + BODY, dt.date(2019, 5, 22)),
    # English month, Buddhist-era year
    (HEADLINE + "\n\n30 August 2564\n1154\n\n" + BODY, dt.date(2021, 8, 30)),
])
def test_the_page_date_among_site_header_dates(page, published):
    assert parse_text(HEADER + page, doc="x").published == published


@pytest.mark.parametrize("opening, published", [
    ("วันนี้ (5 ม.ค.67) " + BODY, dt.date(2024, 1, 5)),
    ("เช้าวันนี้ (27 สิงหาคม 2561) ที่ศาลากลางจังหวัด " + BODY, dt.date(2018, 8, 27)),
    ("วันนี้ 9 ธันวาคม 2565 เวลา 09.00 น. ที่ห้องประชุม " + BODY, dt.date(2022, 12, 9)),
    ("กรุงเทพฯ 11 สิงหาคม 2565 – " + BODY, dt.date(2022, 8, 11)),
    ("4 ส.ค. 2565 – " + BODY, dt.date(2022, 8, 4)),
    ("14 พฤษภาคม 2567 " + BODY, dt.date(2024, 5, 14)),
    (" date 2025-08-18 " + BODY, dt.date(2025, 8, 18)),
    # a timestamp glued to the headline line of a listing
    ("การเมือง " + HEADLINE + " 3 ม.ค. 2566,18:59น. " + BODY, dt.date(2023, 1, 3)),
    # the event's date, not a dateline
    ("เมื่อวันที่ 10 สิงหาคม 2566 เวลา 13.30 – 15.00 น. " + BODY, None),
    ("วันที่ 15 มีนาคม 2565 เวลา 08.30 น.\n" + BODY, None),
    # a day and month without a year, and no page date: no date, never a guess
    ("วันนี้ (5 ม.ค.) " + BODY, None),
    ("เมื่อวันที่ 28 กันยายน " + BODY, None),
    # a period, not a dateline
    ("1 ต.ค. 2566 - 30 ก.ย. 2567 " + BODY, None),
])
def test_a_body_dateline_dates_an_item_without_a_date_line(opening, published):
    article = parse_text(HEADER + "หัวข้อข่าวการประเมิน ITA ของเทศบาล\n\nภาพข่าวกิจกรรม\n" + opening, doc="x")
    assert article.published == published
    if published is not None:
        ev = article.published_evidence
        assert ev is not None and ev.start < ev.end <= len(article.text)
        assert article.text[ev.start:ev.end] == article.published_text  # the dateline stays text


def test_an_event_time_line_stays_in_the_text_for_the_event_date():
    article = parse_text(HEADER + "วันที่ 15 มีนาคม 2565 เวลา 08.30 น.\n" + BODY, doc="x")
    assert article.published is None
    assert "วันที่ 15 มีนาคม 2565 เวลา 08.30 น." in article.text


def test_a_related_news_date_never_dates_the_item():
    page = HEADER + HEADLINE + "\n\n" + BODY + "\n\nข่าวที่เกี่ยวข้อง\n12 ธันวาคม 2567\nอีกข่าวหนึ่ง"
    assert parse_text(page, doc="x").published is None


ENGLISH = ("URL: https://www.nationthailand.example/in-focus/1\nTITLE: \n\n date 2022-08-01 Thu, August 11, 2022\n\n"
           "Armed Forces pass integrity test\n\nAll agencies passed the Integrity and Transparency Assessment (ITA) "
           "of the National Anti-Corruption Commission. The evaluated agencies got an average ITA score of 87.57 points.\n")


def test_an_english_item_about_the_assessment_is_read(tmp_path: Path):
    path = tmp_path / "en.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    article = parse_file(path)
    assert article.published == dt.date(2022, 8, 1)  # the item's date, not the site's today
    assert article.title == "Armed Forces pass integrity test"
    assert "87.57 points" in article.text


def test_other_english_text_is_still_not_read(tmp_path: Path):
    path = tmp_path / "en.txt"
    path.write_text("URL: https://a.example/2\nTITLE: \n\nWeather today\n\nSunny with light winds. DIGITAL news.\n",
                    encoding="utf-8")
    with pytest.raises(NotThaiInput):
        parse_file(path)


@pytest.mark.parametrize("top, title", [
    ("ข่าวภาคค่ำ\n\n" + HEADLINE, HEADLINE),  # a section label above the headline
    ("ข่าวประชาสัมพันธ์\nเรื่อง : " + HEADLINE, HEADLINE),  # a notice's label
    ("ยินดีต้อนรับเข้าสู่เทศบาลตำบลบ้านใหม่ โทรศัพท์ : 053-131532 อีเมล : saraban@example.go.th\n\n" + HEADLINE, HEADLINE),
    ("Facebook Logo\n\n" + HEADLINE, HEADLINE),
    ("“" + HEADLINE + "”", HEADLINE),  # enclosing quotes are not the headline's
])
def test_the_headline_of_a_whole_page_capture(top, title):
    article = parse_text(HEADER + top + "\n\n" + BODY, doc="x")
    assert article.title == title
    assert HEADLINE in article.text and "โทรศัพท์" not in article.text


LINES = [HEADLINE, BODY, MENU, "ข่าวภาคค่ำ", "วันเสาร์ที่ 13 สิงหาคม พ.ศ. 2565", "On August 6, 2022", "วันนี้ (5 ม.ค.67) " + BODY,
         "กรุงเทพฯ 11 สิงหาคม 2565 – " + BODY, "วันที่ 15 มีนาคม 2565 เวลา 08.30 น.", "เมื่อวันที่ 28 กันยายน", "", "×",
         "1 ต.ค. 2566 - 30 ก.ย. 2567 " + BODY, " date 2025-08-18 " + BODY, "  • May 22, 2019"]
RELATED = "\n\nข่าวที่เกี่ยวข้อง\n12 ธันวาคม 2540\n3 มีนาคม 2541 อีกข่าวหนึ่ง"


@settings(max_examples=40)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=8), st.booleans())
def test_any_page_parses_and_its_date_evidence_is_in_the_text(lines, capture):
    raw = (HEADER if capture else "") + "\n".join(lines) + RELATED
    article = parse_text(raw, doc="x")
    assert article.published is None or article.published.year not in (1997, 1998)  # never the related news'
    ev = article.published_evidence
    if ev is not None:
        assert article.text[ev.start:ev.end] == article.published_text
    assert "ข่าวที่เกี่ยวข้อง" not in article.text and "URL:" not in article.text


@pytest.mark.extract
def test_a_result_stated_only_in_the_headline_is_extracted():
    from ita_extract.extract import extract_document

    page = (HEADER + "เทศบาลตำบลบ้านใหม่ ได้ 97.50 คะแนน ผลการประเมิน ITA ประจำปี 2567 ระดับ AA\n\n"
            "วันนี้ (5 ม.ค.67) นายสมชาย ใจดี นายกเทศมนตรีตำบลบ้านใหม่ มอบเกียรติบัตรแก่เจ้าหน้าที่ ณ ห้องประชุมเทศบาล")
    article = parse_text(page, doc="x")
    record = extract_document(article)
    assert [(r.score, r.fiscal_year_be) for r in record.results] == [(97.5, 2567)]
    ev = record.results[0].evidence
    assert ev is not None and "97.50" in article.text[ev.start:ev.end + 20]
    assert record.published == dt.date(2024, 1, 5)
