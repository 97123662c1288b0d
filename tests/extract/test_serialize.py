"""JSON output validates against the shipped schema; invalid dicts raise a VanthuError."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from pipeline.errors import VanthuError
from pipeline.extract import SCHEMA_PATH, ReportStructure, extract, structure_to_dict, validate_structure_dict


def test_schema_file_is_shipped_json() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["required"] == ["document", "sections", "citations"]


def test_seed_output_validates(seed_structure: ReportStructure) -> None:
    data = structure_to_dict(seed_structure)
    validate_structure_dict(data)
    json.dumps(data, ensure_ascii=False)
    assert data["document"]["date"] == "2022-06-20"
    assert data["citations"][0]["symbol"] == "436/QĐ-UBND"
    assert data["citations"][0]["date"] == "2019-06-11"
    assert data["sections"][1]["number"] == "II"


@pytest.mark.parametrize(
    "text",
    ["", "không có gì", "Số: /BC-UBND\nBÁO CÁO\n", "I. MỘT\n- a\n+ b\n1. c\n"],
    ids=["empty", "plain", "blank-number", "sections-only"],
)
def test_edge_inputs_validate(text: str) -> None:
    validate_structure_dict(structure_to_dict(extract(text)))


@pytest.mark.parametrize(
    ("path", "value"),
    [(("citations", 0, "date"), "11/6/2019"), (("document", "recipients"), "Sở Nội vụ"), (("sections", 0, "kind"), "chapter")],
)
def test_invalid_dict_raises(seed_structure: ReportStructure, path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(structure_to_dict(seed_structure))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(VanthuError):
        validate_structure_dict(data)
