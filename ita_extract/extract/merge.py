"""Stage 6, merge: one result per agency, score, year and assessment; one aggregate per
metric, value and tier; one official per person."""

from __future__ import annotations

import re

from ita_extract.extract.lexicon import load_lexicon
from ita_extract.extract.patterns import patterns
from ita_extract.extract.people import Person
from ita_extract.models import Aggregate, Evidence, Official, Result


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
    aliases = [x for x in dict.fromkeys([*a.agency_aliases, *b.agency_aliases, a.agency, b.agency]) if x != agency]
    return a.model_copy(update={
        "agency": agency,
        "agency_aliases": aliases,
        "score": a.score if a.score is not None else b.score,
        "tier": tier,
        "tier_derived": derived,
        "fiscal_year_be": a.fiscal_year_be if a.fiscal_year_be is not None else b.fiscal_year_be,
    })


# Scopes that name no group: a figure written once with one and once with a group's name
# is one aggregate, of that group.
PLACEHOLDER_SCOPES = ("ไม่ระบุ", "หน่วยงานภาครัฐ", "ภาพรวม")


def _same_scope(a: Aggregate, b: Aggregate) -> bool:
    """Whether two equal figures may be one: unless both name groups (not an agency, which
    is often the ranked one rather than the group) and the groups differ."""
    if a.scope in PLACEHOLDER_SCOPES or b.scope in PLACEHOLDER_SCOPES:
        return True
    if a.scope_level in (None, "agency") or b.scope_level in (None, "agency"):
        return True
    x, y = _norm(a.scope), _norm(b.scope)
    return x in y or y in x


def merge_aggregates(aggregates: list[Aggregate]) -> list[Aggregate]:
    """One aggregate per figure repeated in the text; the same value of groups the text
    names apart ("รัฐวิสาหกิจ 51 ... องค์การมหาชน 51") stays several aggregates."""
    out: list[Aggregate] = []
    seen: dict[tuple[str, float, str | None], list[int]] = {}
    for a in aggregates:
        key = (a.metric, round(a.value, 2), a.tier)
        same = [i for i in seen.get(key, []) if _same_scope(out[i], a)]
        if same:
            i = same[0]
            o = out[i]
            update: dict = {}
            if o.fiscal_year_be is None and a.fiscal_year_be is not None:
                update["fiscal_year_be"] = a.fiscal_year_be
            if o.scope in PLACEHOLDER_SCOPES and a.scope not in PLACEHOLDER_SCOPES:
                update.update(scope=a.scope, scope_level=a.scope_level)
            if update:
                out[i] = o.model_copy(update=update)
            continue
        seen.setdefault(key, []).append(len(out))
        out.append(a)
    return out


PRIVATE_BODY = re.compile(load_lexicon().cue_alt("position", "private_body"))


def officials(people: list[Person], text: str) -> list[Official]:
    """One official per person, with the first position written next to the name; a role
    in an association or a chamber ("นายกสมาคม...") is private, not public."""
    by_name: dict[str, Official] = {}
    for p in people:
        if p.position is None or PRIVATE_BODY.search(p.position):
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
