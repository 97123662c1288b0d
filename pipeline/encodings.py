"""Decode text files: UTF-8, UTF-16, and the legacy Vietnamese encodings of the 1990s-2000s.

Old OCR output and typed reports often come in Windows-1258 (combining tone marks) or in
TCVN3 (the "ABC" fonts: one byte per precomposed letter); both are converted. VNI (letters
followed by mark bytes, as in "Vieät Nam") is recognised and refused with advice, since a
wrong guess would corrupt the text silently.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.errors import EncodingError

# TCVN 5712:1993 (VN3, the "ABC" fonts) bytes 0x80-0xFF, as glibc's iconv TCVN5712-1 maps them.
_TCVN3_HIGH = "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"
_TCVN3 = {0x80 + i: ch for i, ch in enumerate(_TCVN3_HIGH)}

_VIETNAMESE_LETTERS = frozenset(
    unicodedata.normalize("NFC", c) for c in
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)
_VNI_PATTERN = re.compile(r"[aeiouyAEIOUY][\u00f8\u00f9\u00fb\u00f5\u00ef\u00e2\u00e4\u00e5\u00e3\u00e1\u00e0]")
_MIN_SHARE = 0.9  # share of non-ASCII letters that must be Vietnamese for a guess to stand


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text file; raises EncodingError when unsure."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", source), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source), "utf-16"
    utf16 = _guess_utf16(data)
    if utf16:
        return _strict(data, utf16, source), utf16
    if _looks_binary(data):
        raise EncodingError(source, "the file is binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _decode_legacy(data, source)


_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}


def _looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 1% control bytes, in the first 64 KiB."""
    sample = data[:65536]
    return 0 in sample or sum(b in _CONTROL for b in sample) > 0.01 * len(sample)


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise EncodingError(source, f"invalid {encoding} text at byte {e.start}") from e


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: NULs on every other byte of ASCII text."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 3 * even:
        return "utf-16-le"
    if even > 3 * odd:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes, source: str) -> tuple[str, str]:
    if _looks_vni(data):
        raise EncodingError(
            source, "the text looks like VNI-encoded Vietnamese, which vanthu does not convert",
            hint="convert it to Unicode (UTF-8) first, e.g. with UniKey's converter",
        )
    candidates = {
        "windows-1258": unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")),
        "tcvn3": unicodedata.normalize("NFC", "".join(_TCVN3.get(b, chr(b)) for b in data)),
    }
    scores = {name: vietnamese_share(text) for name, text in candidates.items()}
    best = max(scores, key=scores.__getitem__)
    if scores[best] >= _MIN_SHARE:
        return candidates[best], best
    raise EncodingError(
        source, "the text is not UTF-8, UTF-16, Windows-1258 or TCVN3",
        hint="convert it to UTF-8 first (e.g. `iconv -f ENCODING -t UTF-8`)",
    )


def _looks_vni(data: bytes) -> bool:
    """VNI puts a mark byte after the vowel; read as Windows-1252 that gives "aø", "eá", ...

    Measured on legal text: VNI would hit in most words, TCVN3 in 0.2% of words and
    Windows-1258 in 3%.
    """
    text = data.decode("cp1252", errors="replace")
    words = max(1, len(text.split()))
    return len(_VNI_PATTERN.findall(text)) >= max(3, 0.1 * words)


def vietnamese_share(text: str) -> float:
    """Share of non-ASCII letters in ``text`` that are Vietnamese letters (0 when there are none)."""
    non_ascii = [c for c in text if ord(c) > 127 and (c.isalpha() or unicodedata.combining(c))]
    if not non_ascii:
        return 0.0
    return sum(c.lower() in _VIETNAMESE_LETTERS for c in non_ascii) / len(non_ascii)
