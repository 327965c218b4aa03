"""The figure rules one by one: each named rule of figures.RULES decides a number of a
short text written the way Thai official news writes, and the number becomes what the
rule says (a figure of a kind, or no figure)."""

from __future__ import annotations

import pytest

from ita_extract.extract.figures import RULES, VETOES, decisions
from ita_extract.extract.mentions import line_starts, read_mentions
from ita_extract.extract.passages import Passage

pytestmark = pytest.mark.extract


def decide_all(text: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """number as written → (rule, veto, kind of the figure or None)."""
    ctx = read_mentions(text, Passage(0, len(text)), {}, line_starts(text))
    return {d.number.text: (d.rule, d.veto, d.figure.kind if d.figure else None) for d in decisions(ctx)}


# (rule, text, number as written, what it becomes)
CASES = [
    ("ranked_group_size", "ผลการประเมิน ITA ได้ลำดับที่ 3 จาก 53 ของหน่วยงานรัฐวิสาหกิจ", "53", "count_assessed"),
    ("count_under_tier", "ผลการประเมิน ITA ระดับ AA จำนวน 7 หน่วยงาน", "7", "count_tier"),
    ("count_out_of", "การประเมิน ITA ผ่านเกณฑ์ 16 หน่วยงาน จากทั้งหมด 17 หน่วยงาน", "17", "count_assessed"),
    ("count_from_group", "การประเมิน ITA มีคะแนนเฉลี่ย 81.25 คะแนน จากหน่วยงานภาครัฐ 8,300 แห่ง", "8,300", "count_assessed"),
    ("count_in_parens_after_rank", "การประเมิน ITA ได้อันดับที่ 1 ของหน่วยงานในสังกัดกระทรวงคมนาคม (18 หน่วยงาน)", "18", "count_assessed"),
    ("count_ranked_group", "ผลการประเมิน ITA กรมทางหลวง ได้อันดับที่ 4 จากหน่วยงานในสังกัดกระทรวงคมนาคม 53 หน่วยงาน", "53",
     "count_assessed"),
    ("count_assessed_after", "การประเมิน ITA มีหน่วยงานภาครัฐ จำนวน 8,303 แห่งทั่วประเทศ เข้าร่วมการประเมิน", "8,303",
     "count_assessed"),
    ("count_of_all", "ผลการประเมิน ITA ของหน่วยงานในสังกัดกระทรวงมหาดไทย รวมจำนวน 76 หน่วยงาน", "76", "count_assessed"),
    ("unitless_count_assessed", "การประเมิน ITA ตามที่หน่วยงานภาครัฐทั่วประเทศ จำนวน 7,915 ได้เข้าร่วมการประเมิน", "7,915",
     "count_assessed"),
    ("type_score", "ผลการประเมิน ITA ปี 2563 ประเภทหน่วยงานที่ได้คะแนนสูงสุดคือ รัฐวิสาหกิจ 93.10 คะแนน รองลงมาคือ "
     "องค์การมหาชน 92.45 คะแนน", "92.45", "average"),
    ("national_overall", "การประเมิน ITA ประจำปี 2568 มีผลการประเมินภาพรวมระดับประเทศอยู่ที่ 93.82 คะแนน", "93.82", "average"),
    ("count_fail_after", "การประเมิน ITA ปี 2566 มีหน่วยงาน 22 หน่วยงาน ที่ไม่ผ่านการประเมิน", "22", "count_fail"),
    ("count_pass_after", "การประเมิน ITA ปี 2563 มีหน่วยงานภาครัฐ 1,095 หน่วยงาน ผ่านเกณฑ์", "1,095", "count_pass"),
    ("count_tier_after", "การประเมิน ITA ปี 2565 มอบใบประกาศเกียรติคุณให้ 13 หน่วยงาน ที่ได้ผลการประเมินในระดับ A", "13",
     "count_tier"),
    ("count_fail", "การประเมิน ITA มีหน่วยงานที่ไม่ผ่านเกณฑ์ 12 หน่วยงาน", "12", "count_fail"),
    ("count_pass", "การประเมิน ITA มีหน่วยงานผ่านเกณฑ์ 40 หน่วยงาน", "40", "count_pass"),
    ("count_assessed", "การประเมิน ITA มีหน่วยงานเข้ารับการประเมิน 59 หน่วยงาน", "59", "count_assessed"),
    ("count_of_agencies", "การประเมิน ITA ปีนี้ มีโรงเรียน 30 แห่ง", "30", None),
    ("percent_sign_score", "สำนักงานที่ดินจังหวัดลำพูน ได้คะแนน ITA สูงสุด 98.52%", "98.52", "score"),
    ("percent_score", "สำนักงานที่ดินจังหวัดลำพูน ได้คะแนน ITA ร้อยละ 96.67", "96.67", "score"),
    ("percent_change", "การประเมิน ITA ผ่านเกณฑ์เพิ่มขึ้น ร้อยละ 5.5", "5.5", None),
    ("percent_of_pass_count", "การประเมิน ITA ผ่านเกณฑ์ 16 หน่วยงาน คิดเป็นร้อยละ 94.12", "94.12", "percent_pass"),
    ("percent_of_fail_count", "การประเมิน ITA ไม่ผ่านเกณฑ์ 4 หน่วยงาน คิดเป็นร้อยละ 5.88", "5.88", "percent_fail"),
    ("percent_fail", "การประเมิน ITA หน่วยงานที่ไม่ผ่านการประเมิน ร้อยละ 10.5", "10.5", "percent_fail"),
    ("percent_pass", "การประเมิน ITA หน่วยงานที่ผ่านการประเมิน ร้อยละ 89.5", "89.5", "percent_pass"),
    ("participants", "การประเมิน ITA มีผู้มีส่วนได้ส่วนเสียตอบแบบวัด 608 คน", "608", "participants"),
    ("count_of_people", "การประเมิน ITA มีผู้เข้าร่วมประชุม 120 คน", "120", None),
    ("rank", "ผลการประเมิน ITA กรมที่ดิน ได้ลำดับที่ 29", "29", "rank"),
    ("average_target", "การประเมิน ITA กำหนดค่าคะแนนเฉลี่ย 85 คะแนนขึ้นไป", "85", None),
    ("own_average", "การประเมิน ITA กรมการปกครอง มีคะแนนเฉลี่ยอยู่ที่ 99.55", "99.55", "score"),
    ("average", "การประเมิน ITA ทั้งประเทศ มีค่าเฉลี่ย 87.57", "87.57", "average"),
    ("percent_with_score_unit", "การประเมิน ITA กรมที่ดิน ได้รับผลการประเมิน ร้อยละ 96.59 คะแนน", "96.59", "score"),
    ("rating_band", "การประเมิน ITA กรมที่ดิน อยู่ในระดับ AA (95-100 คะแนน)", "100", None),
    ("score_target", "การประเมิน ITA ต้องได้ไม่น้อยกว่า 85 คะแนน", "85", None),
    ("below_scale", "การประเมิน ITA กรมที่ดิน ได้ 12 คะแนน", "12", None),
    ("level", "กรมที่ดิน ได้คะแนน ITA 95.10 คะแนน เพิ่มขึ้นจาก 91.31 คะแนน", "91.31", "score"),
    ("score_average", "การประเมิน ITA ค่าเฉลี่ยของหน่วยงานภาครัฐทั้งประเทศในปีงบประมาณนี้ อยู่ที่ 87.57 คะแนน", "87.57", "average"),
    ("score_change", "กรมที่ดิน ได้คะแนน ITA เพิ่มขึ้น 25.50 คะแนน", "25.50", None),
    ("subscore", "กรมที่ดิน ได้คะแนน ITA ในตัวชี้วัดการเปิดเผยข้อมูล 95 คะแนน", "95", None),
    ("other_index", "ผล CPI ของไทยได้ 35 คะแนน", "35", None),
    ("score", "สำนักงานที่ดินจังหวัดลำพูน ได้คะแนน ITA 95.50 คะแนน", "95.50", "score"),
]


@pytest.mark.parametrize("rule, text, number, becomes", CASES, ids=[c[0] for c in CASES])
def test_each_figure_rule_decides_its_example(rule, text, number, becomes):
    got = decide_all(text)
    assert number in got, got
    decided_by, veto, kind = got[number]
    assert (decided_by, veto, kind) == (rule, None, becomes)


def test_level_of_an_average_is_an_average():
    got = decide_all("การประเมิน ITA ทั้งประเทศ มีค่าเฉลี่ย 87.57 คะแนน เพิ่มขึ้นจาก 85.20 คะแนน")
    assert got["85.20"] == ("level_of_average", None, "average")


def test_every_rule_has_an_example():
    names = {r.name for r in RULES} | {s.name for r in RULES for s in r.then}
    groups = {r.name for r in RULES if r.then} - {"count_of_agencies", "count_of_people"}  # decide by sub-rules
    assert names - groups == {c[0] for c in CASES} | {"level_of_average"}


@pytest.mark.parametrize("text, number, veto", [
    ("การประเมิน ITA ปี 2568 มีหน่วยงานเข้าร่วมการประเมินกว่า 8,000 หน่วยงาน", "8,000", "round_approximate"),
    ("มีค่าเฉลี่ย 87.57 คะแนน", "87.57", "not_ita"),
    ("การประเมิน ITA หน่วยงานที่ไม่ผ่านการประเมิน ต้องน้อยกว่าร้อยละ 5", "5", "percent_target"),
    ("การประเมิน ITA กำหนดค่าเป้าหมาย จะต้องมีหน่วยงานผ่านเกณฑ์ 40 หน่วยงาน", "40", "obligation"),
])
def test_vetoes_undo_a_group_figure(text, number, veto):
    assert veto in {v.name for v in VETOES}
    _, vetoed_by, kind = decide_all(text)[number]
    assert (vetoed_by, kind) == (veto, None)
