"""Extraction: an Article in, a DocumentRecord out (results, aggregates, officials, dates).

    passages.select_passages → relations.analyse (entities + rules) → merge → DocumentRecord
"""

from __future__ import annotations

import datetime as dt
import re

from ita_extract.extract.passages import select_passages
from ita_extract.extract.relations import analyse
from ita_extract.models import Aggregate, Article, DocumentRecord, Evidence, Official, Result
from ita_extract.thai.dates import find_dates

# The activity an item reports is dated in its first paragraphs; a date further down is
# a deadline, a background fact or another event.
EVENT_DATE_WINDOW = 1500


def _event_no_year() -> re.Pattern[str]:
    """``วานนี้ (10 ส.ค.)``, ``เมื่อวันที่ 8 สิงหาคมที่ผ่านมา``: an event date without its year."""
    from ita_extract.thai.dates import month_pattern

    return re.compile(
        rf"(?:วันนี้|วานนี้|เมื่อวันที่|เมื่อวาน(?:นี้)?|วันที่)\s?\(?\s?(?P<day>\d{{1,2}})\s?(?P<month>(?>{month_pattern()}))"
        r"(?!\s?(?:พ\.\s?ศ\.|ค\.\s?ศ\.)?\s?\d)"
    )


EVENT_NO_YEAR = _event_no_year()


def extract_document(article: Article) -> DocumentRecord:
    """Everything the rules find in one article."""
    text = article.text
    passages = select_passages(text)
    found = analyse(text, passages) if passages else None
    record = DocumentRecord(
        doc=article.doc,
        url=article.url,
        title=article.title,
        published=article.published,
        warnings=list(article.warnings),
    )
    event, evidence = event_date(text, article.published)
    record.event_date = event
    record.event_date_evidence = evidence
    if found is None:
        return record
    record.results = merge_results([r for r, _ in sorted(found.results, key=lambda x: x[1])])
    record.aggregates = merge_aggregates([a for a, _ in sorted(found.aggregates, key=lambda x: x[1])])
    record.officials = officials(found.people, text)
    return record


def _norm(name: str) -> str:
    return re.sub(r"[\s\u200b]+", "", name)


def _same_agency(a: str, b: str) -> bool:
    """The same agency written twice: equal, or one name plus what locates or qualifies it
    ("เทศบาลเมืองพล" / "เทศบาลเมืองพล จังหวัดขอนแก่น", "... (องค์การมหาชน)")."""
    x, y = _norm(a), _norm(b)
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    return long.startswith(short) and bool(QUALIFIER.match(long[len(short):]))


# What may follow an agency's name without making it another agency.
QUALIFIER = re.compile(r"(?:จังหวัด|อำเภอ|\(|ฯ|จำกัด)")
# An unexpanded short form: "บสย.", "EXIM BANK", "ไอแบงก์" (a short name with no agency head).
SHORT_FORM = re.compile(r"^(?:[ก-ฮ]{1,6}\.(?:[ก-ฮ]{1,5}\.)*|[A-Z][A-Za-z&. ]{1,15}|[ก-๛]{2,8})$")


def _short_form_of(a: str, b: str) -> bool:
    """One name is an unexpanded short form (abbreviation, Latin name) of the other."""
    from ita_extract.extract.entities import patterns

    short, long = sorted((a, b), key=len)
    return bool(SHORT_FORM.match(short)) and not patterns().agency_core.match(short) and len(long) > len(short)


def merge_results(results: list[Result]) -> list[Result]:
    """One result per agency, score, year and assessment; repeated mentions (headline,
    lead, body) collapse into the most complete one. Different agencies that share a score
    ("กองคลัง กองช่าง 95 คะแนน") stay apart."""
    out: list[Result] = []
    for r in results:
        for i, o in enumerate(out):
            if o.assessment != r.assessment:
                continue
            if o.fiscal_year_be is not None and r.fiscal_year_be is not None and o.fiscal_year_be != r.fiscal_year_be:
                continue
            if o.score is None or r.score is None:
                # a tier-only mention joins a scored result of the same agency only
                if not _same_agency(o.agency, r.agency):
                    continue
            elif abs(o.score - r.score) >= 0.005:
                continue
            elif not (_same_agency(o.agency, r.agency) or _short_form_of(o.agency, r.agency)):
                continue
            out[i] = _combine(o, r)
            break
        else:
            out.append(r)
    return out


def _combine(a: Result, b: Result) -> Result:
    agency = max((a.agency, b.agency), key=len)
    tier, derived = a.tier, a.tier_derived
    if (tier is None or derived) and b.tier is not None and not b.tier_derived:
        tier, derived = b.tier, False
    return a.model_copy(update={
        "agency": agency,
        "score": a.score if a.score is not None else b.score,
        "tier": tier,
        "tier_derived": derived,
        "fiscal_year_be": a.fiscal_year_be if a.fiscal_year_be is not None else b.fiscal_year_be,
    })


def merge_aggregates(aggregates: list[Aggregate]) -> list[Aggregate]:
    out: list[Aggregate] = []
    seen: dict[tuple, int] = {}
    for a in aggregates:
        key = (a.metric, round(a.value, 2), a.tier)
        if key in seen:
            o = out[seen[key]]
            if o.fiscal_year_be is None and a.fiscal_year_be is not None:
                out[seen[key]] = o.model_copy(update={"fiscal_year_be": a.fiscal_year_be})
            continue
        seen[key] = len(out)
        out.append(a)
    return out


def officials(people, text: str) -> list[Official]:
    """One official per person, with the first position written next to the name."""
    by_name: dict[str, Official] = {}
    for p in people:
        if p.position is None:
            continue
        key = _norm(p.name)
        if key in by_name:
            continue
        by_name[key] = Official(
            honorific=p.honorific, name=p.name, position=p.position,
            evidence=Evidence(start=p.start, end=p.position_end or p.end,
                              sentence=text[p.start:(p.position_end or p.end)]),
        )
    return list(by_name.values())


def event_date(text: str, published: dt.date | None) -> tuple[dt.date | None, Evidence | None]:
    """The date of the activity the item reports: the first real date in its opening."""
    head = text[:EVENT_DATE_WINDOW]
    candidates: list[tuple[int, dt.date, int]] = []
    for d in find_dates(head):
        if d.placeholder:
            continue
        candidates.append((d.start, d.date, d.end))
    if published is not None:
        for m in EVENT_NO_YEAR.finditer(head):
            d = _date_without_year(int(m.group("day")), m.group("month"), published)
            if d is not None:
                candidates.append((m.start(), d, m.end()))
    if not candidates:
        return None, None
    start, date, end = min(candidates, key=lambda c: c[0])
    return date, Evidence(start=start, end=end, sentence=text[start:end])


def _date_without_year(day: int, month_text: str, published: dt.date) -> dt.date | None:
    """``วานนี้ (10 ส.ค.)``: the year is the published date's, or the one before it."""
    from ita_extract.thai.dates import month_number

    try:
        d = dt.date(published.year, month_number(month_text), day)
    except (KeyError, ValueError):
        return None
    if d > published + dt.timedelta(days=1):
        try:
            d = d.replace(year=d.year - 1)
        except ValueError:
            return None
    return d


__all__ = ["extract_document", "merge_results", "merge_aggregates", "event_date"]
