"""Header fields take the spelling the report itself uses most."""

import pytest

from pipeline.extract.consensus import consensus_spelling

BODY = ("UBND huyện Tư Nghĩa báo cáo Sở Nội vụ như sau. Huyện Tư Nghĩa đã triển khai; "
        "Sở Nội vụ hướng dẫn; Ủy ban nhân dân huyện Tư Nghĩa tổng hợp.")


@pytest.mark.parametrize("phrase, edits, expected", [
    ("Tư Nghía", 1, "Tư Nghĩa"),         # a wrong mark on a name
    ("Tư Nghia", 1, "Tư Nghĩa"),
    ("Sờ nội vụ", 0, "Sở Nội vụ"),       # same letters, the report's spelling
    ("Bộ Tư pháp", 0, "Bộ Tư pháp"),     # not in the report: left alone
    ("Tư Ngãi", 0, "Tư Ngãi"),           # letters differ and no edit allowed: left alone
])
def test_consensus_spelling(phrase, edits, expected):
    assert consensus_spelling(phrase, BODY, max_letter_edits=edits) == expected


def test_a_phrase_the_report_already_writes_most_often_is_kept():
    assert consensus_spelling("Sở Nội vụ", BODY + " Sờ nội vụ") == "Sở Nội vụ"
