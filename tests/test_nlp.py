import pytest

from ita_extract.extract.lexicon import tokenizer
from ita_extract.extract.nlp import SPAN_KEY, annotate, build_nlp
from ita_extract.thai.tokenize import tokenize

pytestmark = pytest.mark.extract


def test_spacy_pipeline_labels_rule_entities_on_tokens():
    nlp = build_nlp()
    assert nlp.pipe_names == ["ita_entities"]
    text = "นายสันติธร ยิ้มละมัย ผู้ว่าราชการจังหวัดลำพูน กล่าวว่า สำนักงานที่ดินจังหวัดลำพูน ได้ระดับ AA ปี 2566"
    doc = annotate(nlp, text)
    assert doc.text == text
    labels = {(s.label_, s.text) for s in doc.spans[SPAN_KEY]}
    assert ("PERSON", "นายสันติธร ยิ้มละมัย") in labels
    assert ("POSITION", "ผู้ว่าราชการจังหวัดลำพูน") in labels
    assert ("AGENCY", "สำนักงานที่ดินจังหวัดลำพูน") in labels
    assert any(label == "TIER" for label, _ in labels)
    assert any(label == "FISCAL_YEAR" for label, _ in labels)


def test_tokenizer_keeps_lexicon_words_whole():
    # position heads of the lexicon stay whole tokens in extraction's tokenizer
    tok = tokenizer()
    assert tok("รองปลัดกระทรวงอุตสาหกรรม")[0] == "รองปลัด"
    assert "".join(tok("สำนักงานปลัดกระทรวงอุตสาหกรรม 95 คะแนน")) == "สำนักงานปลัดกระทรวงอุตสาหกรรม 95 คะแนน"


def test_plain_tokenize_knows_only_the_words_it_is_given():
    # thai/ has no lexicon of its own: the extra words are passed in
    assert tokenize("รองปลัดกระทรวงอุตสาหกรรม")[0] == "รอง"
    assert tokenize("รองปลัดกระทรวงอุตสาหกรรม", extra_words=["รองปลัด"])[0] == "รองปลัด"
