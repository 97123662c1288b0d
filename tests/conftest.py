"""Shared fixtures. Tests marked ``tesseract`` are skipped, with the reason, where the
engine or its Vietnamese data is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"

# Our own sentences (not from the seed), in the register of the reports.
VIETNAMESE_LINES = (
    "Thực hiện Kế hoạch số 96/KH-UBND ngày 15/3/2021 của Ủy ban nhân dân huyện",
    "về việc tăng cường công tác dân vận chính quyền trên địa bàn, Phòng Nội vụ",
    "đã tham mưu tổ chức hội nghị triển khai đến các cơ quan, đơn vị và địa phương.",
    "Kết quả đánh giá, xếp loại năm 2021: có 12 cơ quan đạt loại tốt, 3 cơ quan đạt",
    "loại khá; không có cơ quan xếp loại trung bình hoặc yếu. Những hạn chế chủ yếu",
    "là việc tiếp nhận, giải quyết kiến nghị của công dân đôi lúc còn chậm trễ.",
    "Đề nghị Sở Nội vụ quan tâm hướng dẫn, bồi dưỡng nghiệp vụ cho đội ngũ công chức.",
)


def _have_tesseract_vie() -> bool:
    if not shutil.which("tesseract"):
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "vie" in out.stdout.split()


HAVE_TESSERACT = _have_tesseract_vie()


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs tesseract with the vie data (apt-get install tesseract-ocr-vie)")
    for item in items:
        if "tesseract" in item.keywords and not HAVE_TESSERACT:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def clean_page():
    """A rendered A4 page of our own Vietnamese text: (PIL image, dpi, ground truth)."""
    from pipeline.render import render_body_page

    page = render_body_page(VIETNAMESE_LINES)
    return page.image, page.dpi, page.text


@pytest.fixture(scope="session")
def clean_png(tmp_path_factory, clean_page) -> Path:
    image, dpi, _ = clean_page
    path = tmp_path_factory.mktemp("scans") / "page.png"
    image.save(path, dpi=(dpi, dpi))
    return path
