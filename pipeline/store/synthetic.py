"""Synthetic reports for tests and the store benchmark: random but realistic structure dicts
(header, nested sections, citations with mentions), edit logs and pages. No OCR involved."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from pipeline.correct.api import Edit
from pipeline.store.records import DocumentRecord, PageRecord

_PLACES = ("Bình Sơn", "Sơn Tịnh", "Tư Nghĩa", "Mộ Đức", "Đức Phổ", "Ba Tơ", "Minh Long", "Nghĩa Hành",
           "Trà Bồng", "Sơn Hà", "Sơn Tây", "Lý Sơn", "Châu Thành", "Phú Tân", "Tân Phú", "Long Hồ")
_TOPICS = ("công tác dân vận chính quyền", "thực hiện Quy chế dân chủ ở cơ sở", "cải cách hành chính",
           "phòng, chống tham nhũng", "xây dựng nông thôn mới", "chuyển đổi số", "an toàn giao thông",
           "phòng, chống thiên tai", "giảm nghèo bền vững", "tiếp công dân")
_PHRASES = ("Ủy ban nhân dân huyện đã chỉ đạo các cơ quan, đơn vị triển khai thực hiện",
            "kết quả đạt được tương đối toàn diện, tuy nhiên vẫn còn một số hạn chế",
            "công tác tuyên truyền được quan tâm, chú trọng", "đề nghị cấp trên quan tâm hỗ trợ",
            "tiếp tục nâng cao chất lượng đội ngũ cán bộ, công chức",
            "việc tiếp nhận, giải quyết kiến nghị của Nhân dân còn chậm")
_CITED = (("Kế hoạch", "KH"), ("Quyết định", "QĐ"), ("Công văn", ""), ("Chỉ thị", "CT"),
          ("Nghị quyết", "NQ"), ("Kết luận", "KL"))
_ROMAN = ("I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True, slots=True)
class Body:
    name: str
    code: str


def _bodies() -> list[Body]:
    out = [Body(f"Ủy ban nhân dân huyện {p}", "UBND") for p in _PLACES]
    return out + [Body("UBND tỉnh", "UBND"), Body("Ban Bí thư", "TW"), Body("Thủ tướng Chính phủ", "TTg")]


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def document_pool(rng: random.Random, per_body_year: int = 8) -> list[dict]:
    """The documents an archive's reports cite: each body issues a few each year, 2014-2024."""
    pool = []
    for body in _bodies():
        for year in range(2014, 2025):
            for n in rng.sample(range(1, 400), per_body_year):
                type_name, code = rng.choice(_CITED)
                pool.append({"type": type_name, "code": code, "body": body, "year": year,
                             "symbol": f"{n}/{code + '-' if code else ''}{body.code}",
                             "date": _date(rng, year), "topic": rng.choice(_TOPICS)})
    return pool


def _citation(rng: random.Random, doc: dict) -> dict:
    type_name, symbol, topic = doc["type"], doc["symbol"], doc["topic"]
    mentions = [{
        "line": rng.randint(10, 400), "text": f"{type_name} số {symbol}", "section": [rng.choice(_ROMAN[:3])],
        "sentence": f"Thực hiện {type_name} số {symbol} về {topic}, {rng.choice(_PHRASES)}.",
        "relation": rng.choice(("thực hiện", "căn cứ", "theo")), "type_word": type_name,
    } for _ in range(rng.randint(1, 3))]
    return {"type": type_name, "symbol": symbol, "number": symbol.split("/")[0], "system": "state",
            "type_code": doc["code"] or None, "issuer_code": doc["body"].code,
            "date": doc["date"] if rng.random() < 0.9 else None, "year": doc["year"],
            "issuer": doc["body"].name if rng.random() < 0.7 else None,
            "subject": f"về {topic} năm {doc['year']}", "type_conflict": False, "aliases": [],
            "mentions": mentions}


def _sections(rng: random.Random) -> list[dict]:
    out, line = [], 17
    for i in range(rng.randint(3, 5)):
        children = []
        for j in range(rng.randint(1, 3)):
            text = " ".join(rng.choice(_PHRASES) + "." for _ in range(rng.randint(2, 5)))
            children.append({"kind": "arabic", "number": str(j + 1), "printed_number": str(j + 1),
                             "title": rng.choice(_TOPICS), "level": 2, "start_line": line,
                             "end_line": line + 9, "text": text, "children": []})
            line += 10
        out.append({"kind": "roman", "number": _ROMAN[i], "printed_number": _ROMAN[i],
                    "title": rng.choice(_TOPICS).upper(), "level": 1, "start_line": children[0]["start_line"],
                    "end_line": line - 1, "text": rng.choice(_PHRASES), "children": children})
    return out


def structure(rng: random.Random, pool: list[dict]) -> dict:
    """One report's structure dict, shaped like ``pipeline.extract.structure_to_dict``'s,
    citing documents of ``pool`` issued up to four years before it."""
    body, year = rng.choice(_bodies()[:len(_PLACES)]), rng.randint(2019, 2024)
    topic = rng.choice(_TOPICS)
    head = {"type": "Báo cáo", "symbol": f"{rng.randint(1, 500)}/BC-{body.code}", "number": None,
            "issuer": body.name, "superior_body": None, "place": body.name.split("huyện ")[-1],
            "date": _date(rng, year), "title": "BÁO CÁO", "subject": f"Kết quả {topic} năm {year}",
            "recipients": ["Sở Nội vụ"], "signer": {"authority": ["TM. ỦY BAN NHÂN DÂN"], "title": "CHỦ TỊCH",
                                                     "name": None, "line": 400},
            "distribution": ["Như trên", "Lưu: VT"], "body_start_line": 10, "closing_start_line": 400}
    candidates = [d for d in pool if year - 4 <= d["year"] <= year]
    citations = [_citation(rng, d) for d in rng.sample(candidates, rng.randint(8, 20))]
    return {"document": head, "sections": _sections(rng), "citations": citations}


def record(rng: random.Random, index: int, pool: list[dict]) -> DocumentRecord:
    """A synthetic record: structure, 2-6 pages, 10-40 edits."""
    data = structure(rng, pool)
    edits = tuple(Edit(rng.randint(1, 400), rng.randint(0, 60), "nguoi", "người", round(rng.random(), 3),
                       (("ngươi", 0.1),)) for _ in range(rng.randint(10, 40)))
    pages = tuple(PageRecord(i + 1, round(rng.uniform(60, 96), 2), ("deskew",)) for i in range(rng.randint(2, 6)))
    return DocumentRecord(
        source=f"synthetic/report-{index:05d}.pdf", sha256=hashlib.sha256(f"synthetic {index}".encode()).hexdigest(),
        pages=pages, structure=data, edits=edits, raw_text="", corrected_text="",
        pipeline_version="synthetic", model_versions={"lm": "synthetic"},
    )
