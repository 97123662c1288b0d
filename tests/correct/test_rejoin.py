"""Syllables cut by a stray space or by a hyphen at a line end (texts written for these tests)."""

from __future__ import annotations

import pytest
from rapidfuzz.distance.Levenshtein import distance

from pipeline.correct import correct
from pipeline.correct.orthography import skeleton, strip_diacritics
from pipeline.correct.rejoin import MAX_SKELETON_DISTANCE, merge_sites
from pipeline.correct.segment import line_slots

# --- stray spaces -----------------------------------------------------------------------------


@pytest.mark.parametrize(("damaged", "expected"), [
    ("Uỷ ban nhân dân tỉnh tr ong năm qua đã chỉ đạo các ngành",
     "Uỷ ban nhân dân tỉnh trong năm qua đã chỉ đạo các ngành"),
    ("Đẩy mạnh cô ng tác tuyên truyền, vận động nhân dân",
     "Đẩy mạnh công tác tuyên truyền, vận động nhân dân"),
    ("Ủ y ban nhân dân huyện th ực hiện nhiệm vụ được giao",
     "Uỷ ban nhân dân huyện thực hiện nhiệm vụ được giao"),
    ("CÔ NG TÁC DÂN VẬN NĂM 2023", "CÔNG TÁC DÂN VẬN NĂM 2023"),
])
def test_split_syllables_are_merged(models, damaged: str, expected: str) -> None:
    assert correct(damaged, models=models).text == expected


def test_split_syllables_are_merged_in_text_without_marks(models) -> None:
    out = correct("Uy ban nhan dan huyen th uc hien cô ng tac tuyen truyen", models=models).text
    assert out == "Uỷ ban nhân dân huyện thực hiện công tác tuyên truyền"


def test_merge_is_logged_as_one_edit(models) -> None:
    result = correct("Sở Tư pháp tr ong năm qua", models=models)
    assert [(e.line, e.column, e.original, e.correction) for e in result.edits] == [(1, 11, "tr ong", "trong")]


@pytest.mark.parametrize("text", [
    "Bảo đảm an ninh trật tự, an toàn xã hội trên địa bàn.",
    "Ông Nguyễn Văn A được giao nhiệm vụ tại khu C của khu công nghiệp.",
    "Ban chỉ đạo họp ngày 5 tháng 3 về y tế và giáo dục.",
    "Hồ sơ gồm: đơn, bản sao giấy tờ và ảnh 3x4.",
])
def test_real_word_pairs_are_not_merged(models, text: str) -> None:
    assert correct(text, models=models).text == text
    stripped = strip_diacritics(text)
    assert not any(" " in e.original for e in correct(stripped, models=models).edits)


def test_merge_sites_need_letters_that_read_as_one_syllable(models) -> None:
    def sites(line: str) -> list[str]:
        slots = line_slots(line, 0)
        return [slots[i].text + " " + slots[i + 1].text for i, _ in merge_sites([line], slots, models.generator, set())]

    assert sites("bao dam an ninh trat tu") == []
    assert sites("tinh tr ong nam qua") == ["tr ong"]
    assert sites("tại khu C") == []  # a capital after a lower-case word is no piece of it
    assert sites("số 20 tháng") == []  # numbers are never pieces of a syllable


# --- hyphens at a line end --------------------------------------------------------------------


@pytest.mark.parametrize("letters", ["thủy", "Thuy", "cônq", "truong", "nghiêng", "dugc", "ctia", "ong"])
def test_near_readings_are_the_close_readings_of_the_letters(models, letters: str) -> None:
    """The split repair scores only the one-word readings within a letter of the merged
    letters: each of those that the full readings hold is there, with the same channel score."""
    generator = models.generator
    near = {c.words: c for c in generator.near_readings(letters, MAX_SKELETON_DISTANCE)}
    full = [c for c in generator.for_slot(letters).items if len(c.words) == 1 and c.known
            and distance(skeleton(c.words[0]), skeleton(letters.lower())) <= MAX_SKELETON_DISTANCE]
    assert full
    for cand in full:
        assert cand.words in near and near[cand.words].channel == pytest.approx(cand.channel)
    assert all(distance(skeleton(w[0]), skeleton(letters.lower())) <= MAX_SKELETON_DISTANCE and len(w) == 1
               for w in near)


def test_hyphenated_word_is_rejoined_on_its_first_line(models) -> None:
    result = correct("Kế hoạch phát tri-\nển kinh tế xã hội năm 2023.", models=models)
    assert result.text == "Kế hoạch phát triển\nkinh tế xã hội năm 2023."
    logged = [(e.line, e.column, e.original, e.correction) for e in result.edits]
    assert logged == [(1, 14, "tri-", "triển"), (2, 0, "ển ", "")]


def test_hyphenated_word_without_marks_is_corrected_as_one_word(models) -> None:
    result = correct("Ke hoach phat tri-\nen kinh te xa hoi nam 2023", models=models)
    assert result.text == "Kế hoạch phát triển\nkinh tế xã hội năm 2023"


def test_punctuation_after_the_continuation_moves_with_it(models) -> None:
    out = correct("Báo cáo tình hình thực hi-\nện, kết quả đạt được", models=models).text
    assert out == "Báo cáo tình hình thực hiện,\nkết quả đạt được"


def test_rejoined_text_is_stable(models) -> None:
    once = correct("phát tri-\nển kinh tế", models=models).text
    assert correct(once, models=models).text == once


@pytest.mark.parametrize("text", [
    "Thực hiện Kế hoạch số 20-\nKH/UBND ngày 28/02/2020 của Uỷ ban",  # a symbol cut at the line end
    "giai đoạn 2019-\n2020 và những năm tiếp theo",  # numbers
    "phát triển kinh tế-\nxã hội của địa phương",  # a real hyphen: tếxã is no syllable
    "tỉnh Thừa Thiên-\nHuế và thành phố Đà Nẵng",  # a capital begins the next word
    "gồm các nội dung sau -\nnăm nay tiếp tục",  # a dash apart from the word
    "Nội dung gồm:\n- Tuyên truyền\n- Vận động",  # list dashes
])
def test_real_hyphens_are_kept(models, text: str) -> None:
    result = correct(text, models=models)
    assert result.text == text
    assert len(result.text.split("\n")) == len(text.split("\n"))


def test_both_cuts_in_one_text_keep_every_line(models) -> None:
    text = "Uỷ ban nhân dân tỉnh tr ong năm qua phát tri-\nển\nkinh tế"
    result = correct(text, models=models)
    assert result.text == "Uỷ ban nhân dân tỉnh trong năm qua phát triển\n\nkinh tế"
    assert [(e.line, e.original, e.correction) for e in result.edits] == [
        (1, "tr ong", "trong"), (1, "tri-", "triển"), (2, "ển", "")]
