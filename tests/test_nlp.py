from pathlib import Path

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


def test_extraction_reads_the_mentions_the_pipeline_keeps():
    # read_document skips the Doc: it must find what the spaCy component keeps
    from ita_extract.extract.agencies import document_abbreviations
    from ita_extract.extract.nlp import read_document

    text = (Path(__file__).resolve().parent.parent / "gold" / "docs" / "71972.txt").read_text(encoding="utf-8")
    abbreviations = document_abbreviations(text)
    assert read_document(text, abbreviations) == annotate(build_nlp(), text, abbreviations).user_data["ita"]


def test_the_dictionary_file_is_built_once_and_reused(tmp_path, monkeypatch):
    import tempfile

    from ita_extract.thai import tokenize as tk

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    tk._dictionary_name.cache_clear()
    words = ("คำทดสอบแคช",)
    tk._dictionary_name(words)
    (path,) = (tmp_path / next(p.name for p in tmp_path.iterdir())).glob("words-*.txt")
    assert "คำทดสอบแคช" in path.read_text(encoding="utf-8").split("\n")
    tk._dictionary_name.cache_clear()
    # a later process finds the file: no word list is read or sorted again

    def no_words():
        raise AssertionError("the word list was read again")

    monkeypatch.setattr(tk, "thai_words", no_words)
    assert tk.Tokenizer(words)("คำทดสอบแคชนี้")[0] == "คำทดสอบแคช"
    tk._dictionary_name.cache_clear()
