"""Dates after symbols, in the three forms reports use, on skeleton text."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.extract.dates import date_after
from pipeline.extract.text import skeleton


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        (" ngày 11/6/2019 của", dt.date(2019, 6, 11)),
        (" ngày 11 tháng 6 năm 2019", dt.date(2019, 6, 11)),
        (", ngày 03-6-2013", dt.date(2013, 6, 3)),
        (" ngày 05/03/2020", dt.date(2020, 3, 5)),
        ("\nngày 28/02/2020", dt.date(2020, 2, 28)),
        (" ngay 20thang 6 ndm 2022", dt.date(2022, 6, 20)),  # OCR damage
        (" ngiy 22/4/2019", dt.date(2019, 4, 22)),
        (" ngày 31/02/2020", None),  # impossible date: found, no value
        (" ngày 21 tháng năm 2001", None),  # incomplete date: skipped, no value
        (" ngày 06 tháng 4 năm của", None),
    ],
)
def test_date_after(tail: str, expected: dt.date | None) -> None:
    found = date_after(skeleton(tail), 0)
    assert found is not None
    assert found.value == expected


@pytest.mark.parametrize("tail", [", có hiệu lực thi hành kể từ ngày 01/07/2016", " năm 2015", " ngày càng tăng"])
def test_no_date_after(tail: str) -> None:
    assert date_after(skeleton(tail), 0) is None
