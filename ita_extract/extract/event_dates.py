"""Stage 7, event date: the date of the activity an item reports."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from ita_extract.models import Evidence
from ita_extract.thai.dates import find_dates, month_number, month_pattern

# The activity an item reports is dated in its first paragraphs; a date further down is
# a deadline, a background fact or another event.
EVENT_DATE_WINDOW = 1500
# ``วานนี้ (10 ส.ค.)``, ``เมื่อวันที่ 8 สิงหาคมที่ผ่านมา``: an event date without its year.
EVENT_NO_YEAR = re.compile(
    rf"(?:วันนี้|วานนี้|เมื่อวันที่|เมื่อวาน(?:นี้)?|วันที่)\s?\(?\s?(?P<day>\d{{1,2}})\s?(?P<month>(?>{month_pattern()}))"
    r"(?!\s?(?:พ\.\s?ศ\.|ค\.\s?ศ\.)?\s?\d)"
)


class Dated(NamedTuple):
    start: int
    date: dt.date
    end: int


def event_date(text: str, published: dt.date | None) -> tuple[dt.date | None, Evidence | None]:
    """The date of the activity the item reports: the first real date in its opening."""
    head = text[:EVENT_DATE_WINDOW]
    candidates: list[Dated] = []
    for d in find_dates(head):
        if d.placeholder:
            continue
        candidates.append(Dated(d.start, d.date, d.end))
    if published is not None:
        for m in EVENT_NO_YEAR.finditer(head):
            date = _date_without_year(int(m.group("day")), m.group("month"), published)
            if date is not None:
                candidates.append(Dated(m.start(), date, m.end()))
    if not candidates:
        return None, None
    first = min(candidates, key=lambda c: c.start)
    return first.date, Evidence(start=first.start, end=first.end, sentence=text[first.start:first.end])


def _date_without_year(day: int, month_text: str, published: dt.date) -> dt.date | None:
    """``วานนี้ (10 ส.ค.)``: the year is the published date's, or the one before it."""
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
