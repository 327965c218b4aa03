"""Extraction behaviour: the seeds exactly, and the rules on short texts written the way
Thai official news writes (no text here comes from the held-out set)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ita_extract.extract import extract_document
from ita_extract.extract.passages import WHOLE_ARTICLE_MAX, select_passages
from ita_extract.parse import parse_file, parse_text

pytestmark = pytest.mark.extract

GOLD = Path(__file__).resolve().parent.parent / "gold"
SEEDS = [json.loads(line) for line in (GOLD / "seeds.jsonl").read_text(encoding="utf-8").splitlines()]


def run(body: str, doc: str = "t"):
    """Extract from a body under a headline, as a scraped news item reads."""
    return extract_document(parse_text("หัวข้อข่าวสำหรับการทดสอบ\n\n" + body, doc=doc))


def _results(rec):
    return sorted((r.agency, r.assessment, r.score, r.tier) for r in rec.results)


@pytest.mark.parametrize("gold", SEEDS, ids=[g["doc"] for g in SEEDS])
def test_seed_matches_gold_exactly(gold):
    rec = extract_document(parse_file(GOLD / "docs" / f"{gold['doc']}.txt"))
    assert str(rec.published) == gold["published"]
    assert str(rec.event_date) == gold["event_date"]
    got = sorted((r.agency, r.assessment, r.score, r.fiscal_year_be) for r in rec.results)
    want = sorted((r["agency"], r["assessment"], r["score"], r["fiscal_year_be"]) for r in gold["results"])
    assert got == want
    assert sorted((a.metric, a.value, a.tier) for a in rec.aggregates) == sorted(
        (a["metric"], a["value"], a["tier"]) for a in gold["aggregates"]
    )
    assert sorted((o.name, o.position) for o in rec.officials) == sorted(
        (o["name"], o["position"]) for o in gold["officials"]
    )


def test_every_value_carries_evidence_into_the_cleaned_text():
    article = parse_file(GOLD / "docs" / "000_6370b3e3eddcf34a.txt")
    rec = extract_document(article)
    for r in rec.results:
        ev = r.evidence
        assert ev is not None and 0 <= ev.start < ev.end <= len(article.text)
        assert f"{r.score:g}" in article.text[ev.start:ev.end]
        assert " ".join(article.text[ev.start:ev.end].split()) in ev.sentence
    for a in rec.aggregates:
        assert f"{a.value:g}" in article.text[a.evidence.start:a.evidence.end]
    ev = rec.event_date_evidence
    assert "15 พฤศจิกายน 2566" in article.text[ev.start:ev.end]
    for o in rec.officials:
        assert o.name.split()[0] in article.text[o.evidence.start:o.evidence.end]


def test_agencies_sharing_one_score_each_get_a_result():
    rec = run("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2566 กรมการปกครอง กรมที่ดิน และกรมโยธาธิการและผังเมือง ได้ 96.50 คะแนน")
    assert {r.agency for r in rec.results} == {"กรมการปกครอง", "กรมที่ดิน", "กรมโยธาธิการและผังเมือง"}
    assert {r.score for r in rec.results} == {96.5}
    assert {r.fiscal_year_be for r in rec.results} == {2566}


def test_tier_derived_from_score_is_marked():
    rec = run("ผลการประเมินคุณธรรมและความโปร่งใส (ITA) ปี 2567 การประปาส่วนภูมิภาค ได้คะแนน 88.20 คะแนน")
    (r,) = rec.results
    assert (r.agency, r.score, r.tier, r.tier_derived, r.fiscal_year_be) == ("การประปาส่วนภูมิภาค", 88.2, "A", True, 2567)


def test_stated_tier_is_not_marked_derived():
    rec = run("การประเมิน ITA ปี 2566 เทศบาลตำบลบ้านใหม่ มีคะแนน 93.10 อยู่ในระดับ AA")
    (r,) = rec.results
    assert (r.tier, r.tier_derived) == ("AA", False)


def test_targets_thresholds_and_changes_are_not_results_or_aggregates():
    rec = run(
        "การประเมิน ITA กำหนดเป้าหมายให้หน่วยงานไม่น้อยกว่าร้อยละ 80 ต้องได้คะแนน 85 คะแนนขึ้นไป "
        "ปีนี้ กรมบัญชีกลาง ได้คะแนน 92.10 คะแนน ซึ่งเพิ่มขึ้น 6.32 คะแนน และเข้าร่วมประชุมกว่า 150 คน"
    )
    # the one attained score is found; the target, the threshold, the change and the attendance are not
    assert [(r.agency, r.score) for r in rec.results] == [("กรมบัญชีกลาง", 92.1)]
    assert rec.aggregates == []


def test_year_over_year_comparison_gives_one_result_per_year():
    rec = run("ผลการประเมิน ITA สำนักงานที่ดินจังหวัดลำปาง ได้คะแนน 94.69 เพิ่มขึ้นจาก 91.31 คะแนนเมื่อปี 2563 ในการประเมินปี 2564")
    got = sorted((r.score, r.fiscal_year_be) for r in rec.results)
    assert got[0] == (91.31, 2563)
    assert got[1][0] == 94.69


def test_moral_organisation_is_kept_apart_from_ita():
    rec = run(
        "ประจำปีงบประมาณ พ.ศ. 2567 มีหน่วยงานได้รับระดับที่ 3 องค์กรคุณธรรมต้นแบบ จำนวน 2 หน่วยงาน "
        "ได้แก่ กองคลัง และกองการเจ้าหน้าที่ ที่ให้ความร่วมมือ"
    )
    assert {(r.agency, r.assessment, r.tier) for r in rec.results} == {
        ("กองคลัง", "MORAL_ORG", "องค์กรคุณธรรมต้นแบบ"),
        ("กองการเจ้าหน้าที่", "MORAL_ORG", "องค์กรคุณธรรมต้นแบบ"),
    }


def test_aggregates_average_counts_and_pass_rates():
    rec = run(
        "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2566 จังหวัดน่านมีค่าเฉลี่ย 90.12 คะแนน มีหน่วยงานที่เข้ารับการประเมิน "
        "จำนวน 100 หน่วยงาน ระดับ AA จำนวน 10 หน่วยงาน ผ่านเกณฑ์ 80 หน่วยงาน คิดเป็นร้อยละ 80.00 "
        "ไม่ผ่านเกณฑ์ 20 หน่วยงาน คิดเป็นร้อยละ 20.00 มีผู้มีส่วนได้ส่วนเสียตอบแบบวัด 12.345 คน"
    )
    got = {(a.metric, a.value, a.tier) for a in rec.aggregates}
    assert got == {
        ("average", 90.12, None), ("count_assessed", 100, None), ("count_tier", 10, "AA"),
        ("count_pass", 80, None), ("percent_pass", 80.0, None), ("count_fail", 20, None),
        ("percent_fail", 20.0, None), ("participants", 12345, None),
    }
    assert {a.fiscal_year_be for a in rec.aggregates} == {2566}


def test_official_with_rank_honorific_and_position():
    rec = run("การประเมิน ITA วันที่ 3 มีนาคม 2567 พล.ต.อ.สมชาย ใจกล้า ผู้บัญชาการตำรวจภูธรภาค 5 เป็นประธานการประชุม")
    (o,) = rec.officials
    assert (o.honorific, o.name, o.position) == ("พล.ต.อ.", "สมชาย ใจกล้า", "ผู้บัญชาการตำรวจภูธรภาค")


def test_position_words_after_an_honorific_are_not_people():
    rec = run("การประเมิน ITA นายกรัฐมนตรี กล่าวว่า นายอำเภอเมือง และนายสมชาย ใจดี ปลัดจังหวัดน่าน ร่วมประชุม")
    assert [o.name for o in rec.officials] == ["สมชาย ใจดี"]


def test_placeholder_date_is_no_published_date():
    art = parse_text("รัฐบาลไทย-ข่าวทำเนียบรัฐบาล-ข่าว ITA\n\nวันพฤหัสบดีที่ 1 มกราคม 2513\nพิมพ์\nเนื้อหาข่าว ITA", doc="x")
    assert art.published is None
    assert any("2513" in w for w in art.warnings)


def test_furniture_dates_never_become_the_published_date():
    art = parse_file(Path(__file__).parent / "fixtures" / "inputs" / "lamphun_with_furniture.txt")
    assert str(art.published) == "2023-01-04"
    assert "ข่าวสารที่แนะนำ" not in art.text and "Total visits" not in art.text


def test_long_multi_topic_article_reads_only_the_relevant_item():
    filler = "\n".join(f"{i}. เรื่อง การประชุมเรื่องที่ {i}\n" + "รายละเอียดทั่วไป " * 200 for i in range(1, 40))
    item = "40. เรื่อง รายงานผลการประเมิน ITA\nผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2565 ค่าเฉลี่ยทั้งประเทศ 87.57 คะแนน"
    text = filler + "\n" + item + "\n41. เรื่อง อื่น ๆ\n" + "ข้อความ " * 100
    assert len(text) > WHOLE_ARTICLE_MAX
    passages = select_passages(text)
    assert len(passages) == 1
    assert sum(p.end - p.start for p in passages) < 500
    rec = run(text)
    assert [(a.metric, a.value, a.fiscal_year_be) for a in rec.aggregates] == [("average", 87.57, 2565)]


def test_article_without_the_topic_yields_nothing():
    text = "นายสมชาย ใจดี ผู้ว่าราชการจังหวัดน่าน กล่าวว่า กรมบัญชีกลาง ได้รับ 95 คะแนน ในการแข่งขันกีฬา"
    assert run(text).results == [] and run(text).aggregates == []
    # its officials are still officials (GUIDELINES: named people with a public role)
    assert [o.name for o in run(text).officials] == ["สมชาย ใจดี"]
    # the same sentence in an ITA article is read
    assert run("ผลการประเมิน ITA " + text).results != []


def test_score_headed_lists_give_each_listed_agency_that_score():
    rec = run(
        "ผลการประเมิน ITA หน่วยงานที่ได้ระดับ ผ่านดีเยี่ยม 97 คะแนน ได้แก่ สำนักงานพาณิชย์จังหวัดน่าน "
        "สำนักงานพาณิชย์จังหวัดแพร่ ผ่านดี 90 คะแนน ได้แก่ สำนักงานพาณิชย์จังหวัดตาก"
    )
    assert sorted((r.agency, r.score, r.tier) for r in rec.results) == [
        ("สำนักงานพาณิชย์จังหวัดตาก", 90.0, "ผ่านดี"),
        ("สำนักงานพาณิชย์จังหวัดน่าน", 97.0, "ผ่านดีเยี่ยม"),
        ("สำนักงานพาณิชย์จังหวัดแพร่", 97.0, "ผ่านดีเยี่ยม"),
    ]


def test_flattened_table_rows_become_aggregates_per_column_and_year():
    table = "\n".join([
        "ผลการประเมิน ITA ตามประเภทหน่วยงาน ปีงบประมาณ พ.ศ. 2566",
        "ประเภทหน่วยงาน", "จำนวนหน่วยงาน", "คะแนนเฉลี่ย ปีงบประมาณ พ.ศ.", "พัฒนาการ", "ร้อยละที่ผ่าน",
        "2566", "2565",
        "เทศบาลนคร", "30", "90.10", "88.69", "1.41", "80.00",
        "เทศบาลเมือง", "195", "89.30", "85.32", "3.98", "77.95",
    ])
    rec = run(table)
    got = sorted((a.scope, a.metric, a.value, a.fiscal_year_be) for a in rec.aggregates)
    assert ("เทศบาลนคร", "average", 88.69, 2565) in got
    assert ("เทศบาลนคร", "average", 90.1, 2566) in got
    assert ("เทศบาลเมือง", "count_assessed", 195.0, 2566) in got
    assert ("เทศบาลเมือง", "percent_pass", 77.95, 2566) in got
    assert not any(value in (1.41, 3.98) for _, _, value, _ in got)  # the change column is not a figure
    assert len(got) == 8


def test_alias_after_a_definition_names_the_same_agency():
    rec = run(
        "ธนาคารพัฒนาวิสาหกิจขนาดกลางและขนาดย่อมแห่งประเทศไทย (ธพว.) หรือ SME D Bank เปิดเผยว่า "
        "ผลการประเมิน ITA ประจำปี 2564 SME D Bank ได้รับ 99.49 คะแนน เกรด AA"
    )
    (r,) = rec.results
    assert (r.agency, r.score, r.tier, r.fiscal_year_be) == (
        "ธนาคารพัฒนาวิสาหกิจขนาดกลางและขนาดย่อมแห่งประเทศไทย", 99.49, "AA", 2564)


def test_head_of_a_provincial_office_is_an_official():
    rec = run("การขับเคลื่อน ITA วันที่ 2 ก.พ. 2567 นายสมบัติ สุวรรณมณี อุตสาหกรรมจังหวัดยะลา ลงพื้นที่ตรวจโรงงาน")
    (o,) = rec.officials
    assert (o.name, o.position) == ("สมบัติ สุวรรณมณี", "อุตสาหกรรมจังหวัดยะลา")


def test_previous_year_level_written_as_last_year_has_no_year():
    rec = run("ผลการประเมิน ITA ประจำปีงบประมาณ 2563 สำนักงานสลากกินแบ่งรัฐบาล ได้รับคะแนน 94.16 คะแนน ซึ่งเพิ่มขึ้นจากปีก่อนที่ 89.68 คะแนน")
    got = sorted((r.score, r.fiscal_year_be) for r in rec.results)
    assert got == [(89.68, None), (94.16, 2563)]


def test_office_of_an_abbreviated_body_defined_through_a_title():
    rec = run(
        "นายชูฉัตร ประมูลผล เลขาธิการคณะกรรมการกำกับและส่งเสริมการประกอบธุรกิจประกันภัย (เลขาธิการ คปภ.) กล่าวว่า "
        "ผลการประเมิน ITA ปี 2565 สำนักงาน คปภ. ได้รับ 96.51 คะแนน ระดับ AA"
    )
    (r,) = rec.results
    assert r.agency == "สำนักงานคณะกรรมการกำกับและส่งเสริมการประกอบธุรกิจประกันภัย"


def test_a_head_inside_another_word_is_not_an_agency():
    rec = run("การประเมิน ITA ปี 2565 องค์กรมีคะแนนผลประเมิน 96.32 คะแนน กรมที่ดินมีคะแนน 95.10 คะแนน")
    assert [(r.agency, r.score) for r in rec.results] == [("กรมที่ดิน", 95.1)]


@pytest.mark.parametrize("written, full", [
    ("อบต.บ้านใหม่", "องค์การบริหารส่วนตำบลบ้านใหม่"),
    ("ทต.หนองบัว", "เทศบาลตำบลหนองบัว"),
    ("สภ.เมืองลำพูน", "สถานีตำรวจภูธรเมืองลำพูน"),
])
def test_local_office_abbreviations_keep_their_place_name(written, full):
    rec = run(f"ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2567 {written} ได้คะแนน 97.25 คะแนน อยู่ในระดับ AA")
    assert [(r.agency, r.score, r.tier, r.fiscal_year_be) for r in rec.results] == [(full, 97.25, "AA", 2567)]


def test_agency_types_are_not_agencies_and_top_agencies_per_type_are_results():
    rec = run(
        "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2565 หน่วยงานที่มีผลการประเมินสูงสุดในประเภทต่าง ๆ เช่น "
        "(1) ประเภทกรมหรือเทียบเท่า กรมการปกครอง มีคะแนนเฉลี่ยอยู่ที่ 99.55 (2) ประเภทจังหวัด จังหวัดอ่างทอง "
        "มีคะแนนเฉลี่ยอยู่ที่ 99.99 และ (3) ประเภท อบต. อบต.โคกสะอาด จังหวัดกาฬสินธุ์ และ อบต.บ้านพลับ "
        "จังหวัดพระนครศรีอยุธยา มีคะแนนเฉลี่ยอยู่ที่ 100"
    )
    assert sorted((r.agency, r.score) for r in rec.results) == [
        ("กรมการปกครอง", 99.55),
        ("จังหวัดอ่างทอง", 99.99),
        ("องค์การบริหารส่วนตำบลบ้านพลับ จังหวัดพระนครศรีอยุธยา", 100.0),
        ("องค์การบริหารส่วนตำบลโคกสะอาด จังหวัดกาฬสินธุ์", 100.0),
    ]
    assert rec.aggregates == []


def test_a_province_average_is_an_aggregate():
    rec = run("ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2564 จังหวัดที่มีคะแนนเฉลี่ยสูงสุด คือ จังหวัดภูเก็ต มีคะแนนเฉลี่ย 94.06 คะแนน")
    assert rec.results == []
    assert [(a.scope, a.metric, a.value) for a in rec.aggregates] == [("จังหวัดภูเก็ต", "average", 94.06)]


def test_different_agencies_sharing_a_score_stay_apart():
    rec = run("ผลการประเมิน ITA ปี 2566 กองคลัง กองช่าง ได้ 95 คะแนน และ บสย. ได้ 96.20 คะแนน "
              "บรรษัทประกันสินเชื่ออุตสาหกรรมขนาดย่อม (บสย.) ได้คะแนน 96.20 คะแนน")
    assert sorted(r.agency for r in rec.results) == [
        "กองคลัง", "กองช่าง", "บรรษัทประกันสินเชื่ออุตสาหกรรมขนาดย่อม"]


def test_scores_given_respectively_pair_with_the_listed_agencies():
    rec = run(
        "ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2564 โดย 2 หน่วยงาน ได้แก่ สำนักงานปลัดกระทรวงสาธารณสุข "
        "และสถาบันวิจัยระบบสาธารณสุข มีคะแนนสูงสุด ได้คะแนนร้อยละ 96.67 และ 95.64 ตามลำดับ อยู่ในระดับ AA"
    )
    assert sorted((r.agency, r.score, r.tier) for r in rec.results) == [
        ("สถาบันวิจัยระบบสาธารณสุข", 95.64, "AA"),
        ("สำนักงานปลัดกระทรวงสาธารณสุข", 96.67, "AA"),
    ]


def test_a_tier_written_after_a_list_is_the_lists_tier():
    rec = run(
        "ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2564 กรมอนามัย อยู่ในระดับ AA ส่วนอีก 3 หน่วยงาน ได้แก่ กรมการแพทย์ "
        "โรงพยาบาลบ้านแพ้ว (องค์การมหาชน) และองค์การเภสัชกรรม มีผลการประเมินอยู่ในระดับ A"
    )
    got = {(r.agency, r.tier) for r in rec.results}
    assert {("กรมการแพทย์", "A"), ("โรงพยาบาลบ้านแพ้ว (องค์การมหาชน)", "A"), ("องค์การเภสัชกรรม", "A")} <= got


@pytest.mark.parametrize("lead, published, event", [
    ("เมื่อวันที่ 8 สิงหาคมที่ผ่านมา", "วันศุกร์ที่ 11 สิงหาคม 2566", dt.date(2023, 8, 8)),
    ("วานนี้ (10 ส.ค.)", "วันศุกร์ที่ 11 สิงหาคม 2566", dt.date(2023, 8, 10)),
    # a date late in the year, reported early in the next: the year before the page's
    ("เมื่อวันที่ 28 ธันวาคม", "วันพุธที่ 3 มกราคม 2567", dt.date(2023, 12, 28)),
])
def test_event_date_without_a_year_takes_the_pages_year(lead, published, event):
    rec = extract_document(parse_text(f"หัวข้อข่าวสำหรับการทดสอบ\n{published}\n{lead} กรมบัญชีกลาง จัดประชุม ITA", doc="t"))
    assert rec.event_date == event


@pytest.mark.parametrize("text, expected", [
    ("เทศบาลตำบลหนองหาร ผ่านการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2567 ได้คะแนน 96.32 คะแนน อยู่ในระดับ AA (ผ่านดีเยี่ยม)",
     ("เทศบาลตำบลหนองหาร", 96.32, "AA", 2567)),
    ("ผลการประเมิน ITA ปี 2567 ของ อบต.บ้านโคก ได้คะแนน 98.75 อยู่ในระดับ A",
     ("องค์การบริหารส่วนตำบลบ้านโคก", 98.75, "A", 2567)),
    ("ผลคะแนน ITA ปี 2566 ของการไฟฟ้าส่วนภูมิภาค อยู่ที่ร้อยละ 92.47",
     ("การไฟฟ้าส่วนภูมิภาค", 92.47, "A", 2566)),
    ("กรมสรรพากร คว้าคะแนน ITA ปีงบประมาณ 2568 สูงถึง ๙๘.๑๒ คะแนน ระดับผ่านดีเยี่ยม",
     ("กรมสรรพากร", 98.12, "ผ่านดีเยี่ยม", 2568)),
    ("การประเมินคุณธรรมและความโปร่งใส (ITA) ปี 2566 โรงเรียนบ้านหนองแวง สพป.ขอนแก่น เขต 1 ได้ 100 คะแนน",
     ("โรงเรียนบ้านหนองแวง", 100.0, "AA", 2566)),
])
def test_how_local_offices_report_their_score(text, expected):
    rec = run(text)
    assert [(r.agency, r.score, r.tier, r.fiscal_year_be) for r in rec.results] == [expected]


def test_a_family_name_that_starts_like_a_verb_is_still_a_name():
    rec = run("การประเมิน ITA นายกเทศมนตรีตำบลบ้านเป็ด นายประสิทธิ์ มีสุข เปิดเผยว่า เทศบาลได้คะแนนสูง")
    assert [(o.name, o.position) for o in rec.officials] == [("ประสิทธิ์ มีสุข", "นายกเทศมนตรีตำบลบ้านเป็ด")]


def test_a_pass_rate_that_must_be_reached_is_a_target():
    rec = run("ผลการประเมิน ITA ได้กำหนดค่าเป้าหมายให้หน่วยงานภาครัฐจะต้องมีค่าคะแนน ITA 85 คะแนนขึ้นไป "
              "เป็นจำนวนร้อยละ 100 ของหน่วยงานทั้งหมด ปีนี้ผ่านเกณฑ์ 7,696 หน่วยงาน คิดเป็นร้อยละ 92.44")
    assert sorted((a.metric, a.value) for a in rec.aggregates) == [("count_pass", 7696.0), ("percent_pass", 92.44)]


def test_moral_organisation_levels_in_one_paragraph():
    rec = run(
        "ผลการประเมินองค์กรคุณธรรม ประจำปีงบประมาณ พ.ศ. 2565 ได้แก่ระดับองค์กรคุณธรรมต้นแบบ 1 องค์กร "
        "และองค์กรอื่นๆ ซึ่งมีคะแนนรองลงมาเป็นระดับองค์กรคุณธรรม ได้แก่ สำนักงานสถิติแห่งชาติ และบริษัท ไปรษณีย์ไทย จำกัด"
    )
    assert {(r.agency, r.assessment, r.tier) for r in rec.results} == {
        ("สำนักงานสถิติแห่งชาติ", "MORAL_ORG", "องค์กรคุณธรรม"),
        ("บริษัท ไปรษณีย์ไทย จำกัด", "MORAL_ORG", "องค์กรคุณธรรม"),
    }


def test_the_ministry_an_agency_ranks_in_is_not_the_scored_agency():
    rec = run("ผลการประเมิน ITA ประจำปี 2566 องค์การสะพานปลา ได้รับผลคะแนนเป็นอันดับ 1 ในกระทรวงเกษตรและสหกรณ์ 97.24 คะแนน")
    assert [(r.agency, r.score) for r in rec.results] == [("องค์การสะพานปลา", 97.24)]


def test_a_year_after_a_comparison_belongs_to_the_compared_score():
    rec = run("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2563 สำนักงานการตรวจเงินแผ่นดิน ได้ผลคะแนนการประเมินรวม 92.12 คะแนน "
              "อยู่ในระดับ A โดยมีคะแนนรวมสูงขึ้นจากการประเมินในปีงบประมาณ พ.ศ. 2562 ซึ่งได้คะแนนรวม 89.96 คะแนน")
    assert sorted((r.score, r.fiscal_year_be) for r in rec.results) == [(89.96, 2562), (92.12, 2563)]


def test_civil_service_ranks_are_not_names_and_positions_keep_their_words():
    rec = run("การประเมิน ITA นายแพทย์ทรงคุณวุฒิ ระดับกระทรวง และนายวิษณุ ทับเที่ยง หัวหน้าผู้ตรวจราชการกระทรวง กล่าวว่า")
    assert [(o.name, o.position) for o in rec.officials] == [("วิษณุ ทับเที่ยง", "หัวหน้าผู้ตรวจราชการกระทรวง")]


@pytest.mark.parametrize("word", ["DIGITAL ID", "LIVITAS", "UN-HABITAT"])
def test_ita_inside_another_latin_word_is_not_the_assessment(word):
    rec = run(f"โครงการ {word} นายสมชาย ใจดี ผู้ว่าราชการจังหวัดน่าน กล่าวว่า กรมบัญชีกลาง ได้ 95 คะแนน")
    assert rec.results == [] and rec.aggregates == []


def test_a_given_name_that_starts_like_nayok_is_a_name():
    rec = run("การประเมิน ITA นายกฤษฎา คงคะจันทร์ หัวหน้าผู้ตรวจราชการกระทรวงวัฒนธรรม และนายกรัฐมนตรี กล่าวว่า")
    assert [(o.name, o.position) for o in rec.officials] == [("กฤษฎา คงคะจันทร์", "หัวหน้าผู้ตรวจราชการกระทรวงวัฒนธรรม")]


@pytest.mark.parametrize("text, size", [
    ("ผลการประเมิน ITA ปี 2563 มีผลประเมินอยู่ที่ 96.74 คะแนน เป็นลำดับที่ 3 จาก 53 ของหน่วยงานรัฐวิสาหกิจ", 53),
    ("ผลการประเมิน ITA ปี 2565 ได้คะแนน 96.13 สูงสุดอันดับที่ 1 ของหน่วยงานในสังกัดกระทรวงคมนาคม (18 หน่วยงาน)", 18),
    ("ผลการประเมิน ITA ปีงบประมาณ 2564 คะแนนเฉลี่ยภาพรวมของประเทศ 81.25 คะแนน จากหน่วยงานภาครัฐ 8,300 แห่งทั่วประเทศ", 8300),
    ("ผลการประเมิน ITA ปี 2567 อันดับ 1 ของรัฐวิสาหกิจที่เข้าร่วมรับการประเมินทั้งหมด 51 หน่วยงาน", 51),
])
def test_the_size_of_the_assessed_group_is_read_however_it_is_written(text, size):
    assert ("count_assessed", size) in [(a.metric, a.value) for a in run(text).aggregates]


def test_a_tier_that_heads_the_next_list_is_not_the_previous_lists_tier():
    rec = run(
        "หน่วยงานที่ผ่านการประเมินองค์กรคุณธรรม ประจำปี พ.ศ. 2566 ดังนี้ ระดับส่งเสริมคุณธรรม จำนวน 2 หน่วยงาน ได้แก่ "
        "1. กรมการปกครอง 2. กรมที่ดิน ระดับคุณธรรมต้นแบบ จำนวน 1 หน่วยงาน ได้แก่ กรมโยธาธิการและผังเมือง"
    )
    assert {(r.agency, r.tier) for r in rec.results} == {
        ("กรมการปกครอง", "ส่งเสริมคุณธรรม"), ("กรมที่ดิน", "ส่งเสริมคุณธรรม"), ("กรมโยธาธิการและผังเมือง", "คุณธรรมต้นแบบ"),
    }


def test_the_year_a_plan_is_driven_in_is_not_the_assessment_year():
    rec = run(
        "กระทรวงมหาดไทย จัดพิธีมอบประกาศเกียรติคุณองค์กรคุณธรรม ประจำปี พ.ศ. 2566 เพื่อให้ทราบแนวทางการขับเคลื่อนการส่งเสริมคุณธรรม "
        "ในปี พ.ศ. 2567 โดยมีหน่วยงานที่ผ่านการประเมิน ระดับส่งเสริมคุณธรรม จำนวน 1 หน่วยงาน ได้แก่ กรมที่ดิน"
    )
    assert [(r.agency, r.fiscal_year_be) for r in rec.results] == [("กรมที่ดิน", 2566)]


def test_agencies_honoured_as_moral_organisations_with_no_level_are_moral_results():
    rec = run(
        "กรมการศาสนา จัดพิธีมอบเกียรติบัตรประกาศยกย่ององค์กรคุณธรรมให้แก่หน่วยงานในส่วนกลาง ประจำปีงบประมาณ พ.ศ. 2566 "
        "จำนวน 2 หน่วยงาน ได้แก่ (1) สำนักงานเลขาธิการวุฒิสภา (2) สำนักงานพระพุทธศาสนาแห่งชาติ"
    )
    assert {(r.agency, r.assessment, r.tier, r.fiscal_year_be) for r in rec.results} == {
        ("สำนักงานเลขาธิการวุฒิสภา", "MORAL_ORG", None, 2566), ("สำนักงานพระพุทธศาสนาแห่งชาติ", "MORAL_ORG", None, 2566),
    }


def test_a_plain_list_with_no_level_and_no_honour_is_no_result():
    rec = run("ผลการประเมิน ITA ประจำปี 2566 มีผู้เข้าร่วมประชุม ได้แก่ สำนักงานเลขาธิการวุฒิสภา และกรมการศาสนา")
    assert rec.results == []


def test_an_item_without_the_assessment_still_names_its_officials():
    rec = extract_document(parse_text(
        "กรมวิชาการเกษตรจัดงานครบรอบ 50 ปี\n\nนายสมชาย ใจดี อธิบดีกรมวิชาการเกษตร เป็นประธานเปิดงาน "
        "โดยมีนางสาวสมศรี ทองดี นายกสมาคมผู้ผลิตปุ๋ยไทย ร่วมเสวนา", doc="t"))
    assert rec.results == [] and rec.aggregates == []
    assert [(o.name, o.position) for o in rec.officials] == [("สมชาย ใจดี", "อธิบดีกรมวิชาการเกษตร")]


@pytest.mark.parametrize("written, position", [
    ("นายสมชาย ใจดี ผู้อำนวยการสถาบันวิจัยแสงซินโครตรอน (องค์การมหาชน) กล่าวว่า",
     "ผู้อำนวยการสถาบันวิจัยแสงซินโครตรอน (องค์การมหาชน)"),
    ("พลเอกสมชาย ใจดี นายกรัฐมนตรี และรมว.กลาโหม เป็นประธาน", "นายกรัฐมนตรี และรมว.กลาโหม"),
    ("นายสมชาย ใจดี รองปลัดกระทรวงคมนาคม ปฏิบัติราชการแทนปลัดกระทรวงคมนาคม กล่าวว่า",
     "รองปลัดกระทรวงคมนาคม ปฏิบัติราชการแทนปลัดกระทรวงคมนาคม"),
])
def test_a_position_runs_on_through_its_public_organisation_suffix_second_post_and_acting_post(written, position):
    rec = run("ผลการประเมิน ITA ประจำปี 2566 " + written)
    assert [o.position for o in rec.officials] == [position]


def test_garbled_text_is_not_a_name():
    rec = run("ผลการประเมิน ITA ประจำปี 2566 นายกฯเ ป็นประธาน ในพิธี")
    assert rec.officials == []


@pytest.mark.parametrize("written, expected", [
    # civil-service line titles run to their grade, and on through the group they work in
    ("นางสาวสมศรี ใจดี นักวิชาการตรวจสอบภายในชำนาญการ กลุ่มตรวจสอบภายใน ได้รับเกียรติบัตร",
     ("สมศรี ใจดี", "นักวิชาการตรวจสอบภายในชำนาญการ กลุ่มตรวจสอบภายใน")),
    ("นายสมชาย ใจดี เจ้าพนักงานป้องกันการทุจริตปฏิบัติการ ร่วมบรรยาย", ("สมชาย ใจดี", "เจ้าพนักงานป้องกันการทุจริตปฏิบัติการ")),
    # a deputy acting for the head: both posts, even when the first is a provincial title
    ("นายสมชาย ใจดี รองผู้ว่าราชการจังหวัดน่าน รักษาราชการแทนผู้ว่าราชการจังหวัดน่าน เป็นประธาน",
     ("สมชาย ใจดี", "รองผู้ว่าราชการจังหวัดน่าน รักษาราชการแทนผู้ว่าราชการจังหวัดน่าน")),
    ("นายสมชาย ใจดี ผู้ตรวจราชการกระทรวงคมนาคม รักษาราชการแทน รองปลัดกระทรวงคมนาคม กล่าวว่า",
     ("สมชาย ใจดี", "ผู้ตรวจราชการกระทรวงคมนาคม รักษาราชการแทน รองปลัดกระทรวงคมนาคม")),
    # military and local-government posts
    ("พล.ร.อ.สมชาย ใจดี ผู้ช่วยผู้บัญชาการทหารเรือ เป็นผู้แทน", ("สมชาย ใจดี", "ผู้ช่วยผู้บัญชาการทหารเรือ")),
    ("นายสมชาย ใจดี รองนายกองค์การบริหารส่วนจังหวัดน่าน เป็นประธาน", ("สมชาย ใจดี", "รองนายกองค์การบริหารส่วนจังหวัดน่าน")),
    # the position before the name, glued to the word before it or given in parentheses
    ("ได้รับรางวัลจากนายกรัฐมนตรี (พลเอกสมชาย ใจดี) ในพิธี", ("สมชาย ใจดี", "นายกรัฐมนตรี")),
    ("ในนามปลัดกระทรวงสาธารณสุข นายแพทย์สมชาย ใจดี ขอชื่นชม", ("สมชาย ใจดี", "ปลัดกระทรวงสาธารณสุข")),
])
def test_how_officials_are_written(written, expected):
    rec = run("ผลการประเมิน ITA ประจำปี 2566 " + written)
    assert [(o.name, o.position) for o in rec.officials] == [expected]


def test_the_position_before_a_comma_belongs_to_the_name_before_it():
    rec = run("ผลการประเมิน ITA โดยมีนายสมชาย ใจดี อธิบดีกรมวิชาการเกษตร, นายสมศักดิ์ รักดี ร่วมเสวนา")
    assert [(o.name, o.position) for o in rec.officials] == [("สมชาย ใจดี", "อธิบดีกรมวิชาการเกษตร")]


def test_private_roles_are_not_officials():
    rec = run("ผลการประเมิน ITA นางสาวสมศรี ทองดี นายกสมาคมผู้ผลิตปุ๋ยไทย และนายสมชาย ใจดี นักวิชาการอิสระ ร่วมเสวนา")
    assert rec.officials == []


def test_one_agencys_scores_by_year_in_a_table_are_results_per_year():
    rec = run(
        "ผลการประเมิน ITA ของ กรมที่ดิน เปรียบเทียบตั้งแต่ปีงบประมาณ พ.ศ. 2563 – 2566\n"
        "ปีงบประมาณ | คะแนน | ระดับ |\n2566 | 88.10 | ผ่าน |\n2565 | 92.50 | A |\n2564 | 81.00 | – |\n"
    )
    assert sorted((r.agency, r.score, r.tier, r.tier_derived, r.fiscal_year_be) for r in rec.results) == [
        ("กรมที่ดิน", 81.0, "B", True, 2564), ("กรมที่ดิน", 88.1, "ผ่าน", False, 2566), ("กรมที่ดิน", 92.5, "A", False, 2565),
    ]


def test_an_abbreviation_expanded_from_the_table_keeps_its_written_form_as_alias():
    rec = run("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2566 ผลปรากฏว่า กกต. ผ่านการประเมินด้วยผลคะแนน 89.19")
    assert [(r.agency, r.agency_aliases, r.score) for r in rec.results] == [
        ("สำนักงานคณะกรรมการการเลือกตั้ง", ["กกต."], 89.19)]


def test_the_year_after_the_english_name_of_the_assessment_is_the_assessment_year():
    rec = run("การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency Assessment) "
              "ประจำปีงบประมาณ พ.ศ. 2566\n\nผลปรากฏว่า กรมที่ดิน ได้ผลคะแนน 89.19")
    assert [(r.agency, r.fiscal_year_be) for r in rec.results] == [("กรมที่ดิน", 2566)]


@pytest.mark.parametrize("text, expected", [
    ("เทศบาลเมืองน่าน รับประกาศนียบัตรเชิดชูเกียรติที่มีผลการประเมิน ITA ประจำปี 2565 ในระดับ A",
     [("เทศบาลเมืองน่าน", None, "A", 2565)]),
    # a group's level, a run of levels over the years, a rating band: no tier-only result
    ("ผลการประเมิน ITA ปี 2566 สอจ. 7 จังหวัด มีผลการประเมิน ITA ระดับ AA", []),
    ("ผลการประเมิน ITA กรมทางหลวงชนบท มีผลการประเมินอยู่ทั้งในระดับผ่าน ผ่านดี และผ่านดีเยี่ยม", []),
    # the band written after the level explains it: the level stays, the band is no score
    ("พร้อมมอบโล่ให้กับกรมทางหลวงชนบท ที่ได้ผลการประเมิน ITA ประจำปี 2565 ระดับ AA (95-100 คะแนน)",
     [("กรมทางหลวงชนบท", None, "AA", 2565)]),
])
def test_an_agencys_level_written_without_a_score_is_a_result(text, expected):
    rec = run(text)
    assert [(r.agency, r.score, r.tier, r.fiscal_year_be) for r in rec.results] == expected


@pytest.mark.parametrize("assessor", ["สำนักงานคณะกรรมการป้องกันและปราบปราบการทุจริตแห่งชาติ",
                                      "สำนักงานคณะกรรมการป้องกันและปราปรามการทุจริตแห่งชาติ"])
def test_the_assessor_mistyped_is_still_the_assessor_not_a_scored_agency(assessor):
    rec = run(f"ผลการประเมิน ITA ประจำปี 2566 จาก{assessor} ได้ 96.50 คะแนน")
    assert [r.agency for r in rec.results] == []


def test_scores_by_year_in_a_sentence_take_the_year_before_each_and_no_earlier_tier():
    rec = run("ผลการประเมิน ITA ประจำปี 2566 กรมที่ดิน ได้ผลคะแนนรวมอยู่ที่ 91.29 คะแนน ได้ผลการประเมินระดับ A "
              "โดยเมื่อเปรียบเทียบผลคะแนนในปีที่ผ่านมา คือ ปี 2563 ได้ 78.44 คะแนน ปี 2564 ได้ 77.57 คะแนน และ ปี 2565 ได้ 86.63 คะแนน")
    assert sorted((r.score, r.fiscal_year_be) for r in rec.results) == [(77.57, 2564), (78.44, 2563), (86.63, 2565), (91.29, 2566)]
    assert all(r.tier_derived for r in rec.results if r.score != 91.29)  # "ระดับ A" is 91.29's only


@pytest.mark.parametrize("text", [
    "ผลการประเมิน ITA ปี 2567 กรมที่ดิน ได้ 96.47 คะแนน ผลจากความเป็นเลิศ การปฏิบัติหน้าที่ การใช้งบประมาณ และการแก้ไขปัญหาการทุจริต ได้ 100 คะแนนเต็ม",
    "ผลการประเมิน ITA ปี 2567 กรมที่ดิน ได้ 96.47 คะแนน โดยได้รับ 100 คะแนนเต็มจากตัวชี้วัด การเปิดเผยข้อมูล",
])
def test_full_marks_on_named_indicators_are_sub_scores(text):
    assert [r.score for r in run(text).results] == [96.47]


def test_the_highest_score_named_after_its_agency_is_its_result():
    rec = run("ผลการประเมิน ITA ปี 2567 โดยสำนักงานปลัดกระทรวงสาธารณสุข มีคะแนน ITA สูงสุด คือ 93.92 และรับทราบการพัฒนาระบบ")
    assert [(r.agency, r.score, r.fiscal_year_be) for r in rec.results] == [("สำนักงานปลัดกระทรวงสาธารณสุข", 93.92, 2567)]
