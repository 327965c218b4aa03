"""The event date (issue 7): periods are not events, English items date relative to the page."""

from __future__ import annotations

import datetime as dt

import pytest

from ita_extract.extract.event_dates import event_date

PAGE = dt.date(2022, 8, 1)  # a Monday


@pytest.mark.parametrize("text, published, date", [
    # the assessment's window is a period, the announcement after it is the event
    ("เริ่มประเมินตั้งแต่ 1 เมษายน 2563 ถึง 31 กรกฎาคม 2563 ประกาศผลเมื่อวันที่ 2 สิงหาคม 2563", None, dt.date(2020, 8, 2)),
    ("แบบ OIT ในช่วงวันที่ 16 ตุลาคม - 22 พฤศจิกายน 2561 และแบบ IIT", None, None),
    ("ระหว่างวันที่ 9 - 15 ธ.ค. 60 มีการประเมิน", None, None),
    # a day and month without a year and no page date: null, never a guess
    ("เมื่อวันที่ 28 กันยายน ที่ผ่านมา สำนักงาน ป.ป.ช. ประกาศผล", None, None),
    # English items: relative to the page date
    ("The NACC Office on Monday released the results of its ITA assessment.", dt.date(2022, 8, 4), PAGE),
    ("The vice governor was presented with a plaque yesterday.", dt.date(2021, 12, 10), dt.date(2021, 12, 9)),
    ("The NACC Office on Monday released the results.", None, None),
    # a full date in the opening wins over a relative word
    ("On 1 August 2022 the NACC released the results; yesterday the army replied.", dt.date(2022, 8, 5), PAGE),
])
def test_event_date(text, published, date):
    assert event_date(text, published)[0] == date
