"""The trained NER beside the rules (``ita_extract/extract/ner.py``): alignment of gold
strings, deterministic training, the shipped model, the combination with the rules, the switch."""

import os

import pytest

from ita_extract.extract import ner
from ita_extract.extract.entities import Mention
from ita_extract.extract.nlp import DocumentMentions, annotate, build_nlp, shared_nlp
from ita_extract.extract.people import Person
from ita_extract.models import DocumentRecord, Official, Result

pytestmark = pytest.mark.extract

TEXT = (
    "นายสมชาย ใจดี ผู้ว่าราชการจังหวัดลำพูน มอบรางวัลแก่สำนักงานที่ดินจังหวัดลำพูน\n"
    "สำนักงานที่ดิน จังหวัดลำพูน ได้คะแนน ITA 95.5 คะแนน"
)
RECORD = DocumentRecord(
    doc="t",
    results=[
        Result(agency="สำนักงานที่ดินจังหวัดลำพูน", score=95.5),
        Result(agency="จังหวัดลำพูน", score=1.0),  # only inside longer spans
        Result(agency="กรมที่ไม่มีในข้อความ", score=2.0),  # not in the text
    ],
    officials=[Official(honorific="นาย", name="สมชาย ใจดี", position="ผู้ว่าราชการจังหวัดลำพูน")],
)


def test_align_labels_every_occurrence_whitespace_free_longest_wins():
    nlp = ner.blank_nlp()
    doc = nlp.make_doc(TEXT)
    stats = ner.AlignStats()
    spans = [(s.label_, s.text) for s in ner.align(doc, RECORD, stats)]
    assert spans == [
        ("PERSON", "สมชาย ใจดี"),
        ("POSITION", "ผู้ว่าราชการจังหวัดลำพูน"),
        ("AGENCY", "สำนักงานที่ดินจังหวัดลำพูน"),
        ("AGENCY", "สำนักงานที่ดิน จังหวัดลำพูน"),  # the same name with a space in it
    ]
    assert stats.strings == {"AGENCY": 3, "PERSON": 1, "POSITION": 1}
    assert stats.not_found == {"AGENCY": 1, "PERSON": 0, "POSITION": 0}
    # จังหวัดลำพูน three times, each inside a longer span
    assert stats.overlapping == {"AGENCY": 3, "PERSON": 0, "POSITION": 0}
    assert stats.spans == {"AGENCY": 2, "PERSON": 1, "POSITION": 1}


def test_align_expands_to_token_boundaries_and_counts_it():
    nlp = ner.blank_nlp()
    text = "ขอแสดงความยินดีกับกรมสรรพากร"
    doc = nlp.make_doc(text)
    record = DocumentRecord(doc="t", results=[Result(agency="แสดงความยินดีกับกรมสรรพ", score=1.0)])
    stats = ner.AlignStats()
    [span] = ner.align(doc, record, stats)
    assert span.start_char <= text.index("แสดง") and span.end_char >= text.index("สรรพ") + 4
    assert (span.start_char, span.end_char) != (text.index("แสดง"), text.index("สรรพ") + 4)
    assert stats.misaligned["AGENCY"] == 1


def _items() -> list[tuple[str, DocumentRecord]]:
    people = [("สมชาย ใจดี", "ผู้ว่าราชการจังหวัดลำพูน"), ("สมศรี มีสุข", "อธิบดีกรมสรรพากร"),
              ("วิชัย รักชาติ", "นายอำเภอเมืองลำปาง")]
    agencies = ["สำนักงานที่ดินจังหวัดลำพูน", "กรมสรรพากร", "เทศบาลเมืองลำปาง"]
    items = []
    for i, ((name, position), agency) in enumerate(zip(people, agencies, strict=True)):
        text = f"นาย{name} {position} แสดงความยินดีกับ{agency}\nที่ได้คะแนน ITA {90 + i} คะแนน\nข่าวทั่วไป"
        items.append((text, DocumentRecord(
            doc=str(i), results=[Result(agency=agency, score=90.0 + i)],
            officials=[Official(honorific="นาย", name=name, position=position)])))
    return items


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("ner") / "model"
    ner.timed_train(_items(), path, epochs=4, seed=1)
    return path


def _predictions(path) -> list[tuple[str, int, int]]:
    nlp = ner.load(path)
    text = "นายสมชาย ใจดี ผู้ว่าราชการจังหวัดลำพูน แสดงความยินดีกับกรมสรรพากร\nกรมสรรพากร ได้คะแนน"
    return [(m.label, m.start, m.end) for m in ner.predict(nlp, text)]


def test_training_is_deterministic(tiny_model, tmp_path):
    again = tmp_path / "again"
    ner.timed_train(_items(), again, epochs=4, seed=1)
    assert (again / "ner" / "model").read_bytes() == (tiny_model / "ner" / "model").read_bytes()
    assert (again / "meta.json").read_text() == (tiny_model / "meta.json").read_text()
    assert _predictions(again) == _predictions(tiny_model)


def test_shipped_model_loads_offline_and_names_only_its_labels():
    assert os.environ["PYTHAINLP_OFFLINE"] == "1"
    nlp = ner.load(ner.MODEL_DIR)
    text = "นายสมชาย ใจดี ผู้ว่าราชการจังหวัดลำพูน มอบเกียรติบัตรแก่สำนักงานที่ดินจังหวัดลำพูน"
    found = ner.predict(nlp, text)
    assert found, "the shipped model finds nothing in a plain sentence"
    assert {m.label for m in found} <= set(ner.LABELS)
    assert all(text[m.start:m.end] == m.text and m.value for m in found)


def test_missing_model_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        ner.load(tmp_path)


def _found(text: str) -> DocumentMentions:
    s = text.index("สำนักงานที่ดิน")
    return DocumentMentions(
        people=[], agencies=[Mention("AGENCY", s, s + len("สำนักงานที่ดิน"), "สำนักงานที่ดิน")],
        tiers=[], dates=[], years=[], numbers=[],
    )


def test_combine_rules_win_and_ner_fills_in():
    text = "นายสมชาย ใจดี ผู้ว่าราชการจังหวัดลำพูน ยินดีกับสำนักงานที่ดินจังหวัดลำพูน และกรมสรรพากร"
    found = _found(text)

    def m(label, s):
        return Mention(label, text.index(s), text.index(s) + len(s), s)

    predicted = [
        m("PERSON", "สมชาย ใจดี"), m("POSITION", "ผู้ว่าราชการจังหวัดลำพูน"),
        m("AGENCY", "สำนักงานที่ดินจังหวัดลำพูน"),  # overlaps the rules' agency: dropped
        m("AGENCY", "กรมสรรพากร"),
    ]
    combined = ner.combine(found, predicted, text)
    assert [a.text for a in combined.agencies] == ["สำนักงานที่ดิน", "กรมสรรพากร"]
    [p] = combined.people
    assert (p.honorific, p.name, p.position) == ("นาย", "สมชาย ใจดี", "ผู้ว่าราชการจังหวัดลำพูน")
    assert text[p.start:p.end] == "นายสมชาย ใจดี"


def test_combine_keeps_no_person_without_a_position_and_no_span_over_a_rule_person():
    text = "นายสมชาย ใจดี กล่าวว่า นางสาวสมศรี มีสุข อธิบดี"
    rule = Person("นางสาว", "สมศรี มีสุข", text.index("นางสาว"), text.index(" อธิบดี"), None, None, None)
    found = DocumentMentions(people=[rule], agencies=[], tiers=[], dates=[], years=[], numbers=[])
    s = text.index("สมชาย")
    predicted = [Mention("PERSON", s, s + len("สมชาย ใจดี"), "สมชาย ใจดี"),
                 Mention("PERSON", text.index("สมศรี"), text.index(" อธิบดี"), "สมศรี มีสุข")]
    assert ner.combine(found, predicted, text).people == [rule]


def test_switch(monkeypatch, tiny_model):
    monkeypatch.delenv(ner.MODEL_ENV, raising=False)
    monkeypatch.setenv(ner.SWITCH_ENV, "0")
    assert ner.ner_setting() is None
    assert shared_nlp().pipe_names == ["ita_entities"]
    monkeypatch.setenv(ner.SWITCH_ENV, "1")
    assert ner.ner_setting() == str(ner.MODEL_DIR)
    monkeypatch.setenv(ner.MODEL_ENV, str(tiny_model))
    assert ner.ner_setting() == str(tiny_model)
    assert shared_nlp().pipe_names == ["ita_entities", "ita_ner"]
    monkeypatch.delenv(ner.SWITCH_ENV)
    assert (ner.ner_setting() is not None) == ner.DEFAULT_ON


def test_pipeline_with_ner_adds_what_the_rules_missed(tiny_model):
    text = "วิชัย รักชาติ นายอำเภอเมืองลำปาง แสดงความยินดีกับเทศบาลเมืองลำปาง"
    off = annotate(build_nlp(), text)
    on = annotate(build_nlp(str(tiny_model)), text)
    rules = off.user_data["ita"]
    both = on.user_data["ita"]
    # rules' mentions are all still there; whatever the NER added does not overlap them
    assert set(rules.agencies) <= set(both.agencies)
    assert all(p in both.people for p in rules.people)
    added = [a for a in both.agencies if a not in rules.agencies]
    assert all(not (r.start < a.end and a.start < r.end) for a in added for r in rules.agencies)
    assert {(s.label_, s.start_char) for s in off.spans["ita"]} <= {(s.label_, s.start_char) for s in on.spans["ita"]}


def test_extraction_runs_with_the_ner_on(monkeypatch, tiny_model):
    from ita_extract.extract import extract_document
    from ita_extract.models import Article

    monkeypatch.setenv(ner.SWITCH_ENV, "1")
    monkeypatch.setenv(ner.MODEL_ENV, str(tiny_model))
    text = ("นายวิชัย รักชาติ นายอำเภอเมืองลำปาง แสดงความยินดีกับเทศบาลเมืองลำปาง\n"
            "ที่ได้คะแนนการประเมิน ITA ปี 2566 จำนวน 95.5 คะแนน อยู่ในระดับ AA")
    record = extract_document(Article(doc="t", text=text))
    assert all(r.agency for r in record.results)
