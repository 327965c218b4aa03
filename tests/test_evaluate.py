"""Tests of ita_extract.evaluate: hand-computed scores, gold validation, floors."""

from __future__ import annotations

import json
import shutil
from itertools import combinations, permutations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ita_extract import evaluate
from ita_extract.errors import GoldError
from ita_extract.evaluate import score
from ita_extract.models import Aggregate, DocumentRecord, Official, Result

GOLD = Path(__file__).resolve().parent.parent / "gold"
SEED_DOC = "000_6370b3e3eddcf34a"

AGENCY = "สำนักงานอุตสาหกรรมจังหวัดกาญจนบุรี"


def rec(doc: str = "d1", **fields) -> DocumentRecord:
    return DocumentRecord(doc=doc, **fields)


def res(agency: str = AGENCY, score: float | None = 95.0, **fields) -> Result:
    return Result(agency=agency, score=score, **fields)


def approx(value: float) -> pytest.approx:
    return pytest.approx(value, abs=1e-9)


# ---------------------------------------------------------------- scoring, by hand


def test_perfect_prediction():
    gold = [
        rec(
            results=[res(tier="AA")],
            aggregates=[Aggregate(scope="ประเทศ", metric="average", value=87.57)],
            officials=[Official(name="ณัฐพล รังสิต", position="ปลัดกระทรวงอุตสาหกรรม")],
            published="2023-11-16",
        )
    ]
    scores = score(gold, gold)
    assert all(value == 1.0 for value in scores.figures().values())
    assert (scores.micro.tp, scores.micro.fp, scores.micro.fn) == (3, 0, 0)


def test_one_false_positive():
    gold = [rec(results=[res("กองกลาง"), res("กองคลัง", 90)])]
    pred = [rec(results=[res("กองกลาง"), res("กองคลัง", 90), res("กองช่าง", 80)])]
    c = score(gold, pred).results
    assert (c.tp, c.fp, c.fn) == (2, 1, 0)
    assert c.precision == approx(2 / 3)
    assert c.recall == 1.0
    assert c.f1 == approx(0.8)  # 2 · (2/3) · 1 / (2/3 + 1)


def test_one_false_negative():
    gold = [
        rec(
            officials=[Official(name="ก ข"), Official(name="ค ง"), Official(name="จ ฉ")]
        )
    ]
    pred = [rec(officials=[Official(name="ก ข"), Official(name="ค ง")])]
    scores = score(gold, pred)
    c = scores.officials
    assert (c.tp, c.fp, c.fn) == (2, 0, 1)
    assert (c.precision, c.recall, c.f1) == (1.0, approx(2 / 3), approx(0.8))
    assert scores.details[0].fn["officials"] == [{"name": "จ ฉ"}]


def test_micro_pools_the_three_lists():
    gold = [
        rec(
            results=[res("กองกลาง"), res("กองคลัง", 90)],  # 1 TP, 1 FN
            aggregates=[
                Aggregate(scope="ประเทศ", metric="average", value=87.57)
            ],  # 1 FN
            officials=[Official(name="ก ข")],  # 1 TP
        )
    ]
    pred = [
        rec(
            results=[res("กองกลาง"), res("กองช่าง", 80)],  # 1 FP
            officials=[Official(name="ก ข"), Official(name="ค ง")],  # 1 FP
        )
    ]
    micro = score(gold, pred).micro
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 2)
    assert (micro.precision, micro.recall, micro.f1) == (0.5, 0.5, 0.5)


def test_agency_containment_ignores_spaces_and_zero_width_characters():
    gold = [rec(results=[res("สำนักงาน อุตสาหกรรมจังหวัด กาญจนบุรี")])]
    pred = [
        rec(
            results=[
                res(
                    "อุตสาหกรรม\u200bจังหวัดกาญจนบุรี"
                ),  # contained, zero-width space inside
            ]
        )
    ]
    assert score(gold, pred).results.tp == 1
    # the other way round: the prediction is the longer name
    assert score(pred, gold).results.tp == 1
    # sara am written as nikhahit + sara aa looks the same and matches
    assert (
        score(
            [rec(results=[res("กองกำกับ")])], [rec(results=[res("กองก\u0e4d\u0e32กับ")])]
        ).results.tp
        == 1
    )


def test_agency_score_and_assessment_must_all_match():
    gold = [rec(results=[res("กองกลาง", 95.0)])]
    for wrong in (
        res("กองคลัง", 95.0),
        res("กองกลาง", 94.0),
        res("กองกลาง", 95.0, assessment="MORAL_ORG"),
    ):
        c = score(gold, [rec(results=[wrong])]).results
        assert (c.tp, c.fp, c.fn) == (0, 1, 1), wrong


def test_score_tolerance_is_half_a_hundredth():
    gold = [rec(results=[res(score=95.0)])]
    assert score(gold, [rec(results=[res(score=95.005)])]).results.tp == 1
    assert score(gold, [rec(results=[res(score=94.996)])]).results.tp == 1
    assert score(gold, [rec(results=[res(score=95.01)])]).results.tp == 0
    # both null is a match; null against a number is not
    assert (
        score(
            [rec(results=[res(score=None)])], [rec(results=[res(score=None)])]
        ).results.tp
        == 1
    )
    assert (
        score(
            [rec(results=[res(score=None)])], [rec(results=[res(score=95.0)])]
        ).results.tp
        == 0
    )


@pytest.mark.parametrize(
    ("gold_tier", "pred_tier", "ok"),
    [
        ("ผ่านดีเยี่ยม", "AA", True),
        ("AA", "ดีเยี่ยม", True),
        ("ผ่านดี", "A", True),
        (" A ", "A", True),
        ("AA", "A", False),
        ("ผ่านดี", "ผ่าน", False),
        ("องค์กรคุณธรรมต้นแบบ", "องค์กรคุณธรรมต้นแบบ", True),
    ],
)
def test_tier_equivalence(gold_tier, pred_tier, ok):
    scores = score(
        [rec(results=[res(tier=gold_tier)])], [rec(results=[res(tier=pred_tier)])]
    )
    assert scores.results.tp == 1  # the tier is checked on the pair, not matched on
    assert (scores.tier.correct, scores.tier.total) == (int(ok), 1)


def test_a_derived_tier_against_a_null_gold_tier():
    gold = [rec(results=[res(tier=None)])]
    assert (
        score(gold, [rec(results=[res(tier="AA", tier_derived=True)])]).tier.value
        == 1.0
    )
    assert score(gold, [rec(results=[res(tier=None)])]).tier.value == 1.0
    unmarked = score(gold, [rec(results=[res(tier="AA")])])
    assert unmarked.tier.value == 0.0
    assert unmarked.details[0].mismatches[0].field == "tier"
    # a derived tier is still judged when gold states one
    assert (
        score(
            [rec(results=[res(tier="A")])],
            [rec(results=[res(tier="AA", tier_derived=True)])],
        ).tier.value
        == 0.0
    )


def test_fiscal_year_accuracy_is_reported_separately():
    gold = [
        rec(
            results=[res(fiscal_year_be=2566)],
            aggregates=[
                Aggregate(
                    scope="ประเทศ", metric="average", value=87.57, fiscal_year_be=2565
                )
            ],
        )
    ]
    pred = [
        rec(
            results=[res(fiscal_year_be=2567)],
            aggregates=[
                Aggregate(
                    scope="ประเทศ", metric="average", value=87.57, fiscal_year_be=2565
                )
            ],
        )
    ]
    scores = score(gold, pred)
    assert scores.results.f1 == 1.0 and scores.tier.value == 1.0
    assert (scores.fiscal_year.correct, scores.fiscal_year.total) == (1, 2)


def test_one_to_one_two_identical_predictions_for_one_gold_item():
    gold = [rec(results=[res()])]
    pred = [rec(results=[res(), res()])]
    c = score(gold, pred).results
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)
    assert (c.precision, c.recall, c.f1) == (0.5, 1.0, approx(2 / 3))


def test_assignment_maximises_matches_before_preferring_exact_names():
    # "กองกลาง" equals pred 1 exactly and is contained in pred 2; gold 2 only matches
    # pred 1. Greedy exact-first would give 1 TP; the assignment gives 2.
    gold = [rec(results=[res("กองกลาง"), res("กองกลางจังหวัดน่าน")])]
    pred = [rec(results=[res("กองกลาง"), res("กองกลางจังหวัดแพร่")])]
    assert score(gold, pred).results.tp == 2


def test_assignment_prefers_exact_names_when_both_pairings_match():
    gold = [rec(results=[res("กองกลาง", tier="AA"), res("กองกลางจังหวัดแพร่", tier="A")])]
    pred = [rec(results=[res("กองกลางจังหวัดแพร่", tier="A"), res("กองกลาง", tier="AA")])]
    scores = score(gold, pred)
    assert scores.results.tp == 2
    assert scores.tier.value == 1.0


def test_aggregates_match_on_metric_value_and_normalised_tier():
    gold = [
        rec(
            aggregates=[
                Aggregate(
                    scope="จังหวัดลำพูน", metric="count_tier", tier="ผ่านดีเยี่ยม", value=6
                ),
                Aggregate(scope="จังหวัดลำพูน", metric="percent_pass", value=79.66),
                Aggregate(scope="ประเทศ", metric="average", value=87.57),
            ]
        )
    ]
    pred = [
        rec(
            aggregates=[
                Aggregate(
                    scope="ลำพูน", metric="count_tier", tier="AA", value=6
                ),  # scope is free
                Aggregate(scope="จังหวัดลำพูน", metric="percent_pass", value=79.664),
                Aggregate(scope="ประเทศ", metric="rank", value=87.57),  # wrong metric
            ]
        )
    ]
    c = score(gold, pred).aggregates
    assert (c.tp, c.fp, c.fn) == (2, 1, 1)
    wrong_tier = [
        rec(
            aggregates=[
                Aggregate(scope="จังหวัดลำพูน", metric="count_tier", tier="A", value=6)
            ]
        )
    ]
    assert score(gold[:1], wrong_tier).aggregates.tp == 0


def test_officials_match_on_name_and_positions_are_checked():
    gold = [
        rec(
            officials=[
                Official(name="ณัฐพล รังสิต", position="ปลัดกระทรวง อุตสาหกรรม"),
                Official(name="สมชาย ใจดี", position=None),
                Official(name="สมหญิง ใจงาม", position=None),
            ]
        )
    ]
    pred = [
        rec(
            officials=[
                Official(name="ณัฐพล  รังสิต", position="ปลัดกระทรวงอุตสาหกรรม"),  # right
                Official(name="สมชาย ใจดี", position="ผู้ว่าราชการ"),  # invented position
                Official(name="สมหญิงใจงาม", position=None),  # right
            ]
        )
    ]
    scores = score(gold, pred)
    assert scores.officials.tp == 3
    assert (scores.position.correct, scores.position.total) == (2, 3)


def test_dates_and_missing_and_extra_documents():
    gold = [
        rec(
            "a",
            published="2023-11-16",
            event_date="2023-11-15",
            officials=[Official(name="ก ข")],
        ),
        rec("b", published="2024-02-21", event_date=None),
        rec(
            "c",
            published=None,
            event_date="2023-02-22",
            officials=[Official(name="ค ง")],
        ),
    ]
    pred = [
        rec(
            "a",
            published="2023-11-16",
            event_date="2023-11-16",
            officials=[Official(name="ก ข")],
        ),
        rec("b", published="2024-02-21", event_date=None),
        rec(
            "z", published="2020-01-01", officials=[Official(name="จ ฉ")]
        ),  # not in gold
    ]
    scores = score(gold, pred)
    assert (scores.published.correct, scores.published.total) == (2, 3)  # c is missing
    assert (scores.event_date.correct, scores.event_date.total) == (1, 3)
    assert scores.missing_documents == ["c"]
    assert scores.extra_documents == 1
    assert (scores.officials.tp, scores.officials.fp, scores.officials.fn) == (1, 0, 1)
    report = scores.to_dict()
    assert [d["doc"] for d in report["details"]] == ["a", "c"]  # b is perfect
    assert report["details"][0]["mismatches"] == [
        {"field": "event_date", "item": "a", "gold": "2023-11-15", "pred": "2023-11-16"}
    ]
    assert report["figures"]["published_accuracy"] == approx(2 / 3)


def test_nothing_to_find_and_nothing_found_is_perfect():
    scores = score([rec(published="2024-05-10")], [rec(published="2024-05-10")])
    assert all(value == 1.0 for value in scores.figures().values())
    none_found = score([rec(results=[res()])], [rec()]).results
    assert (none_found.precision, none_found.recall, none_found.f1) == (1.0, 0.0, 0.0)


def test_a_document_predicted_twice_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        score([rec()], [rec(), rec()])


# ---------------------------------------------------------------- gold


def gold_copy(tmp_path: Path) -> Path:
    """The real gold directory, copied, with a fresh manifest."""
    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    evaluate.write_manifest(gold)
    return gold


def test_the_real_gold_validates():
    gold = evaluate.load_gold(GOLD)
    assert SEED_DOC in {record.doc for record in gold}


def test_gold_scored_against_itself_is_perfect():
    by_file = evaluate.load_gold_files(GOLD)
    seeds = by_file[evaluate.SEEDS_FILE]
    assert len(seeds) == 5
    for gold in (seeds, evaluate.load_gold(GOLD)):
        assert all(value == 1.0 for value in score(gold, gold).figures().values())


def test_load_gold_reads_top_level_jsonl_and_skips_annotations(tmp_path):
    gold = gold_copy(tmp_path)
    seeds_lines = (gold / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    (gold / "seeds.jsonl").write_text(
        "\n".join(seeds_lines[:3]) + "\n\n", encoding="utf-8"
    )
    (gold / "corpus.jsonl").write_text(
        "\n".join(seeds_lines[3:]) + "\n", encoding="utf-8"
    )
    (gold / "web.jsonl").unlink()
    (gold / "annotations" / "draft.jsonl").write_text("not json\n", encoding="utf-8")
    by_file = evaluate.load_gold_files(gold)
    assert {name: len(records) for name, records in by_file.items()} == {
        "corpus.jsonl": 2,
        "seeds.jsonl": 3,
    }
    assert len(evaluate.load_gold(gold)) == 5


def edit_seed(gold: Path, change) -> None:
    """Apply ``change`` to the first seed line."""
    path = gold / "seeds.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    obj = json.loads(lines[0])
    change(obj)
    lines[0] = json.dumps(obj, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_gold_rejects_an_unknown_metric(tmp_path):
    gold = gold_copy(tmp_path)
    edit_seed(gold, lambda obj: obj["aggregates"][0].update(metric="median"))
    with pytest.raises(
        GoldError, match=r"seeds\.jsonl:1: aggregates/0/metric: 'median'"
    ):
        evaluate.load_gold(gold)


def test_load_gold_rejects_an_unknown_key(tmp_path):
    gold = gold_copy(tmp_path)
    edit_seed(gold, lambda obj: obj.update(offcials=obj.pop("officials")))
    with pytest.raises(GoldError, match=r"seeds\.jsonl:1: .*offcials"):
        evaluate.load_gold(gold)


def test_load_gold_rejects_a_count_tier_without_tier(tmp_path):
    gold = gold_copy(tmp_path)
    edit_seed(gold, lambda obj: obj["aggregates"][0].update(tier=None))
    with pytest.raises(GoldError, match="count_tier without its tier"):
        evaluate.load_gold(gold)


def test_load_gold_rejects_a_bad_date(tmp_path):
    gold = gold_copy(tmp_path)
    edit_seed(gold, lambda obj: obj.update(published="2566-13-01"))
    with pytest.raises(GoldError, match=r"seeds\.jsonl:1: published"):
        evaluate.load_gold(gold)


def test_load_gold_rejects_a_line_that_is_not_json(tmp_path):
    gold = gold_copy(tmp_path)
    with (gold / "seeds.jsonl").open("a", encoding="utf-8") as f:
        f.write("{oops\n")
    with pytest.raises(GoldError, match=r"seeds\.jsonl:6: not JSON"):
        evaluate.load_gold(gold)


def test_load_gold_rejects_a_missing_document(tmp_path):
    gold = gold_copy(tmp_path)
    (gold / "docs" / f"{SEED_DOC}.txt").unlink()
    with pytest.raises(
        GoldError, match=rf"seeds\.jsonl:1: no document docs/{SEED_DOC}"
    ):
        evaluate.load_gold(gold)


def test_load_gold_rejects_an_edited_document(tmp_path):
    gold = gold_copy(tmp_path)
    with (gold / "docs" / f"{SEED_DOC}.txt").open("a", encoding="utf-8") as f:
        f.write("แก้ไข")
    with pytest.raises(
        GoldError, match=rf"SHA256SUMS:\d+: docs/{SEED_DOC}.txt differs"
    ):
        evaluate.load_gold(gold)
    evaluate.write_manifest(gold)  # a deliberate edit is re-pinned
    assert evaluate.load_gold(gold)


def test_load_gold_rejects_an_unlisted_document_and_a_missing_manifest(tmp_path):
    gold = gold_copy(tmp_path)
    manifest = gold / "SHA256SUMS"
    lines = manifest.read_text().splitlines()
    manifest.write_text(
        "\n".join(line for line in lines if SEED_DOC not in line) + "\n"
    )
    with pytest.raises(GoldError, match=f"docs/{SEED_DOC}.txt is not listed"):
        evaluate.load_gold(gold)
    manifest.unlink()
    with pytest.raises(GoldError, match="SHA256SUMS: missing"):
        evaluate.load_gold(gold)


def test_load_gold_rejects_a_duplicate_doc(tmp_path):
    gold = gold_copy(tmp_path)
    first = (gold / "seeds.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (gold / "corpus.jsonl").write_text(first + "\n", encoding="utf-8")
    with pytest.raises(
        GoldError,
        match=rf"seeds\.jsonl:1: doc '{SEED_DOC}' already annotated at .*corpus\.jsonl:1",
    ):
        evaluate.load_gold(gold)


def test_manifest_is_in_sha256sum_format(tmp_path):
    gold = gold_copy(tmp_path)
    lines = (gold / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == len(list((gold / "docs").iterdir()))
    digest, name = lines[0].split("  ")
    assert len(digest) == 64 and name.startswith("docs/")


# ---------------------------------------------------------------- floors


def perfect_and(**figures: float) -> dict[str, float]:
    measured = {key: 1.0 for key in evaluate.FLOOR_KEYS}
    measured |= {f"seeds.{key}": 1.0 for key in evaluate.FLOOR_KEYS}
    return measured | {key.replace("__", "."): value for key, value in figures.items()}


def test_the_real_floors_file_pins_every_figure_for_all_gold_and_each_family():
    floors = evaluate.load_floors(GOLD / "floors.toml")
    families = [evaluate.family_of(path.name) for path in GOLD.glob("*.jsonl")]
    prefixes = ["", *(f"{family}." for family in families)]
    assert set(floors) == {prefix + key for prefix in prefixes for key in evaluate.FLOOR_KEYS}


def test_check_floors_names_each_figure_below_its_floor():
    gold = [
        rec(
            results=[res("กองกลาง"), res("กองคลัง", 90)],
            officials=[Official(name="ก ข")],
        )
    ]
    pred = [rec(results=[res("กองกลาง")], officials=[Official(name="ก ข")])]
    scores = score(gold, pred)  # results F1 = 2/3, micro F1 = 0.8
    floors = {
        "results_f1": 0.7,
        "micro_f1": 0.8,
        "officials_f1": 1.0,
        "seeds.micro_f1": 0.85,
    }
    assert evaluate.check_floors({"all": scores, "seeds": scores}, floors) == [
        "results_f1 0.6667 < floor 0.7000",
        "seeds.micro_f1 0.8000 < floor 0.8500",
    ]
    # a floor for a family that was not scored is a failure, not a silent pass
    assert evaluate.check_floors({"all": scores}, {"web.micro_f1": 0.1}) == ["web.micro_f1: no such gold set"]


def test_load_floors_rejects_unknown_keys(tmp_path):
    path = tmp_path / "floors.toml"
    path.write_text("micro_f1 = 0.5\n[seeds]\nmicro_f = 0.5\n")
    with pytest.raises(ValueError, match="unknown floor seeds.micro_f"):
        evaluate.load_floors(path)
    path.write_text("micro_f1 = 0.5\n[seedz]\nmicro_f1 = 0.5\n")
    with pytest.raises(ValueError, match=r"unknown section \[seedz\]"):
        evaluate.load_floors(path)


def test_update_floors_rounds_down_and_refuses_to_lower(tmp_path):
    path = tmp_path / "floors.toml"
    changes = evaluate.update_floors(
        path, perfect_and(micro_f1=0.8579, seeds__tier_accuracy=0.9), allow_lower=False
    )
    floors = evaluate.load_floors(path)
    assert floors["micro_f1"] == 0.857 and floors["seeds.tier_accuracy"] == 0.9
    assert "micro_f1 0.000 → 0.857" in changes
    # raising is always allowed; unchanged figures are not reported
    assert evaluate.update_floors(
        path, perfect_and(micro_f1=0.9), allow_lower=False
    ) == [
        "micro_f1 0.857 → 0.900",
        "seeds.tier_accuracy 0.900 → 1.000",
    ]
    before = path.read_text()
    with pytest.raises(
        ValueError, match="refusing to lower floors.*micro_f1 0.900 → 0.850"
    ):
        evaluate.update_floors(path, perfect_and(micro_f1=0.85), allow_lower=False)
    assert path.read_text() == before  # nothing written
    assert evaluate.update_floors(
        path, perfect_and(micro_f1=0.85), allow_lower=True
    ) == ["micro_f1 0.900 → 0.850"]
    assert evaluate.load_floors(path)["micro_f1"] == 0.85


def test_measured_figures_feed_update_floors(tmp_path):
    gold = [rec(results=[res()])]
    scores = score(gold, gold)
    path = tmp_path / "floors.toml"
    sets = {"all": scores, "seeds": scores, "web": scores}
    evaluate.update_floors(path, evaluate.measured_figures(sets), allow_lower=False)
    floors = evaluate.load_floors(path)
    assert set(floors.values()) == {1.0} and "web.strict_micro_f1" in floors
    assert evaluate.check_floors(sets, floors) == []


# ---------------------------------------------------------------- report and runner


@pytest.mark.extract
def test_run_evaluation_from_a_predictions_file_and_from_an_extractor(tmp_path):
    gold_dir = gold_copy(tmp_path)
    gold = evaluate.load_gold(gold_dir)
    # a prediction that misses one seed result
    pred = [
        r.model_copy(update={"results": r.results[1:]}) if r.doc == SEED_DOC else r
        for r in gold
    ]
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text(
        "".join(r.model_dump_json() + "\n" for r in pred), encoding="utf-8"
    )
    assert evaluate.predictions_from_jsonl(pred_path) == pred

    def extract(paths: list[Path]) -> list[DocumentRecord]:
        assert {p.stem for p in paths} == {r.doc for r in gold}
        assert all(p.is_file() for p in paths)
        return pred

    for sets in (
        evaluate.run_evaluation(gold_dir, pred_path, extract=extract),
        evaluate.run_evaluation(gold_dir, None, extract=extract),
    ):
        assert list(sets)[:2] == ["all", "seeds"]
        assert sets["all"].results.fn == 1 and sets["seeds"].results.fn == 1
        assert sets["seeds"].documents == 5
        report = evaluate.format_report(sets)
        assert "seeds (5 docs)" in report
        # the seeds column: 15 seed results, one missed → P 1.0, R 14/15, F1 28/29
        seeds_row = next(line for line in report.splitlines() if line.startswith("results"))
        assert "1.000 0.933 0.966 14/0/1" in seeds_row


def test_predictions_file_errors_name_the_line(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text('{"doc": "a"}\n{"results": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"pred\.jsonl:2"):
        evaluate.predictions_from_jsonl(path)


# ---------------------------------------------------------------- the assignment itself


def brute_force(costs: list[list[int | None]]) -> tuple[int, int]:
    """(most pairs, least cost for that many) over every one-to-one matching."""

    n, m = len(costs), len(costs[0]) if costs else 0
    best = (0, 0)
    for k in range(1, min(n, m) + 1):
        for rows in combinations(range(n), k):
            for cols in permutations(range(m), k):
                pair_costs = [costs[i][j] for i, j in zip(rows, cols, strict=True)]
                if None not in pair_costs:
                    best = max(best, (k, -sum(pair_costs)))
    return best[0], -best[1]


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.integers(0, 4).flatmap(
        lambda n: st.integers(0, 4).flatmap(
            lambda m: st.lists(
                st.lists(
                    st.one_of(st.none(), st.integers(0, 3)), min_size=m, max_size=m
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
)
def test_match_finds_the_largest_then_cheapest_matching(costs):
    n = len(costs)
    m = len(costs[0]) if costs else 0
    pairs, missed, spurious = evaluate.match(
        list(range(n)), list(range(m)), lambda i, j: costs[i][j]
    )
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(costs[i][j] is not None for i, j in pairs)
    assert len(pairs) + len(missed) == n and len(pairs) + len(spurious) == m
    assert (len(pairs), sum(costs[i][j] for i, j in pairs)) == brute_force(costs)


# ---------------------------------------------------------------- strict scoring, aliases, scope


def test_an_alias_in_gold_or_prediction_matches_the_agency():
    gold = [rec(results=[Result(agency="กฟผ.", agency_aliases=["การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย"], score=95.0)])]
    expanded = [rec(results=[Result(agency="การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย", score=95.0)])]
    other = [rec(results=[Result(agency="การไฟฟ้านครหลวง", score=95.0)])]
    assert score(gold, expanded).results.tp == 1
    assert score(gold, other).results.tp == 0
    # and the other way round: the predicted record names the short form as an alias
    gold_full = [rec(results=[Result(agency="การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย", score=95.0)])]
    pred_alias = [rec(results=[Result(agency="กฟผ", agency_aliases=["การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย"], score=95.0)])]
    assert score(gold_full, pred_alias).results.tp == 1


def test_aliases_are_written_only_when_there_are_some():
    assert "agency_aliases" not in Result(agency="ก").model_dump(mode="json")
    assert Result(agency="ก", agency_aliases=["ข"]).model_dump(mode="json")["agency_aliases"] == ["ข"]


def test_strict_counts_need_the_stated_year_and_a_containing_scope():
    gold = [rec(
        results=[Result(agency="กรมก", score=90.0, fiscal_year_be=2566), Result(agency="กรมข", score=91.0)],
        aggregates=[
            Aggregate(scope="จังหวัดลำพูน", metric="count_assessed", value=59, fiscal_year_be=2565),
            Aggregate(scope="ประเทศ", metric="average", value=87.57, fiscal_year_be=2565),
        ],
    )]
    pred = [rec(
        # wrong year on a stated one; any year where gold states none
        results=[Result(agency="กรมก", score=90.0, fiscal_year_be=2565), Result(agency="กรมข", score=91.0, fiscal_year_be=2566)],
        aggregates=[
            Aggregate(scope="ประเทศ", metric="count_assessed", value=59, fiscal_year_be=2565),  # wrong scope
            Aggregate(scope="ภาพรวมประเทศ", metric="average", value=87.57, fiscal_year_be=2565),  # contains gold's
        ],
    )]
    scores = score(gold, pred)
    assert (scores.results.tp, scores.aggregates.tp) == (2, 2)  # lenient: all four match
    assert (scores.strict_results.tp, scores.strict_results.fp, scores.strict_results.fn) == (1, 1, 1)
    assert (scores.strict_aggregates.tp, scores.strict_aggregates.fp, scores.strict_aggregates.fn) == (1, 1, 1)
    assert scores.strict_micro.tp == 2 and scores.strict_micro.f1 == pytest.approx(0.5)
    assert (scores.scope.correct, scores.scope.total) == (1, 2)
    assert scores.figures()["strict_micro_f1"] == pytest.approx(0.5)


def test_matching_prefers_the_pair_with_the_right_scope():
    gold = [rec(aggregates=[
        Aggregate(scope="จังหวัดลำพูน", metric="count_tier", tier="AA", value=6, fiscal_year_be=2565),
        Aggregate(scope="ประเทศ", metric="count_tier", tier="AA", value=6, fiscal_year_be=2565),
    ])]
    pred = [rec(aggregates=[
        Aggregate(scope="ประเทศ", metric="count_tier", tier="AA", value=6, fiscal_year_be=2565),
        Aggregate(scope="จังหวัดลำพูน", metric="count_tier", tier="AA", value=6, fiscal_year_be=2565),
    ])]
    assert score(gold, pred).strict_aggregates.tp == 2


def test_an_annotation_batch_is_scored_alone(tmp_path):
    gold_dir = gold_copy(tmp_path)
    seeds = evaluate.load_gold_files(gold_dir)[evaluate.SEEDS_FILE]
    batch = tmp_path / "batch_x.jsonl"
    batch.write_text("".join(r.model_dump_json() + "\n" for r in seeds[:2]), encoding="utf-8")
    sets = evaluate.run_evaluation(gold_dir, None, extract=lambda paths: seeds, only=batch)
    assert list(sets) == ["all", "batch_x"] and sets["all"].documents == 2
    assert sets["batch_x"].micro.f1 == 1.0
