"""Entity mentions found by rule: AGENCY, PERSON, POSITION, TIER, FISCAL_YEAR, DATE, NUMBER.

Thai is written without spaces between words, and spaCy's token-based matchers miss
names whose boundaries do not fall on PyThaiNLP token boundaries. So the rules here work
on characters (regexes built from the lexicon data files) and the spaCy component in
``nlp.py`` projects their spans onto the tokens. Every mention keeps its char offsets.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ita_extract.extract.lexicon import Lexicon, load_lexicon
from ita_extract.thai.dates import find_dates, find_years
from ita_extract.thai.numbers import find_numbers

THAI = "\u0e00-\u0e7f"
# A Thai abbreviation: one to four consonants then a dot, repeated (ป.ป.ช., สอจ., ก.พ.ร.).
ABBR_RE = r"[ก-ฮ]{1,5}\.(?:[ก-ฮ]{1,4}\.)*"


# After an agency head, these begin a clause, not a name ("กระทรวงที่ได้...", but "กรมที่ดิน").
FUNCTION_AFTER_HEAD = re.compile(r"(?:ที่$|ที่(?:ได้|มี|เป็น|ผ่าน|เข้า|อยู่)|ซึ่ง|และ|ต่าง|ละ$|ทั้ง|นี้|นั้น|ใน|ของ|ฯ)")
TITLED_DEFINITION = re.compile(rf"\(\s?(?P<title>[ก-๛]{{2,20}})\s(?P<abbr>{ABBR_RE})\s?\)")
THAI_RUN = re.compile(r"[ก-๛]+")
NOT_GIVEN = re.compile(r"(?:ทรงคุณวุฒิ|ชำนาญการ|เชี่ยวชาญ|ปฏิบัติการ|อาวุโส)")
PUBLIC_ORG_SUFFIX = re.compile(r"\s?(\((?:องค์การมหาชน|มหาชน)\))")
CATEGORY_BEFORE = re.compile(r"ประเภท\s?$")
PLACE_NAME = re.compile(r"[ก-๛]{2,30}")
ALIAS_AFTER = re.compile(r"\s?หรือ\s?([A-Z][A-Za-z&.]*(?:\s[A-Z][A-Za-z&.]*){0,3})")


@dataclass(frozen=True)
class Mention:
    label: str
    start: int
    end: int
    text: str
    value: object = None
    attrs: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Person:
    honorific: str
    name: str
    start: int
    end: int
    position: str | None
    position_start: int | None
    position_end: int | None


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
            r"(?:บริษัท|บมจ\.)\s?[^\n]{1,70}?จำกัด(?:\s?\(มหาชน\))?"
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
            rf"(?:ระดับ|เกรด)\s?(?:ผลการประเมิน\s?)?(?:ที่\s?)?[“\"'‘]?\s?(?P<tier>{tiers})(?![A-Za-z])(?!เกณฑ์|การ|ค่า)\s?[”\"'’]?"
        )
        # the word tiers also stand alone ("... ผ่านดีเยี่ยม 97 คะแนน"); letters and ผ่าน need ระดับ
        self.word_tier = re.compile(r"(?<![ก-๛])(?P<tier>ผ่านดีเยี่ยม|ผ่านดี|ดีเยี่ยม|ต้องปรับปรุงโดยด่วน)(?![ก-๛])")
        # The moral-organisation levels, written with or without องค์กร ("ระดับคุณธรรมต้นแบบ"),
        # kept as written:
        # ส่งเสริม (1), พัฒนา or plain คุณธรรม (2), ต้นแบบ (3), and the ต้นแบบโดดเด่น distinction.
        self.moral_tier = re.compile(
            r"(?:ระดับที่\s?[123]\s?)?(?P<tier>องค์กรคุณธรรมต้นแบบโดดเด่น|องค์กรคุณธรรมต้นแบบ|องค์กรส่งเสริมคุณธรรม|องค์กรพัฒนาคุณธรรม)"
            r"|ระดับ(?:ที่\s?[123])?\s?(?P<bare>คุณธรรมต้นแบบโดดเด่น|คุณธรรมต้นแบบ|ส่งเสริมคุณธรรม|พัฒนาคุณธรรม|องค์กรคุณธรรม|คุณธรรม)(?![ก-๛])"
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


# --- agencies -------------------------------------------------------------------------

def _trim_agency(name: str, pat: Patterns) -> str:
    """Cut an agency name glued to the verb after it (Thai has no spaces between words).

    A stop word cuts only where a word starts, so ``เครื่องประดับ`` keeps its ``ระดับ``."""
    head = re.match(rf"(?:{pat.lex.agency_alt})", name)
    skip = len(head.group(0)) if head else 2
    if not pat.agency_stop.search(name, skip):
        return name
    starts = _word_starts(name)
    for m in pat.agency_stop.finditer(name, skip):
        if m.start() in starts:
            return name[: m.start()]
    return name


@functools.lru_cache(maxsize=4096)
def _word_starts(chunk: str) -> frozenset[int]:
    from ita_extract.thai.tokenize import tokenize

    starts, pos = set(), 0
    for token in tokenize(chunk):
        starts.add(pos)
        pos += len(token)
    return frozenset(starts)


def find_agencies(text: str, abbreviations: dict[str, str] | None = None) -> list[Mention]:
    """Agency mentions, each with its canonical name in ``value`` (abbreviations expanded)."""
    pat = patterns()
    found: list[Mention] = []
    covered = bytearray(len(text) + 1)  # 1 where an agency mention already stands

    def free(s: int, e: int) -> bool:
        return not any(covered[s:e])

    def take(s: int, e: int) -> None:
        covered[s:e] = b"\x01" * (e - s)

    for m in pat.company.finditer(text):
        name = re.sub(r"\s+", " ", m.group(0))
        found.append(Mention("AGENCY", m.start(), m.end(), m.group(0), name))
        take(m.start(), m.end())
    for m in pat.agency_core.finditer(text):
        start = m.start()
        if not free(start, m.end()):
            continue
        name = _trim_agency(m.group(0), pat)
        end = start + len(name)
        # continuation chunks: "สำนักงาน ป.ป.ช.", "... จังหวัดขอนแก่น"
        while True:
            rest = text[end:end + 80]
            if name.endswith(("สำนักงาน", "คณะกรรมการ", "กรม")):
                a = pat.abbr_chunk.match(rest)
                if a:
                    name = name + " " + a.group(1) if rest.startswith(" ") else name + a.group(1)
                    end += a.end()
                    continue
            q = PUBLIC_ORG_SUFFIX.match(rest)
            if q:  # "โรงพยาบาลบ้านแพ้ว (องค์การมหาชน)": part of the legal name
                name = name + " " + q.group(1)
                end += q.end()
                continue
            p = pat.province_chunk.match(rest)
            if p and "จังหวัด" not in name:
                name = name + " " + p.group(1)
                end += p.end()
                continue
            break
        if name.startswith("จังหวัด") and not pat.province.match(name, len("จังหวัด")):
            continue
        if name in pat.generic_agency or len(name) < 5 or _no_name_after_head(name, pat):
            continue
        if CATEGORY_BEFORE.search(text, max(0, start - 10), start):
            continue  # "ประเภทกรมหรือเทียบเท่า": a type of agency, not an agency
        if not free(start, end):
            continue
        canonical = _expand(name, text, end, abbreviations or {})
        if canonical.endswith("ฯ"):
            canonical = _unabbreviate(canonical, text)
        found.append(Mention("AGENCY", start, end, text[start:end], canonical))
        take(start, end)
    table = dict(pat.lex.abbreviations)
    table.update(abbreviations or {})
    abbr_re = pat.known_abbr if not abbreviations else re.compile(
        rf"(?<![{THAI}A-Za-z.])(?:{'|'.join(re.escape(a) for a in sorted(table, key=len, reverse=True))})"
    )
    for m in abbr_re.finditer(text):
        if not free(m.start(), m.end()):
            continue
        abbr = m.group(0)
        if CATEGORY_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            continue
        canonical = _expand(abbr, text, m.end(), table)
        end = m.end()
        if abbr in pat.lex.place_abbreviations and canonical != table.get(abbr):
            # "อบต.โคกสะอาด จังหวัดกาฬสินธุ์": the place name, then the province that locates it
            end = m.end() + len(canonical) - len(table[abbr]) + (1 if text[m.end():m.end() + 1] == " " else 0)
            p = pat.province_chunk.match(text, end)
            if p:
                canonical, end = canonical + " " + p.group(1), p.end()
                found = [x for x in found if not (m.start() <= x.start and x.end <= end)]
        found.append(Mention("AGENCY", m.start(), end, text[m.start():end], canonical, {"abbr": True}))
        take(m.start(), end)
    found.sort(key=lambda x: x.start)
    return found


def _expand(name: str, text: str, end: int, table: dict[str, str]) -> str:
    """Canonical agency name: an abbreviation expanded (``สอจ.ตราด`` → full name + province)."""
    full = table.get(name)
    office = re.fullmatch(rf"สำนักงาน\s?({ABBR_RE})", name)
    if full is None and office and office.group(1) in table:
        # "สำนักงาน คปภ.": the office of an abbreviated body
        body = table[office.group(1)]
        return body if body.startswith("สำนักงาน") else "สำนักงาน" + body
    if full is None:
        return name
    pat = patterns()
    after = end + (1 if text[end:end + 1] == " " else 0)
    if full.endswith("จังหวัด"):
        p = pat.province.match(text, after)
        if p:
            return full + p.group(0)
    if name in pat.lex.place_abbreviations:
        # "อบต.บ้านใหม่", "สภ.เมืองลำพูน": the abbreviation of a local office + its place name
        place = PLACE_NAME.match(text, after)
        if place and not pat.agency_stop.match(place.group(0)):
            return full + _trim_agency(full[:2] + place.group(0), pat)[2:]
    return full


def _unabbreviate(name: str, text: str) -> str:
    """``กระทรวงดิจิทัลฯ`` → the full form the article writes (``กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม``);
    ``สำนักงานปลัดกระทรวงดิจิทัลฯ`` → the same completion after its own prefix."""
    stem = name.rstrip("ฯ").rstrip()
    pat = patterns()
    heads = [m.start() for m in re.finditer(rf"(?:{pat.lex.agency_alt})", stem)]
    for cut in heads:  # the whole stem first, then shorter suffixes that start at a head
        suffix = stem[cut:]
        best = None
        for m in re.finditer(re.escape(suffix) + rf"[{THAI}]+", text):
            full = _trim_agency(m.group(0), pat)
            if len(full) > len(suffix) + 2 and not full.endswith("ฯ") and (best is None or len(full) < len(best)):
                best = full
        if best is not None:
            return stem[:cut] + best
    return name


def _no_name_after_head(name: str, pat: Patterns) -> bool:
    """"กระทรวงที่...", "กรมฯ": a head followed by a function word, not by a name."""
    head = re.match(rf"(?:{pat.lex.agency_alt})", name)
    rest = name[head.end():] if head else name
    return len(rest) < 2 or bool(FUNCTION_AFTER_HEAD.match(rest))


def document_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations the article defines itself: ``ชื่อเต็ม (ตัวย่อ)`` right after a name."""
    pat = patterns()
    table: dict[str, str] = {}
    for d in pat.definition.finditer(text):
        abbr = d.group("abbr")
        before = text[max(0, d.start() - 160): d.start()].rstrip()
        # the name ends right before "(": take the last agency that ends there
        cands = [m for m in find_agencies_plain(before) if m.end >= len(before) - 1]
        if cands:
            full = cands[-1].value
            if full.endswith("ฯ"):
                full = _unabbreviate(full, text)
            table.setdefault(abbr, full)
            # "ธนาคาร... (ธพว.) หรือ SME D Bank": a second name for the same agency
            alias = ALIAS_AFTER.match(text, d.end())
            if alias:
                table.setdefault(alias.group(1).strip(), cands[-1].value)
    # "เลขาธิการคณะกรรมการกำกับ...ประกันภัย (เลขาธิการ คปภ.)": the title repeats, the body is abbreviated
    for d in TITLED_DEFINITION.finditer(text):
        before = text[max(0, d.start() - 200): d.start()].rstrip()
        at = before.rfind(d.group("title"))
        full = before[at + len(d.group("title")):] if at >= 0 else ""
        if len(full) >= 6 and " " not in full and THAI_RUN.fullmatch(full):
            table.setdefault(d.group("abbr"), full)
    return table


def find_agencies_plain(text: str) -> list[Mention]:
    """Head-based agency mentions only, no abbreviation table (for definitions)."""
    pat = patterns()
    out = []
    for m in pat.company.finditer(text):
        out.append(Mention("AGENCY", m.start(), m.end(), m.group(0), re.sub(r"\s+", " ", m.group(0))))
    for m in pat.agency_core.finditer(text):
        name = m.group(0)
        if name in pat.generic_agency or len(name) < 5:
            continue
        out.append(Mention("AGENCY", m.start(), m.end(), name, name))
    out.sort(key=lambda x: x.start)
    return out


def is_assessor(name: str) -> bool:
    return bool(patterns().assessor.search(name))


# --- people ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _family_names() -> frozenset[str]:
    """PyThaiNLP's family-name list: "มีสุข" is a name although it starts like "มี" (has)."""
    from pythainlp.corpus import thai_family_names

    return frozenset(thai_family_names())


def _candidates(pattern: re.Pattern[str], text: str):
    """Matches that may overlap: a rejected "honorific + name" ("นายอำเภอเมือง และนาย...")
    must not swallow the real name after it, as finditer's non-overlapping scan would."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def find_people(text: str) -> list[Person]:
    """Honorific + given name + family name, with the position written next to the name."""
    pat = patterns()
    people: list[Person] = []
    taken_until = 0
    for m in _candidates(pat.person, text):
        if m.start() < taken_until:
            continue  # inside a person already found
        given, family = m.group("given"), m.group("family")
        end = m.end()
        # "ชาญวีรกูลรองนายกรัฐมนตรี...": a family name glued to the position after it
        glued = pat.position_head.search(family, 3)
        if glued:
            end -= len(family) - glued.start()
            family = family[: glued.start()]
        # "นายกรัฐมนตรี", "นายอำเภอ": a position head, not an honorific + name.
        head = pat.position_head.match(text, m.start())
        if head and head.end() > m.start("given") and head.group(0) != "นายก":
            continue  # bare นายก is also the start of names (นายกฤษฎา); นายกรัฐมนตรี etc. are longer heads
        if NOT_GIVEN.match(given):
            continue  # "นายแพทย์ทรงคุณวุฒิ": a rank of the civil service, not a name
        if pat.not_name.match(family) and family not in _family_names():
            continue
        if pat.position_head.match(family) or pat.position_head.match(given):
            continue
        position, ps, pe = _position_after(text, end, pat)
        if position is None:
            position, ps, pe = _position_before(text, m.start(), pat)
        people.append(
            Person(m.group("hon"), f"{given} {family}", m.start(), end, position, ps, pe)
        )
        taken_until = end
    return people


# Chunks that go on with the same person's title rather than start a new clause.
POSITION_CONTINUATION = re.compile(r"รักษาการ|รักษาราชการ|ด้าน[ก-๛]|ฝ่าย[ก-๛]|ประจำ[ก-๛]|และรัฐมนตรี")
REGION = re.compile(r"เขต[ก-๛]*(?:ที่)?\s?\d{1,3}(?!\d)")
LATIN_NAME = re.compile(r"[A-Z][A-Z&.]{1,12}")
_ORG_CONTINUATION = ("ว่าการ", "กระทรวง", "กรม", "สำนักงาน", "สำนัก", "จังหวัด", "มหาวิทยาลัย", "บริษัท",
                     "ธนาคาร", "ศูนย์", "สถาบัน", "องค์การ", "การ", "กอง", "เทศบาล", "อำเภอ",
                     "บรรษัท", "กองทุน", "สภา", "คณะกรรมการ")


def _position_after(text: str, end: int, pat: Patterns) -> tuple[str | None, int | None, int | None]:
    """The position written right after a name, with the organisation chunks that follow it
    ("ผู้อำนวยการศูนย์... กระทรวงอุตสาหกรรม", "กรรมการผู้จัดการใหญ่ บริษัท ขนส่ง จำกัด")."""
    m = re.match(r"\s?", text[end:])
    start = end + (m.end() if m else 0)
    officer = pat.provincial_officer.match(text, start)
    if officer:  # "อุตสาหกรรมจังหวัดยะลา": the title ends with the province
        return officer.group(0), start, officer.end()
    if not pat.position_head.match(text, start) and not re.match(r"(?:รมว\.|รมช\.)", text[start:]):
        return None, None, None
    chunks = _chunks(text, start)
    if not chunks:
        return None, None, None
    s0, e0 = chunks[0]
    first = _trim_position(text[s0:e0], pat)
    pos_end = s0 + len(first)
    if len(first) < e0 - s0:  # the chunk ran into a verb: the position ends there
        return first, start, pos_end
    k = 1
    while k < len(chunks):
        s, e = chunks[k]
        chunk = text[s:e]
        company = pat.company.match(text, s) if chunk.startswith("บริษัท") else None
        if text[pos_end - len("บริษัท"):pos_end] == "บริษัท":
            company = re.match(r"\s?[^\n]{1,70}?จำกัด(?:\s?\(มหาชน\))?", text[pos_end:])
            if company:
                pos_end += company.end()
                break
        if company:
            pos_end = company.end()
            break
        if pat.person.match(text, s):
            break
        region = REGION.match(text, s)
        if region:  # "ผู้ตรวจราชการกระทรวงสาธารณสุข เขตสุขภาพที่ 10"
            pos_end = region.end()
            break
        if POSITION_CONTINUATION.match(chunk):
            # "รักษาการแทนผู้จัดการ...", "ด้านบริหาร", "และรัฐมนตรีว่าการ...": the same person's title
            trimmed = _trim_position(chunk, pat)
            pos_end = s + len(trimmed)
            if len(trimmed) < len(chunk):
                break
        elif pat.position_head.match(chunk):
            break
        elif chunk.startswith(_ORG_CONTINUATION):
            trimmed = _trim_position(chunk, pat)
            pos_end = s + len(trimmed)
            if len(trimmed) < len(chunk):
                break
        elif (re.fullmatch(ABBR_RE, chunk) or LATIN_NAME.fullmatch(chunk)) and not re.match(r"\s?\d", text[e:]):
            pos_end = e
        else:
            break
        k += 1
    return re.sub(r"\s+", " ", text[start:pos_end]).strip(), start, pos_end


def _position_before(text: str, start: int, pat: Patterns) -> tuple[str | None, int | None, int | None]:
    """"ผู้ว่าราชการจังหวัดขอนแก่น นายไกรสร ..." — the position written just before a name."""
    before = text[max(0, start - 80): start]
    m = re.search(r"(\S+?)\s?\(?\s?$", before)
    if not m:
        return None, None, None
    chunk = m.group(1)
    if pat.position_head.match(chunk) and len(chunk) > 4:
        s = start - len(before) + m.start(1)
        return chunk, s, s + len(chunk)
    return None, None, None


def _chunks(text: str, start: int) -> list[tuple[int, int]]:
    """Space-delimited chunks on the same line from ``start``."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"[^\s,]+", text[start:line_end])][:6]


POSITION_STOP = re.compile(
    r"(?:เป็นประธาน|กล่าว|เปิดเผย|ได้|ร่วม|พร้อม|ให้|เดินทาง|ในฐานะ|ตรวจ|มอบ|นำ|เข้า|ลงพื้นที่|ชี้แจง|เผย|ระบุ"
    r"|และเจ้าหน้าที่|และคณะ|และผู้)"
)


def _trim_position(chunk: str, pat: Patterns) -> str:
    """Cut a position glued to the verb after it, at a word start only ("หัวหน้าผู้ตรวจ..." keeps ตรวจ)."""
    head = pat.position_head.match(chunk)
    skip = head.end() if head else 0
    starts = None
    for m in POSITION_STOP.finditer(chunk, skip):
        if m.start() == 0:
            continue
        starts = starts if starts is not None else _word_starts(chunk)
        if m.start() in starts:
            return chunk[: m.start()]
    return chunk.rstrip("(")


# --- tiers, years, dates, numbers -----------------------------------------------------

def find_tiers(text: str) -> list[Mention]:
    """Tier mentions: ITA letter or word tiers, and the moral-organisation levels."""
    pat = patterns()
    out = []
    for m in pat.tier.finditer(text):
        out.append(Mention("TIER", m.start(), m.end(), m.group(0), m.group("tier"), {"kind": "ITA"}))
    for m in pat.word_tier.finditer(text):
        if not any(t.start <= m.start() < t.end for t in out):
            out.append(Mention("TIER", m.start(), m.end(), m.group(0), m.group("tier"), {"kind": "ITA"}))
    for m in pat.moral_tier.finditer(text):
        tier = m.group("tier") or m.group("bare")  # as the text writes it (GUIDELINES.md)
        out.append(Mention("TIER", m.start(), m.end(), m.group(0), tier, {"kind": "MORAL_ORG"}))
    out.sort(key=lambda x: x.start)
    return out


def find_fiscal_years(text: str) -> list[Mention]:
    return [
        Mention("FISCAL_YEAR", y.start, y.end, y.text, y.year_be, {"fiscal": y.fiscal})
        for y in find_years(text)
    ]


def find_date_mentions(text: str) -> list[Mention]:
    return [Mention("DATE", d.start, d.end, d.text, d.date, {"placeholder": d.placeholder}) for d in find_dates(text)]


def find_number_mentions(text: str) -> list[Mention]:
    return [
        Mention("NUMBER", n.start, n.end, n.text, n.value, {"percent": n.percent, "approx": n.approx})
        for n in find_numbers(text)
    ]
