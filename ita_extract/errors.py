"""Exceptions raised by ita-extract's library code.

    ItaError
    ├── InputError          an input file cannot be read as an article
    │   ├── EmptyInput
    │   ├── BinaryInput
    │   ├── NotThaiInput
    │   └── InputTooLarge
    ├── FetchError          (ita_extract.fetch) a page could not be fetched
    └── GoldError           gold annotations do not validate

Library functions raise; only the pipeline runner and the CLI decide to go on.
The Thai normalisation errors (ThaiDateError, ThaiNumberError) are ValueErrors of
their own in ``ita_extract.thai``.
"""


class ItaError(Exception):
    """Base class of every error ita-extract raises on purpose."""


class InputError(ItaError):
    """The input cannot be read as an article."""


class EmptyInput(InputError):
    """The input holds no text."""


class BinaryInput(InputError):
    """The input is binary data, not text or HTML."""


class NotThaiInput(InputError):
    """The input holds no Thai text."""


class InputTooLarge(InputError):
    """The input is larger than the configured maximum."""


class FetchError(ItaError):
    """A page could not be fetched."""


class GoldError(ItaError):
    """Gold annotations do not validate against the schema or the documents."""
