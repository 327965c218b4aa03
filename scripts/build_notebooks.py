"""Write the researchers' notebooks of notebooks/ from the cells below, without outputs.

The notebooks only call ita_extract.analysis and ita_extract.plots: change the logic there,
and this script only when a notebook's sequence of cells changes. `python scripts/build_notebooks.py`.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

SETUP = """%matplotlib inline
from IPython.display import Markdown, display
from ita_extract import analysis, plots

db_path = analysis.dataset_path()  # $ITA_DB, else the release's ita.db (make dataset)
conn = analysis.connect(db_path)
db_path"""

OVER_TIME = [
    new_markdown_cell(
        "# ITA over time\n\n"
        "What the news says about the Integrity and Transparency Assessment, year by year, read from an "
        "`ita release` (`make dataset` writes `dist/ita-thaigov-<version>/ita.db`; set `ITA_DB` to read another file). "
        "Every figure below is computed by `ita_extract.analysis` and drawn by `ita_extract.plots`; "
        "`ita plots DIR --db FILE` saves the same figures as PNG.\n\n"
        "Fiscal years are Buddhist Era (BE = CE + 543). Agencies are the strings the articles write."
    ),
    new_code_cell(SETUP),
    new_markdown_cell("## Tiers per fiscal year\n\nFrom 2566 the NACC reports pass levels (ผ่านดีเยี่ยม, ผ่านดี) instead of letters."),
    new_code_cell("plots.tiers_by_year(conn)"),
    new_code_cell("display(Markdown(analysis.markdown_table(\n    [{'fiscal_year_be': y, **tiers} for y, tiers in analysis.tier_distribution(conn).items()])))"),
    new_markdown_cell("## Scores by agency type\n\nTypes are a rough grouping by name prefix (`ita_extract/analysis.toml`)."),
    new_code_cell("plots.scores_by_type(conn)"),
    new_markdown_cell("## Largest year-over-year changes\n\nBetween an agency's consecutive reported years (the mean when articles disagree)."),
    new_code_cell("plots.largest_changes(conn)"),
    new_code_cell("display(Markdown(analysis.markdown_table(\n    [{**vars(c), 'delta': c.delta} for c in analysis.year_over_year_changes(conn, limit=15)])))"),
    new_markdown_cell("## National averages, as reported\n\nOne point per value an article states for a year (size: how many articles state it); "
                      "several values for one year are the articles disagreeing or reporting different rounds."),
    new_code_cell("plots.national_average(conn)"),
    new_code_cell("display(Markdown(analysis.markdown_table(analysis.national_averages(conn))))"),
]

TRUST = [
    new_markdown_cell(
        "# How far to trust it\n\n"
        "The dataset scored against the project's gold annotations (`gold/`, see `gold/GUIDELINES.md`): per field, "
        "per source family (seeds, thaigov, web) and per document, then every error with its evidence. "
        "`ITA_DB` names the dataset (default: the release's `ita.db`; a gold document the file does not hold counts "
        "as all missed), `ITA_GOLD` the gold folder. For the extractor's own figures on every gold document, "
        "build the file with `ita extract gold/docs --db gold.db`."
    ),
    new_code_cell(SETUP + "\nsets = analysis.trust_scores(analysis.gold_path(), db_path)"),
    new_markdown_cell("## Per field and family\n\nF1 for the lists, accuracy for the checked fields; `_n` is how many gold items (or matched pairs) it rests on. Empty: nothing to score."),
    new_code_cell("display(Markdown(analysis.markdown_table(analysis.field_table(sets))))"),
    new_code_cell("plots.trust_by_field(sets)"),
    new_markdown_cell("## Per document\n\nThe gold documents that are not perfect, worst first."),
    new_code_cell("display(Markdown(analysis.markdown_table(analysis.document_table(sets)[:30])))"),
    new_markdown_cell("## Error cases with their evidence\n\nMissed: the gold item and its sentence. Spurious: the prediction and the sentence it was read from. Wrong field: a matched pair that disagrees."),
    new_code_cell("display(Markdown(analysis.markdown_table(analysis.error_cases(sets, limit=60),\n    ['doc', 'kind', 'list', 'item', 'gold', 'pred', 'sentence'])))"),
]


def write(name: str, cells: list) -> Path:
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem[:20]}-{i}"  # stable ids: rebuilding changes nothing
    path = NOTEBOOKS / name
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(write("ita_over_time.ipynb", OVER_TIME))
    print(write("how_far_to_trust_it.ipynb", TRUST))
