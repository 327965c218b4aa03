"""Thai normalisation: text clean-up with offsets, dates/years (BE↔CE), numbers.

Extraction rules import from here::

    from ita_extract.thai import clean_text, find_dates, find_years, find_numbers
"""

from .dates import (
    DateMention,
    ThaiDateError,
    YearMention,
    be_to_ce,
    ce_to_be,
    find_dates,
    find_years,
    fiscal_year_bounds,
    fiscal_year_of,
    parse_thai_date,
    safe_thai_strptime,
)
from .numbers import NumberMention, ThaiNumberError, find_numbers, parse_number
from .text import CleanText, clean_text, thai_digits_to_arabic

__all__ = [
    "CleanText",
    "DateMention",
    "NumberMention",
    "ThaiDateError",
    "ThaiNumberError",
    "YearMention",
    "be_to_ce",
    "ce_to_be",
    "clean_text",
    "find_dates",
    "find_numbers",
    "find_years",
    "fiscal_year_bounds",
    "fiscal_year_of",
    "parse_number",
    "parse_thai_date",
    "safe_thai_strptime",
    "thai_digits_to_arabic",
]
