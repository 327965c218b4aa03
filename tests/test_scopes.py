"""The scope of an aggregate: the group the text names, and its level."""

from __future__ import annotations

import pytest

from ita_extract.extract import extract_document
from ita_extract.extract.merge import merge_aggregates
from ita_extract.extract.scopes import scope_level
from ita_extract.models import Aggregate
from ita_extract.parse import parse_text

pytestmark = pytest.mark.extract


def run(body: str):
    return extract_document(parse_text("หัวข้อข่าวสำหรับการทดสอบ\n\n" + body, doc="t"))


def scopes(body: str) -> dict[tuple[str, float], str]:
    return {(a.metric, a.value): a.scope for a in run(body).aggregates}


def test_a_rank_is_scoped_to_the_group_ranked_in_not_the_ranked_agency():
    got = scopes("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2564 การประปาส่วนภูมิภาค ได้คะแนน 97.12 คะแนน "
                 "อยู่ในอันดับที่ 5 ของหน่วยงานรัฐวิสาหกิจ และอันดับที่ 2 ของหน่วยงานในสังกัดกระทรวงมหาดไทย")
    assert got[("rank", 5.0)] == "หน่วยงานรัฐวิสาหกิจ"
    assert got[("rank", 2.0)] == "หน่วยงานในสังกัดกระทรวงมหาดไทย"


def test_the_size_after_a_rank_shares_the_rank_s_group():
    got = scopes("ผลการประเมิน ITA ปี 2565 กรมศุลกากร ได้ 96.20 คะแนน เป็นลำดับที่ 4 จาก 29 หน่วยงานสังกัดกระทรวงการคลัง")
    assert got[("rank", 4.0)] == "หน่วยงานสังกัดกระทรวงการคลัง"
    assert got[("count_assessed", 29.0)] == "หน่วยงานสังกัดกระทรวงการคลัง"


def test_a_rank_in_the_country_is_national():
    got = scopes("ผลการประเมิน ITA ปี 2566 เทศบาลนครยะลา ได้ 98.01 คะแนน อยู่ในอันดับที่ 12 ของประเทศ")
    assert got[("rank", 12.0)] == "ประเทศ"


def test_public_agencies_counted_by_the_thousand_are_the_country():
    got = scopes("ในปีงบประมาณ พ.ศ. 2567 มีหน่วยงานภาครัฐที่เข้ารับการประเมิน ITA จำนวน 8,325 หน่วยงาน "
                 "มีหน่วยงานภาครัฐที่ผ่านเกณฑ์ จำนวน 7,696 หน่วยงาน หรือคิดเป็นร้อยละ 92.44")
    assert set(got.values()) == {"ประเทศ"}


def test_a_province_s_figures_carry_its_name_past_public_agencies_and_its_national_rank():
    got = scopes("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2565 ค่าเฉลี่ยทั้งประเทศอยู่ที่ 87.57 คะแนน "
                 "สำหรับจังหวัดน่านมีค่าเฉลี่ย 90.02 คะแนน อยู่ในลำดับที่ 20 ของประเทศ "
                 "มีหน่วยงานที่เข้ารับการประเมินทั้งหมดจำนวน 40 หน่วยงาน โดยมีหน่วยงานภาครัฐที่มีผลการประเมิน"
                 "ในระดับ AA จำนวน 5 หน่วยงาน และหน่วยงานภาครัฐที่ผ่านเกณฑ์การประเมินทั้งหมดจำนวน 30 หน่วยงาน")
    assert got[("average", 87.57)] == "ประเทศ"
    assert got[("rank", 20.0)] == "ประเทศ"
    assert got[("count_assessed", 40.0)] == "จังหวัดน่าน"
    assert got[("count_tier", 5.0)] == "จังหวัดน่าน"
    assert got[("count_pass", 30.0)] == "จังหวัดน่าน"


def test_overall_means_the_group_named_earlier_in_the_paragraph():
    got = scopes("ในปีงบประมาณ 2566 ได้ขยายการประเมิน ITA ลงสู่อำเภอ ในฐานะหน่วยงานบริหารราชการส่วนภูมิภาค"
                 "ที่ให้บริการและใกล้ชิดประชาชนในเขตพื้นที่ โดยภาพรวมการประเมิน ITA อยู่ในระดับดี มีค่าเฉลี่ยอยู่ที่ 89.10")
    assert got[("average", 89.10)] == "อำเภอ"


def test_a_bank_named_of_thailand_is_not_the_country():
    got = scopes("ผลการประเมิน ITA ปี 2564 ธนาคารออมสิน ได้ 96.00 คะแนน ลำดับที่ 3 ซึ่งธนาคารแห่งประเทศไทย "
                 "มีค่าเฉลี่ย 95.10")
    assert got.get(("average", 95.10)) != "ประเทศ"


@pytest.mark.parametrize("scope, level", [
    ("ประเทศ", "national"), ("หน่วยงานทั่วประเทศ", "national"), ("จังหวัดลำพูน", "province"),
    ("อำเภอ", "district"), ("กระทรวงวัฒนธรรม", "ministry"), ("หน่วยงานในสังกัดกระทรวงสาธารณสุข", "ministry"),
    ("หน่วยงานรัฐวิสาหกิจ", "group"), ("องค์การมหาชน", "group"), ("จังหวัด", "group"),
    ("องค์กรปกครองส่วนท้องถิ่นในจังหวัดเชียงราย", "province"), ("สถาบันอุดมศึกษา", "group"),
    ("กรมการขนส่งทางราง", "agency"), ("สำนักงานปลัดกระทรวงอุตสาหกรรม", "agency"), ("ไม่ระบุ", None),
])
def test_scope_level_is_read_from_the_wording(scope, level):
    assert scope_level(scope) == level


def test_every_aggregate_carries_its_scope_level():
    rec = run("ผลการประเมิน ITA ปี 2566 เทศบาลนครยะลา ได้ 98.01 คะแนน อยู่ในอันดับที่ 12 ของประเทศ")
    assert [(a.scope, a.scope_level) for a in rec.aggregates] == [("ประเทศ", "national")]


def test_equal_figures_of_groups_named_apart_stay_apart_and_a_placeholder_joins_a_named_group():
    a = Aggregate(scope="รัฐวิสาหกิจ", scope_level="group", metric="count_assessed", value=51)
    b = Aggregate(scope="องค์การมหาชน", scope_level="group", metric="count_assessed", value=51)
    c = Aggregate(scope="ไม่ระบุ", metric="count_assessed", value=51, fiscal_year_be=2565)
    assert [x.scope for x in merge_aggregates([a, b])] == ["รัฐวิสาหกิจ", "องค์การมหาชน"]
    merged = merge_aggregates([c, a])
    assert [(x.scope, x.fiscal_year_be) for x in merged] == [("รัฐวิสาหกิจ", 2565)]


@pytest.mark.parametrize("text, size", [
    ("ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2564 มีหน่วยงานภาครัฐ จำนวน 8,300 แห่งทั่วประเทศ เข้าร่วมการประเมิน ITA", 8300),
    ("ผลการประเมิน ITA ปี 2567 กรมสรรพากร ได้คะแนน 97.50 เป็นลำดับที่ 2 ของกลุ่มส่วนราชการระดับกรม รวมจำนวน 160 หน่วยงาน", 160),
    ("การประเมิน ITA ปี 2563 หน่วยงานที่อยู่ในช่วงระดับ C-F จำนวน 5,743 แห่ง จากส่วนราชการส่วนภูมิภาคและ อปท. ทั้งหมด 7,928 แห่ง", 7928),
    ("ผลการประเมิน ITA ปี 2566 ได้ 92.10 คะแนน อยู่ในอันดับที่ 9 ของกลุ่มสถาบันการศึกษา จากทั้งหมด 87 สถาบัน", 87),
    ("ผลการประเมิน ITA ปี 2565 ได้คะแนนสูงสุดเป็นอันดับ 1 ในกลุ่มองค์การมหาชน 57 หน่วยงาน ที่เข้าร่วมรับการประเมินในปีนี้", 57),
    ("สำหรับจังหวัดตรังได้มีการประเมิน ITA ของหน่วยงานภาครัฐจำนวน 70 หน่วยงาน", 70),
])
def test_the_size_of_the_assessed_group_with_its_cue_after_or_as_a_total(text, size):
    assert ("count_assessed", size) in [(a.metric, a.value) for a in run(text).aggregates]


def test_all_of_a_group_just_named_is_no_new_count():
    rec = run("ผลการประเมิน ITA ปี 2564 อันดับที่ 1 กรมการศาสนา 96.90 คะแนน อันดับที่ 2 กรมศิลปากร 96.09 คะแนน "
              "โดยทั้ง 2 หน่วยงานจะต้องพัฒนาต่อเนื่อง")
    assert "count_assessed" not in [a.metric for a in rec.aggregates]


def test_a_table_of_tiers_counts_agencies_per_tier_for_the_group_the_text_names():
    table = "\n".join([
        "ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2567 ของหน่วยงานภาครัฐทั่วประเทศ มีผลการจัดระดับดังนี้",
        "ระดับ", "จำนวน (หน่วยงาน)", "ร้อยละ",
        "ผ่านดีเยี่ยม", "1,200", "14.40",
        "ผ่านดี", "3,600", "43.30",
        "ต้องปรับปรุง", "550", "6.60",
        "รวม", "8,320", "100.00",
    ])
    got = sorted((a.scope, a.metric, a.tier, a.value) for a in run(table).aggregates)
    assert ("ประเทศ", "count_tier", "ผ่านดีเยี่ยม", 1200.0) in got
    assert ("ประเทศ", "count_tier", "ต้องปรับปรุง", 550.0) in got
    assert ("ประเทศ", "count_assessed", None, 8320.0) in got
    assert not any(v in (14.4, 43.3, 6.6, 100.0) for *_, v in got)  # shares per tier are no metric


def test_a_column_of_signed_cells_is_changes_not_values():
    table = "\n".join([
        "ผลการประเมิน ITA ตามประเภทหน่วยงาน ปีงบประมาณ พ.ศ. 2566",
        "ประเภทหน่วยงาน", "คะแนนเฉลี่ย", "คะแนน",
        "องค์การมหาชน", "93.26", "+1.20",
        "รัฐวิสาหกิจ", "92.85", "-0.46",
    ])
    got = sorted((a.scope, a.metric, a.value) for a in run(table).aggregates)
    assert got == [("รัฐวิสาหกิจ", "average", 92.85), ("องค์การมหาชน", "average", 93.26)]


def test_a_year_after_a_comparison_is_not_the_year_of_the_next_clause():
    rec = run("สำหรับผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2565 หน่วยงานที่ผ่านเกณฑ์การประเมินจำนวน 30 หน่วยงาน "
              "คิดเป็นร้อยละ 75.00 ซึ่งเพิ่มจากปี 2564 ร้อยละ 10.50 และหน่วยงานที่ไม่ผ่านเกณฑ์การประเมินจำนวน 10 หน่วยงาน")
    years = {(a.metric, a.value): a.fiscal_year_be for a in rec.aggregates}
    assert years[("count_pass", 30.0)] == 2565
    assert years[("count_fail", 10.0)] == 2565
    assert ("percent_pass", 10.5) not in years  # the change is no aggregate


def test_public_agencies_after_a_ranked_agency_are_not_that_agency():
    got = scopes("ผลการประเมิน ITA ปี 2563 ธนาคารออมสิน ได้ 99.10 คะแนน เป็นอันดับ 1 "
                 "โดยมีผู้มีส่วนได้ส่วนเสียและประชาชนผู้รับบริการหรือติดต่อกับหน่วยงานภาครัฐได้เข้ามามีส่วนร่วมประเมิน 1,301,000 คน")
    assert got[("participants", 1301000.0)] != "ธนาคารออมสิน"


@pytest.mark.parametrize("text, rank", [
    ("ผลการประเมิน ITA ปี 2565 สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน คว้าอันดับหนึ่งขององค์กรหลัก ด้วยคะแนน 98.32", 1.0),
    ("ผลการประเมิน ITA ปี 2559 สำนักงานสาธารณสุขจังหวัดอ่างทอง ได้ที่หนึ่งของหน่วยงานระดับจังหวัด", 1.0),
    ("ผลการประเมิน ITA ปี 2566 กรมป่าไม้ อยู่ในลำดับที่สามของกระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม", 3.0),
])
def test_a_rank_written_in_words_is_a_rank(text, rank):
    assert ("rank", rank) in [(a.metric, a.value) for a in run(text).aggregates]


def test_a_rank_in_words_of_another_index_is_no_aggregate():
    rec = run("การประเมิน ITA ปี 2566 ดัชนีการรับรู้การทุจริต (CPI) ประเทศไทยอยู่ในอันดับสามของอาเซียน")
    assert [a for a in rec.aggregates if a.metric == "rank"] == []


def test_counts_per_tier_written_without_levels_word_and_glued_to_agencies():
    rec = run("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2567 มีหน่วยงานผ่านดีเยี่ยม 1,196 หน่วยงาน ผ่านดี 3,638 หน่วยงาน")
    assert sorted((a.metric, a.tier, a.value) for a in rec.aggregates) == [
        ("count_tier", "ผ่านดี", 3638.0), ("count_tier", "ผ่านดีเยี่ยม", 1196.0)]


@pytest.mark.parametrize("written, kept", [("กว่า 8,317", True), ("กว่า 8,000", False), ("ประมาณ 8,300", False)])
def test_an_exact_lower_bound_is_a_count_and_a_round_one_is_not(written, kept):
    rec = run(f"ผลการประเมิน ITA ปี 2568 มีหน่วยงานเข้าร่วมการประเมิน{written} หน่วยงานทั่วประเทศ")
    assert bool([a for a in rec.aggregates if a.metric == "count_assessed"]) == kept


@pytest.mark.parametrize("text, rate", [
    ("ที่ประชุมรับทราบผลการประเมิน ITA ปี 2567 ซึ่งหน่วยงานของกระทรวงสาธารณสุขผ่านเกณฑ์การประเมินถึง 94.12%", 94.12),
    ("การประเมิน ITA ปี 2568 มีหน่วยงานที่มีคะแนนผ่านเกณฑ์จำนวน 7,832 หน่วยงาน คิดเป็น 94.17% ของหน่วยงานทั้งหมด", 94.17),
])
def test_a_pass_rate_written_with_a_percent_sign_is_a_pass_rate(text, rate):
    assert ("percent_pass", rate) in [(a.metric, a.value) for a in run(text).aggregates]


def test_agency_types_in_a_list_scope_their_own_averages():
    got = scopes("ผลการประเมิน ITA ปีงบประมาณ 2564 จำแนกได้ 3 ประเภท ได้แก่ (1) รัฐวิสาหกิจ มีคะแนนเฉลี่ย 93.31 คะแนน "
                 "(2) องค์การมหาชน มีคะแนนเฉลี่ย 93.26 คะแนน (3) สถาบันอุดมศึกษา มีคะแนนเฉลี่ย 89.87 คะแนน")
    assert got == {("average", 93.31): "รัฐวิสาหกิจ", ("average", 93.26): "องค์การมหาชน",
                   ("average", 89.87): "สถาบันอุดมศึกษา"}


def test_a_type_in_parentheses_after_a_name_is_not_a_scope():
    rec = run("ผลการประเมิน ITA ปี 2566 สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) ได้ 96.50 คะแนน อยู่ในอันดับที่ 2")
    assert [a.scope for a in rec.aggregates if a.metric == "rank"] != ["องค์การมหาชน"]


def test_a_list_of_tier_counts_one_a_line_keeps_the_group_of_its_first_item():
    got = scopes("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2567 มีผลการจัดระดับดังนี้\n"
                 "- ระดับ ผ่านดีเยี่ยม จำนวน 1,196 หน่วยงาน\n- ระดับ ต้องปรับปรุง จำนวน 555 หน่วยงาน\n"
                 "- ระดับ ต้องปรับปรุงโดยด่วน จำนวน 74 หน่วยงาน")
    assert set(got.values()) == {"ประเทศ"}


def test_over_a_million_people_answering_is_the_national_assessment():
    got = scopes("การประเมิน ITA ปี 2563 มีผู้มีส่วนได้ส่วนเสียและประชาชนที่ติดต่อกับหน่วยงานภาครัฐ"
                 "ได้เข้ามามีส่วนร่วมประเมิน 1,301,665 คน")
    assert got[("participants", 1301665.0)] == "ประเทศ"


def test_a_year_counted_since_is_not_the_year_of_the_figures_after_it():
    rec = run("ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2564 กองทุนฯ ได้ 97.44 คะแนน เป็นสถิติสูงสุดนับตั้งแต่เข้ารับการประเมิน "
              "ตั้งแต่ปี 2562 โดยมีหน่วยงานที่เข้าร่วมการประเมินทั้งสิ้น 8,300 หน่วยงาน")
    assert [(a.metric, a.fiscal_year_be) for a in rec.aggregates] == [("count_assessed", 2564)]


def test_agencies_given_certificates_are_no_group_size():
    rec = run("การประเมินองค์กรคุณธรรม ITA ปี 2566 หน่วยงานในสังกัดได้รับเกียรติบัตร รวมจำนวนทั้งสิ้น 64 องค์กร")
    assert "count_assessed" not in [a.metric for a in rec.aggregates]


def test_a_group_phrase_does_not_run_on_into_a_date():
    rec = run("ผลการประเมิน ITA ปี 2566 ของหน่วยงานภายในมหาวิทยาลัย อันดับที่ 2 จากทั้งหมด 39 หน่วยงาน ในวันพฤหัสบดีที่ 7 เมษายน")
    assert all("วันพฤหัสบดี" not in a.scope for a in rec.aggregates)


def test_second_in_a_saying_is_no_rank():
    rec = run("การประเมิน ITA ปี 2566 ยึดหลักว่า ขอให้ถือผลประโยชน์ส่วนตัวเป็นที่สอง ประโยชน์ของเพื่อนมนุษย์เป็นกิจที่หนึ่ง")
    assert [a for a in rec.aggregates if a.metric == "rank"] == []
