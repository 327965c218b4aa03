"""Extraction: an Article in, a DocumentRecord out (results, aggregates, officials, dates).

:func:`extract_document` runs these stages in order:

1. passages (``passages.py``): the parts of the article that concern the assessment;
2. mentions (``mentions.py``, spaCy in ``nlp.py``): people, agencies, tiers, dates, years
   and numbers of each passage (``agencies.py``, ``people.py``, ``entities.py``);
3. figures (``figures.py``): what each number is, by an ordered table of named rules;
   and the passage's assessment year (``years.py``);
4. results (``results.py``): agency ↔ score ↔ tier ↔ fiscal year;
5. aggregates (``aggregates.py``, ``tables.py``): figures about a group, table cells;
6. merge (``merge.py``): repeated mentions collapse, one official per person;
7. event date (``event_dates.py``): the date of the activity the item reports.
"""

from __future__ import annotations

from ita_extract.extract.agencies import document_abbreviations
from ita_extract.extract.aggregates import AggregateAt, find_aggregates, table_aggregates
from ita_extract.extract.event_dates import event_date
from ita_extract.extract.figures import find_figures
from ita_extract.extract.mentions import line_starts, read_mentions
from ita_extract.extract.merge import merge_aggregates, merge_results, officials
from ita_extract.extract.passages import WHOLE_ARTICLE_MAX, Passage, select_passages
from ita_extract.extract.people import Person
from ita_extract.extract.results import ResultAt, find_results
from ita_extract.extract.years import assessment_year
from ita_extract.models import Article, DocumentRecord


def extract_document(article: Article) -> DocumentRecord:
    """Everything the rules find in one article."""
    text = article.text
    record = DocumentRecord(
        doc=article.doc,
        url=article.url,
        title=article.title,
        published=article.published,
        warnings=list(article.warnings),
    )
    passages = select_passages(text)
    if passages:
        abbreviations = document_abbreviations(text)
        starts = line_starts(text)
        results: list[ResultAt] = []
        aggregates: list[AggregateAt] = []
        people: list[Person] = []
        for passage in passages:
            mentions = read_mentions(text, passage, abbreviations, starts)
            figures = find_figures(mentions)
            year = assessment_year(mentions)
            results += find_results(mentions, figures, year)
            aggregates += find_aggregates(mentions, figures, year)
            aggregates += table_aggregates(mentions, passage, year)
            people += mentions.people
        record.results = merge_results([r.result for r in sorted(results, key=lambda r: r.at)])
        record.aggregates = merge_aggregates([a.aggregate for a in sorted(aggregates, key=lambda a: a.at)])
        record.officials = officials(people, text)
    elif text.strip() and len(text) <= WHOLE_ARTICLE_MAX:
        # an item with no assessment still names officials (GUIDELINES: named people with
        # a public role); a long digest without the topic is not read for them
        whole = Passage(0, len(text))
        found = read_mentions(text, whole, document_abbreviations(text), line_starts(text))
        record.officials = officials(found.people, text)
    record.event_date, record.event_date_evidence = event_date(text, article.published)
    return record


__all__ = ["extract_document", "merge_results", "merge_aggregates", "event_date"]
