"""ita-extract: Thai government news about the NACC's Integrity and Transparency
Assessment (ITA) → structured, evidenced events in SQLite."""

__version__ = "0.1.0"
