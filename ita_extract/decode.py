"""Bytes → text: the one decoder of the package (fetch, parse and the corpus reader use it).

    decode_body(body, content_type)   web pages and feeds: never raises, returns (text, codec)
    decode_text(data, source)         an input text file: UTF-8 or cp874, else an InputError

Thai pages come in UTF-8, TIS-620/windows-874 (decoded as cp874, their superset) and the
odd wrong declaration; the rules and their order are in :func:`decode_body`.
"""

from __future__ import annotations

import codecs
import re

from ita_extract.errors import BinaryInput, EmptyInput, NotThaiInput

__all__ = ["bom_encoding", "decode_body", "decode_text", "decode_utf8_first"]

#: Python has cp874, tis-620 and iso8859-11 but no windows-874; cp874 is the superset of all
#: (TIS-620 plus the Windows punctuation in 0x80–0x9F), so every Thai label decodes with it.
THAI_LABELS = frozenset(
    {
        "windows-874",
        "x-windows-874",
        "tis-620",
        "tis620",
        "iso-8859-11",
        "iso8859-11",
        "iso_8859-11",
        "cp874",
        "dos-874",
        "x-tis-620",
    }
)
#: Labels servers send by default whatever the page holds (Apache's AddDefaultCharset) and that
#: decode any byte string, so a strict decode cannot catch the lie: they come after the sniffing.
WEAK_HEADER_CODECS = frozenset({"latin-1", "iso8859-1", "cp1252"})
#: Python codecs that are no web charset; utf-7 is banned from the web (WHATWG, XSS).
NON_WEB_CODECS = frozenset(
    {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined", "utf-7", "mbcs", "oem"}
)
#: The interface fixes 4 KB (the HTML spec's prescan reads 1024 bytes; Thai CMSs put long
#: <head>s first, and the cost of 4 KB is nil).
META_SNIFF_BYTES = 4096
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([^"';,\s]+)""", re.IGNORECASE)
# <meta charset=x> and <meta http-equiv=Content-Type content="text/html; charset=x">, and the
# XML declaration of RSS feeds and sitemaps.
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:+-]+)""",
    re.IGNORECASE,
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16-LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
TEXT_TYPES = ("text/", "html", "xml", "json", "javascript")


def _codec_name(label: str | bytes | None) -> str | None:
    """Python codec name for a charset label, or None if it is no usable web text encoding."""
    if label is None:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    if label in THAI_LABELS:
        return "cp874"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return None
    name = info.name
    if not getattr(info, "_is_text_encoding", True) or name in NON_WEB_CODECS:
        return None
    return name


def _decode_strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SNIFF_BYTES])
    if not match:
        return None
    codec = _codec_name(match.group(1) or match.group(2))
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        # Bytes that spell an ASCII <meta> are not UTF-16; the HTML spec reads this as UTF-8.
        return "utf-8"
    return codec


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode an HTML/text body; return ``(text, codec name)``. Never raises.

    Order: HTTP header charset, BOM, ``<meta charset>`` / ``<meta http-equiv>`` / XML
    declaration in the first 4 KB, strict UTF-8, cp874 (with replacement). A declared charset
    that fails to decode strictly is a wrong declaration and falls through to the next rule.
    A header charset of Latin-1/windows-1252 is weak (it never fails to decode): it is tried
    only after the BOM, the meta and strict UTF-8. A leading BOM never reaches the text.

    >>> decode_body("คุณธรรม".encode("cp874"), "text/html; charset=utf-8")
    ('คุณธรรม', 'cp874')
    >>> decode_body(b'<meta charset="tis-620">' + "ไทย".encode("tis-620"), None)[1]
    'cp874'
    """
    header_codec = None
    if content_type:
        match = _CHARSET_PARAM.search(content_type)
        if match:
            header_codec = _codec_name(match.group(1))
    weak_header = header_codec in WEAK_HEADER_CODECS

    def found(text: str, codec: str) -> tuple[str, str]:
        return text.removeprefix("\ufeff"), codec

    if header_codec and not weak_header:
        text = _decode_strict(body, header_codec)
        if text is not None:
            return found(text, header_codec)
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _decode_strict(body[len(bom) :], codec)
            if text is not None:
                return found(text, codec)
    meta_codec = _meta_charset(body)
    if meta_codec:
        text = _decode_strict(body, meta_codec)
        if text is not None:
            return found(text, meta_codec)
    text = _decode_strict(body, "utf-8")
    if text is not None:
        return found(text, "utf-8")
    if header_codec and weak_header:
        text = _decode_strict(body, header_codec)
        if text is not None:
            return found(text, header_codec)
    return found(body.decode("cp874", errors="replace"), "cp874")



def decode_utf8_first(raw: bytes) -> str:
    """Text that is almost always UTF-8 (the corpus files): UTF-8 (a BOM dropped), else
    :func:`decode_body`'s sniffing. Never raises."""
    return decode_body(raw, "text/plain; charset=utf-8")[0]


# Control characters other than tab/newline/CR: a few make text binary.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
THAI_CHAR = re.compile(r"[\u0e00-\u0e7f]")


def decode_text(data: bytes, source: str, warnings: list[str] | None = None, *,
                not_thai_ok: re.Pattern[str] | None = None) -> str:
    """Decode a text file: the encoding its BOM names (UTF-8, UTF-16, UTF-32), else UTF-8,
    else cp874 (Thai Windows/TIS-620).

    A UTF-8 file cut inside its last character (a truncated download) keeps its text,
    with a warning, rather than being misread as cp874. Text with no Thai character is
    refused (NotThaiInput) unless ``not_thai_ok`` finds something in it (the caller's test
    for an English item about the assessment)."""
    bom_codec = bom_encoding(data)
    if bom_codec is not None and bom_codec != "utf-8":
        text = data.decode(bom_codec, errors="replace").lstrip("\ufeff")
        return _checked_text(text, source, not_thai_ok)
    if b"\x00" in data[:4096]:
        raise BinaryInput(f"{source}: binary data (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
            text = data[: e.start].decode("utf-8-sig")
            if warnings is not None:
                warnings.append(f"truncated input: the last {len(data) - e.start} byte(s) are an incomplete UTF-8 character")
        else:
            try:
                text = data.decode("cp874")
                if warnings is not None:
                    warnings.append("decoded as cp874 (TIS-620/windows-874), not UTF-8")
            except UnicodeDecodeError as e2:
                raise BinaryInput(f"{source}: neither UTF-8 nor cp874 text ({e2.reason})") from None
    return _checked_text(text, source, not_thai_ok)


def bom_encoding(data: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``data`` names, else None."""
    return next((codec for bom, codec in _BOMS if data.startswith(bom)), None)


def _checked_text(text: str, source: str, not_thai_ok: re.Pattern[str] | None = None) -> str:
    sample = text[:20000]
    if len(CONTROL.findall(sample)) > max(3, len(sample) // 200):
        raise BinaryInput(f"{source}: binary data (control characters), not text")
    if not text.strip():
        raise EmptyInput(f"{source}: empty")
    if not THAI_CHAR.search(text) and not (not_thai_ok is not None and not_thai_ok.search(text)):
        raise NotThaiInput(f"{source}: no Thai text")
    return text
