"""Find every mention of a cited document: the symbol, the type word before it, the date,
issuer phrase and subject after it, the lead word (relation) and list membership.

All keyword matching runs on the skeleton (lower case, no diacritics) and tolerates
common OCR damage ("s6"/"sé" for "số", "ctia"/"ciia" for "của", "Cong vin" for "Công văn").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.extract.dates import DATE_BODY, DateMatch, date_after, issue_date_in, to_date
from pipeline.extract.doctypes import PROSE_ABBREVIATIONS, type_word_skeletons
from pipeline.extract.symbols import Symbol, code_type, type_conflicts, with_type_word
from pipeline.extract.text import sentence_bounds, skeleton, squash_spaces

_TOKEN = re.compile(r"\S+")
_SO_TOKEN = re.compile(r"^s[a-z0-9&]{0,2}:?$")
_OPENERS = "(“\"'‘["


def _spaced(alternatives: str) -> str:
    """Phrases of a regular expression with each space as any run of white space: a phrase
    may wrap onto the next line ("phê" / "duyệt")."""
    return alternatives.replace(" ", r"\s+")


# the people a document is spread to ("quán triệt ... đến toàn thể cán bộ"): no issuer or subject
_AUDIENCE_WORDS = "toan the|cac|can bo|doi ngu|dong dao|moi|nhan dan|nguoi"
_ISSUER_LEAD = re.compile(r"[ \t\n]*,?[ \t\n]*c(?:u|ti|ii|t|ui|tu|i|iu)a[ \t\n]+")
_ISSUER_STOP = re.compile(
    r"[,;.()\"“”:]|\s(?:" + _spaced("ve|ban hanh|quy dinh|huong dan|phe duyet|thuc hien|sua doi|tai|"
                                    "trien khai|da|duoc|theo|dong thoi|nam(?= \\d)|ngay|cho|doi voi|"
                                    "va cac|phoi hop|co hieu luc") + r"|(?:den|toi)\s+(?:" + _spaced(_AUDIENCE_WORDS) + r"))\b"
)
_ORGAN_AFTER_COMMA = re.compile(r"\s*(?:Bộ|Tòa|Viện|Ủy|Hội|Ban|Sở|Văn phòng|Thủ tướng|Chính phủ|Tổng|Kiểm toán|Ngân hàng)\b")
_UNIT_AFTER = re.compile(r"[ \t]+(?:" + _spaced("tinh|huyen|thanh pho|thi xa|quan|xa|phuong") + r")\b")
_SUBJECT_LEAD = re.compile(
    r"[ \t\n]*,?[ \t\n]*[\"“]?[ \t\n]*(?:" + _spaced("ve viec|ve|v/v|ban hanh|quy dinh|huong dan|phe duyet|"
                                              "thuc hien|trien khai|phoi hop|sua doi") + r")\b"
)
_SUBJECT_STOP = re.compile(r";|[.!?](?=\s|$)|\((?:sau day )?goi tat|[\"”](?=\s*[;,.)]|\s*$)|\n[ \t]*\n")
# A comma, then a new clause of the citing text: a capitalised linking phrase ("..., Đồng thời")
# or a capitalised body doing something ("..., UBND huyện đã ban hành", "..., Sở Nội vụ đề nghị").
# A body with no verb after it is part of the subject ("... ở các cơ quan, UBND các xã").
# A letter's "Kính gửi:" line is never part of a subject.
_CLAUSE_LINK = re.compile(r",\s+(?P<word>" + _spaced("can cu|thuc hien|theo do|nham|dong thoi|tren co so|"
                                                  "tuy nhien|qua do|tu do|do do|vi vay|ngoai ra|hien nay") + r")\b")
# After a lead word that spreads a document ("quán triệt", "triển khai" ...), "đến" + the
# people it reaches ends the subject: "... trong tình hình mới đến toàn thể cán bộ".
_SPREADING = frozenset({"quán triệt", "triển khai"})
_AUDIENCE = re.compile(r"\s(?:den|toi)\s+(?:" + _spaced(_AUDIENCE_WORDS) + r")\b")
# ... or a date that opens the citing clause: "..., ngày 15/9/2023 Thường trực Ban Dân vận làm việc"
_CLAUSE_DATE = re.compile(rf",\s+ngay\s+{DATE_BODY}\s*,?\s+(?P<word>\w)")
_ADDRESSEES = re.compile(r"\s(?P<word>" + _spaced("kinh gui") + r")\s*:")
_CLAUSE_ACTOR = re.compile(
    r",\s+(?P<word>" + _spaced("ubnd|uy ban|hdnd|hoi dong|so|phong|ban|bo|chu tich|van phong|huyen uy|"
                               "tinh uy|thanh uy|dang uy|thuong truc|chinh phu|thu tuong|chung toi") + r")\b"
    r"(?:\s+[^\s,;.:]+){0,6}?\s+(?P<verb>" + _spaced("da|se|dang|de nghi|kinh de nghi|kinh bao cao|"
                                                    "bao cao|yeu cau|ban hanh|chi dao|trien khai|"
                                                    "thong bao|giao|huong dan|to chuc|tran trong") + r")\b"
)
_ALIAS_BEFORE = re.compile(r"goi tat la\s*$")
_ALIAS_AFTER = re.compile(r"\((?:sau day\s+)?goi tat la\s+(?P<alias>[^()]{1,80})\)")
_RELATIONS = {
    "can cu": "căn cứ",
    "thuc hien": "thực hiện",
    "trien khai": "triển khai",
    "theo": "theo",
    "kem theo": "kèm theo",
    "thay the": "thay thế",
    "sua doi": "sửa đổi",
    "bai bo": "bãi bỏ",
    "ban hanh": "ban hành",
    "quan triet": "quán triệt",
    "xay dung": "xây dựng",
    "goi tat la": "alias",
}
_RELATION_RX = re.compile(r"\b(?:" + _spaced("|".join(sorted(_RELATIONS, key=len, reverse=True))) + r")\b")
_LIST_GAP = re.compile(r"^[\s,;:]*(?:(?:va|hoac|cung)\s+)?(?:s[a-z0-9]{0,2}\s*:?\s*)?$")
_DATE_OPENS = re.compile(rf"[\s\"“(-]*(?:vao\s+)?ngay\s+{DATE_BODY}\s*,?")
_ISSUING_VERB = re.compile(r"\b(?:ban hanh|ra|co|ky|gui)\s*:?\s*$")
MAX_SUBJECT_CHARS = 300
MAX_ISSUER_WORDS = 16


@dataclass(frozen=True, slots=True)
class TypeWord:
    """A type word found before a symbol: offsets, canonical name ("" if generic)."""

    start: int
    name: str
    has_so: bool


@dataclass(frozen=True, slots=True)
class RawMention:
    """A mention before grouping: symbol, context found around it, offsets."""

    symbol: Symbol
    start: int
    core_end: int
    type_word: str | None
    date: dt.date | None
    has_date: bool
    issuer: str | None
    subject: str | None
    relation: str | None
    alias_name: str | None
    list_member: bool


def _last_tokens(skel: str, pos: int, span: int = 80) -> list[tuple[int, int, str]]:
    low = max(0, pos - span)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(skel, low, pos)]
    return tokens[1:] if low > 0 and tokens else tokens


def _match_words(text: str, tokens: list[tuple[int, int, str]], fuzzy: bool) -> TypeWord | None:
    words = type_word_skeletons()
    for k in range(min(4, len(tokens)), 0, -1):
        chunk = tokens[-k:]
        if any(t[2][-1] in ",;.)" for t in chunk[:-1]):
            continue
        candidate = " ".join(t[2] for t in chunk).lstrip(_OPENERS)
        start = chunk[0][0] + (len(chunk[0][2]) - len(chunk[0][2].lstrip(_OPENERS)))
        if not fuzzy:
            if candidate in words:
                return TypeWord(start, words[candidate], False)
            original = text[start : chunk[-1][1]]
            if k == 1 and original in PROSE_ABBREVIATIONS:
                return TypeWord(start, PROSE_ABBREVIATIONS[original], False)
            continue
        if len(candidate) < 6:
            continue
        best = min(
            ((Levenshtein.distance(candidate, w), w) for w in words if w.count(" ") == k - 1 and w[0] == candidate[0]),
            default=(99, ""),
        )
        if best[0] <= 1:
            return TypeWord(start, words[best[1]], False)
    return None


def type_word_before(text: str, skel: str, pos: int) -> TypeWord | None:
    """The type word (and "số") written right before offset ``pos``, or None."""
    tokens = _last_tokens(skel, pos)
    has_so = False
    if tokens and tokens[-1][2] == ":":
        tokens.pop()
    if tokens and _SO_TOKEN.match(tokens[-1][2]):
        has_so, so_start = True, tokens[-1][0]
        tokens.pop()
    if not tokens or tokens[-1][2][-1] in ",;.)":
        return TypeWord(so_start, "", True) if has_so else None
    found = _match_words(text, tokens, fuzzy=False) or _match_words(text, tokens, fuzzy=True)
    if found is not None:
        return TypeWord(found.start, found.name, has_so)
    return TypeWord(so_start, "", True) if has_so else None


def law_word_before(skel: str, pos: int) -> TypeWord | None:
    """For a law symbol, "Luật/Bộ luật/Pháp lệnh <name> số ..." a few words back."""
    tokens = _last_tokens(skel, pos, span=120)
    for index in range(len(tokens) - 1, max(-1, len(tokens) - 14), -1):
        word = tokens[index][2]
        if word[-1] in ",;.":
            return None
        if word in ("luat", "lenh"):
            prev = tokens[index - 1][2] if index > 0 else ""
            if word == "luat":
                name, start = ("Bộ luật", tokens[index - 1][0]) if prev == "bo" else ("Luật", tokens[index][0])
            elif prev == "phap":
                name, start = "Pháp lệnh", tokens[index - 1][0]
            else:
                continue
            return TypeWord(start, name, False)
    return None


def _is_ve(text: str, at: int) -> bool:
    """The word at ``at`` is "về" in any case ("Về đổi mới công tác dân vận...")."""
    return text[at : at + 2].lower() == "về" and not text[at + 2 : at + 3].isalpha()


def _issuer_end(text: str, skel: str, start: int, joint: bool) -> int:
    """Where an issuer phrase starting at ``start`` ends.

    Stop words count only in lower case in the original, so names such as "Bộ Tài chính"
    or "Quảng Nam" are not cut at "tài"/"nam". For a joint document (several issuer
    groups in its symbol) a comma followed by another body ("..., Tòa án nhân dân tối
    cao") does not end the phrase.
    """
    for stop in _ISSUER_STOP.finditer(skel, start, start + 160):
        word_at = stop.start() + 1
        capitalised = stop.group()[0].isspace() and not text[word_at : word_at + 1].islower()
        if capitalised and not _is_ve(text, word_at):  # no body's name holds "Về": a subject starts
            continue
        if joint and stop.group() == "," and _ORGAN_AFTER_COMMA.match(text, stop.end()):
            continue
        return stop.start()
    return start + 80


def _issuer_after(text: str, skel: str, symbol: Symbol, pos: int, next_start: int) -> tuple[str | None, int]:
    """The "của <body>" phrase at ``pos`` (or "UBND tỉnh" style unit), and its end.

    The phrase stops before the next cited document ("... và Thông báo số 215-TB/HU").
    """
    lead = _ISSUER_LEAD.match(skel, pos)
    if lead is not None:
        joint = len(symbol.issuer_groups) > 1 and symbol.system in ("normative", "party")
        end = min(_issuer_end(text, skel, lead.end(), joint), next_start)
        if end == next_start:
            following = type_word_before(text, skel, next_start)
            end = following.start if following and following.start > lead.end() else end
        end = lead.end() + len(re.sub(r"(?:\s+(?:va|hoac))?\s*$", "", skel[lead.end() : end]))
        words = text[lead.end() : end].split()[:MAX_ISSUER_WORDS]
        issuer = " ".join(words).strip(" -")
        if issuer:
            return issuer, lead.end() + len(text[lead.end() : end].rstrip())
    unit = _UNIT_AFTER.match(skel, pos)
    if unit is not None and symbol.issuer_code:
        words = [text[unit.start() : unit.end()].strip()]
        for match in _TOKEN.finditer(text, unit.end(), unit.end() + 40):
            if not match.group()[0].isupper() or len(words) >= 4:
                break
            words.append(match.group().rstrip(",;."))
        return f"{symbol.issuer_groups[0]} {' '.join(words)}", unit.end()
    return None, pos


def _subject_after(text: str, skel: str, pos: int, relation: str | None = None) -> str | None:
    lead = _SUBJECT_LEAD.match(skel, pos)
    if lead is None:
        return None
    end = _subject_end(text, skel, lead.end(), relation)
    subject = squash_spaces(text[pos:end]).strip(" ,\"“”")
    return subject or None


def _subject_end(text: str, skel: str, start: int, relation: str | None) -> int:
    """Where a subject that starts at ``start`` ends: a stop (";", ".", a closing quote, a
    blank line), a new clause after a comma (a date opening it too), a "Kính gửi:" line, the audience after a lead
    word that spreads the document (``relation``), or :data:`MAX_SUBJECT_CHARS` on."""
    limit = min(len(text), start + MAX_SUBJECT_CHARS)
    stop = _SUBJECT_STOP.search(skel, start, limit)
    end = stop.start() if stop else limit
    if relation in _SPREADING:  # "quán triệt Nghị quyết ... về X đến toàn thể cán bộ"
        audience = _AUDIENCE.search(skel, start, end)
        end = audience.start() if audience else end
    for rx in (_CLAUSE_LINK, _CLAUSE_ACTOR, _CLAUSE_DATE, _ADDRESSEES):
        for match in rx.finditer(skel, start, end):
            verb = match.groupdict().get("verb")
            if text[match.start("word")].isupper() and (verb is None or text[match.start("verb")].islower()):
                end = match.start()
                break
    return end


def _alias_after(text: str, skel: str, pos: int, limit: int) -> str | None:
    match = _ALIAS_AFTER.search(skel, pos, min(limit, pos + MAX_SUBJECT_CHARS + 80))
    if match is None:
        return None
    return squash_spaces(text[match.start("alias") : match.end("alias")])


def relation_before(skel: str, low: int, start: int) -> str | None:
    """The lead word nearest before ``start`` in its clause ("thực hiện", "căn cứ", ...)."""
    clause = max(skel.rfind(";", low, start), skel.rfind(". ", low, start), low)
    if _ALIAS_BEFORE.search(skel, max(clause, start - 30), start):
        return "alias"
    found = None
    for match in _RELATION_RX.finditer(skel, clause, start):
        found = match.group()
    return _RELATIONS[" ".join(found.split())] if found else None


def date_before(skel: str, low: int, start: int) -> DateMatch | None:
    """A date that opens the sentence of a mention: "Ngày 15/7/2022, Sở Nội vụ có Công văn số ..."."""
    left, _ = sentence_bounds(skel, start, start)
    left = max(left, low)
    match = _DATE_OPENS.match(skel, left, start)
    if match is None or ";" in skel[match.end() : start]:
        return None
    if not _ISSUING_VERB.search(skel, match.end(), start):
        return None  # "Ngày X, UBND tổ chức hội nghị triển khai Quyết định ...": not its date
    return DateMatch(match.start(), match.end(), to_date(match))


def _code_word_before(skel: str, word: TypeWord, symbol: Symbol) -> TypeWord | None:
    """In "Thông báo kết luận số 215-TB/HU" the code's own type word comes first: use it."""
    implied = code_type(symbol)
    if not implied:
        return None
    head = skeleton(implied)
    at = skel.rfind(head, max(0, word.start - len(head) - 16), word.start)
    if at < 0 or len(skel[at + len(head) : word.start].split()) > 1:
        return None
    return TypeWord(at, implied, word.has_so)


def _type_word_of(text: str, skel: str, symbol: Symbol, prev: RawMention | None) -> tuple[TypeWord | None, bool]:
    """The type word of a symbol and whether it continues the list of the previous mention."""
    word = type_word_before(text, skel, symbol.start)
    if word is not None and word.name and type_conflicts(word.name, symbol):
        word = _code_word_before(skel, word, symbol) or word
    if symbol.system == "law" and (word is None or not word.name):
        word = law_word_before(skel, symbol.start) or word
    gap = skel[prev.core_end : symbol.start] if prev else "x"
    in_list = prev is not None and (word is None or not word.name) and bool(_LIST_GAP.match(gap))
    return word, in_list


def _after_symbol(text: str, skel: str, symbol: Symbol, next_start: int) -> tuple[DateMatch | None, str | None, int]:
    """Date and issuer phrase after a symbol, and where they end."""
    date_match = date_after(skel, symbol.end)
    pos = date_match.end if date_match else symbol.end
    issuer, pos = _issuer_after(text, skel, symbol, pos, next_start)
    if date_match is None:
        date_match = date_after(skel, pos) or issue_date_in(skel, pos, min(next_start, pos + 120))
        pos = date_match.end if date_match and date_match.start < pos + 3 else pos
    return date_match, issuer, pos


def describe(text: str, skel: str, symbol: Symbol, prev: RawMention | None, next_start: int) -> RawMention | None:
    """Build the mention of ``symbol`` from its context, or None if it is not a citation."""
    word, in_list = _type_word_of(text, skel, symbol, prev)
    if word is None and not in_list and symbol.system in ("cong_van", "legacy"):
        return None  # a bare N/ABC is only a công văn after a type word or "số"
    start = word.start if word else symbol.start
    type_name = word.name if word and word.name else (prev.type_word if in_list and prev else None)
    symbol = with_type_word(symbol, type_name)
    if word is not None and not word.name and not in_list:
        type_name = ""
    date_match, issuer, pos = _after_symbol(text, skel, symbol, next_start)
    low = prev.core_end if prev else max(0, start - 120)
    coordinated = prev is not None and bool(_LIST_GAP.match(skel[low:start]))
    relation = prev.relation if coordinated and prev else relation_before(skel, max(low, start - 120), start)
    if date_match is None:
        date_match = date_before(skel, low, start)
    return RawMention(
        symbol=symbol,
        start=start,
        core_end=pos,
        type_word=type_name,
        date=date_match.value if date_match else None,
        has_date=date_match is not None,
        issuer=issuer,
        subject=_subject_after(text, skel, pos, relation),
        relation=relation,
        alias_name=_alias_after(text, skel, pos, next_start),
        list_member=in_list,
    )
