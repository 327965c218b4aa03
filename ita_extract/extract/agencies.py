"""AGENCY mentions: a head word of the lexicon and the name after it, a company, or an
abbreviation (the lexicon's or one the article defines), each with its canonical name."""

from __future__ import annotations

import re

from ita_extract.extract.entities import Mention
from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.patterns import ABBR_RE, THAI, Patterns, patterns, word_starts

# After an agency head, these begin a clause, not a name ("กระทรวงที่ได้...", but "กรมที่ดิน").
FUNCTION_AFTER_HEAD = re.compile(rf"(?:{load_lexicon().cue_fragment('agency_head', 'function_after')})")
TITLED_DEFINITION = re.compile(rf"\(\s?(?P<title>[ก-๛]{{2,20}})\s(?P<abbr>{ABBR_RE})\s?\)")
THAI_RUN = re.compile(r"[ก-๛]+")
PUBLIC_ORG_SUFFIX = re.compile(rf"\s?(\((?:{load_lexicon().cue_alt('agency_head', 'public_org')})\))")
_TAKES_ABBR = tuple(load_lexicon().cue("agency_head", "takes_abbr"))
CATEGORY_BEFORE = re.compile(r"ประเภท\s?$")
PLACE_NAME = re.compile(r"[ก-๛]{2,30}")
ALIAS_AFTER = re.compile(r"\s?หรือ\s?([A-Z][A-Za-z&.]*(?:\s[A-Z][A-Za-z&.]*){0,3})")


def _trim_agency(name: str, pat: Patterns) -> str:
    """Cut an agency name glued to the verb after it (Thai has no spaces between words).

    A stop word cuts only where a word starts, so ``เครื่องประดับ`` keeps its ``ระดับ``."""
    head = re.match(rf"(?:{pat.lex.agency_alt})", name)
    skip = len(head.group(0)) if head else 2
    if not pat.agency_stop.search(name, skip):
        return name
    starts = word_starts(name)
    for m in pat.agency_stop.finditer(name, skip):
        if m.start() in starts:
            return name[: m.start()]
    return name


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
            if name.endswith(_TAKES_ABBR):
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

