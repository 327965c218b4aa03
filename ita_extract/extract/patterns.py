"""The lexicon compiled into regexes, once per process, and the word starts the
tokeniser sees (the trims cut a name only where a word starts)."""

from __future__ import annotations

import functools
import re

from ita_extract.extract.lexicon import Lexicon, load_lexicon, tokenizer

THAI = "\u0e00-\u0e7f"
# A Thai abbreviation: one to four consonants then a dot, repeated (ป.ป.ช., สอจ., ก.พ.ร.).
ABBR_RE = r"[ก-ฮ]{1,5}\.(?:[ก-ฮ]{1,4}\.)*"


class Patterns:
    """The lexicon compiled into regexes, once per process."""

    def __init__(self, lex: Lexicon):
        self.lex = lex
        agency_stop = "|".join(
            re.escape(w) for w in sorted(lex.cue("agency", "stop"), key=len, reverse=True)
        )
        self.agency_stop = re.compile(agency_stop)
        # A head followed by a dependent vowel or tone mark is inside another word
        # ("องค์กรมี..." holds no กรม).
        self.agency_core = re.compile(rf"(?:{lex.agency_alt})(?![\u0e30-\u0e3a\u0e45-\u0e4e])[{THAI}A-Za-z0-9.ฯ]*")
        self.company = re.compile(
            rf"(?:{lex.cue_alt('company', 'head')})\s?[^\n]{{1,70}}?จำกัด(?:\s?\(มหาชน\))?"
        )
        self.province = re.compile(rf"(?:{lex.province_alt})")
        self.province_chunk = re.compile(rf"\s(จังหวัด(?:{lex.province_alt}))")
        self.abbr_chunk = re.compile(rf"\s?({ABBR_RE})")
        self.known_abbr = re.compile(
            rf"(?<![{THAI}A-Za-z.])(?:{'|'.join(re.escape(a) for a in sorted(lex.abbreviations, key=len, reverse=True))})"
        )
        self.person = re.compile(
            rf"(?P<hon>{lex.honorific_alt})\s?(?P<given>[{THAI}]{{2,30}})\s"
            rf"(?P<family>(?:ณ\s)?[{THAI}]{{2,40}}(?:\sณ\s(?:อยุธยา|[{THAI}]{{3,20}}))?)"
        )
        self.position_head = re.compile(rf"(?:{lex.position_alt})")
        # "อุตสาหกรรมจังหวัดปัตตานี", "พาณิชย์จังหวัดน่าน": the head of a provincial office
        self.provincial_officer = re.compile(rf"[ก-๛]{{2,20}}จังหวัด(?:{lex.province_alt})")
        self.not_name = re.compile(
            rf"(?:{'|'.join(re.escape(w) for w in lex.cue('person', 'not_name'))})"
        )
        tiers = "|".join(
            re.escape(t) for t in sorted(lex.tiers, key=len, reverse=True)
        )
        # "ระดับ AA", "ระดับ “ผ่านดี”", "(ระดับ AA)", "เกรด A". A letter tier must not run on
        # into a Latin word; ผ่าน must not be ผ่านเกณฑ์/ผ่านการ.
        self.tier = re.compile(
            rf"(?:{lex.cue_alt('tier_cue', 'lead')})\s?(?:ผลการประเมิน\s?)?(?:ที่\s?)?[“\"'‘]?\s?(?P<tier>{tiers})(?![A-Za-z])"
            rf"(?!{lex.cue_alt('tier_cue', 'not_after')})\s?[”\"'’]?"
        )
        # the word tiers also stand alone ("... ผ่านดีเยี่ยม 97 คะแนน"); letters and ผ่าน need ระดับ
        glued = "".join(f"|(?<={re.escape(w)})" for w in lex.cue("tier_cue", "glued_before"))
        self.word_tier = re.compile(rf"(?:(?<![ก-๛]){glued})(?P<tier>{lex.tier_alt('standalone')})(?![ก-๛])")
        # The moral-organisation levels, written with or without องค์กร ("ระดับคุณธรรมต้นแบบ"),
        # kept as written (the moral and moral_bare uses of tiers.tsv):
        # ส่งเสริม (1), พัฒนา or plain คุณธรรม (2), ต้นแบบ (3), and the ต้นแบบโดดเด่น distinction.
        self.moral_tier = re.compile(
            rf"(?:ระดับที่\s?[123]\s?)?(?P<tier>{lex.tier_alt('moral')})"
            rf"|ระดับ(?:ที่\s?[123])?\s?(?P<bare>{lex.tier_alt('moral_bare')})(?![ก-๛])"
        )
        self.generic_agency = set(lex.cue("agency", "generic"))
        self.assessor = re.compile(
            "|".join(re.escape(w) for w in lex.cue("agency", "assessor"))
        )
        self.definition = re.compile(
            rf"\(\s?(?P<abbr>{ABBR_RE}|[{THAI}]{{2,8}}|[A-Z][A-Za-z&.]{{1,12}}(?:\s[A-Z][A-Za-z&.]{{0,12}}){{0,2}})\s?(?:หรือ\s?[A-Za-z{THAI}.]{{2,10}}\s?)?\)"
        )


@functools.lru_cache(maxsize=1)
def patterns() -> Patterns:
    return Patterns(load_lexicon())



@functools.lru_cache(maxsize=4096)
def word_starts(chunk: str) -> frozenset[int]:
    """The offsets in ``chunk`` where the tokeniser starts a word."""
    starts, pos = set(), 0
    for token in tokenizer()(chunk):
        starts.add(pos)
        pos += len(token)
    return frozenset(starts)
