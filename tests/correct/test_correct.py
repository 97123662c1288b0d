"""The corrector end to end on short texts written for these tests (not taken from the seed)."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from pipeline.correct import Correction, correct, edits_to_jsonl
from pipeline.correct.candidates import Candidate, CandidateSet
from pipeline.corpus import default_corpus_dir, iter_corpus_lines
from pipeline.metrics import syllable_accuracy


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("Uy ban nhan dan tinh ban hanh ke hoach phat trien kinh te xa hoi nam 2023",
         "Ủy ban nhân dân tỉnh ban hành kế hoạch phát triển kinh tế xã hội năm 2023"),
        ("Bo Tai chinh huong dan thuc hien che do tai chinh doi voi cac don vi su nghiep cong lap",
         "Bộ Tài chính hướng dẫn thực hiện chế độ tài chính đối với các đơn vị sự nghiệp công lập"),
        ("Hà Nội, ngay 15thang 3 nam 2021", "Hà Nội, ngày 15 tháng 3 năm 2021"),
        ("Căn cứ Quyết định số 123/QD-UBND ngày 5/3/2020", "Căn cứ Quyết định số 123/QĐ-UBND ngày 5/3/2020"),
        ("BAO CAO TINH HINH THUC HIEN NHIEM VU", "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"),
        ("Il. NHIEM VU TRONG TAM", "II. NHIỆM VỤ TRỌNG TÂM"),
        ("Chu tich UBND xa chiu trach nhiem truoc phap luat", "Chủ tịch UBND xã chịu trách nhiệm trước pháp luật"),
    ],
)
def test_restores_damaged_text(models, damaged: str, expected: str) -> None:
    result = correct(damaged, models=models)
    assert syllable_accuracy(result.text, expected) >= 0.9
    assert len(result.text.split("\n")) == len(damaged.split("\n"))


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [("ngay 20thang 6", "ngày 20 tháng 6"), ("BAO CAO", "BÁO CÁO"), ("Quyet dinh so 12/QD-UBND", "Quyết định số 12/QĐ-UBND")],
)
def test_exact_output(models, damaged: str, expected: str) -> None:
    assert correct(damaged, models=models).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Uỷ ban nhân dân tỉnh Quảng Nam ban hành kế hoạch thực hiện năm 2022.",
        "Điều 5. Trách nhiệm của các cơ quan, tổ chức có liên quan",
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
        "HĐND, UBND các cấp; Covid-19; https://vbpl.vn; email: vanthu@example.vn",
        "- Lưu: VT, VP.",
    ],
)
def test_correct_text_is_left_alone(models, text: str) -> None:
    result = correct(text, models=models)
    assert result.text == text
    assert result.edits == ()


def test_tone_placement_style(models) -> None:
    assert correct("hòa bình, thủy lợi", models=models).text == "hoà bình, thuỷ lợi"
    assert correct("hoà bình, thuỷ lợi", style="old", models=models).text == "hòa bình, thủy lợi"


def test_unknown_style_is_rejected(models) -> None:
    with pytest.raises(ValueError, match="style"):
        correct("abc", style="middle", models=models)


@pytest.mark.parametrize(
    "text",
    ["", "\n", "\n\n\n", "   ", "a\n\nb\n", "\x00\x01\x02garbage\xff\x7f", "Привет мир 你好 ngay mai",
     "x" * 100_000, ("nam 2022 " * 12_000).strip()],
)
def test_bad_input_keeps_line_count(models, text: str) -> None:
    result = correct(text, models=models)
    assert isinstance(result, Correction)
    assert result.text.count("\n") == text.count("\n")
    assert result.original == text


def test_nfd_input_is_normalised(models) -> None:
    nfd = unicodedata.normalize("NFD", "Kế hoạch năm 2022 của Ủy ban")
    result = correct(nfd, models=models)
    assert unicodedata.is_normalized("NFC", result.text)
    assert result.text == unicodedata.normalize("NFC", nfd).replace("Ủy", "Uỷ")


def test_mixed_scripts_are_kept(models) -> None:
    assert "你好" in correct("Xin chào 你好 Привет", models=models).text


def test_edits_are_logged_and_serialised(models) -> None:
    result = correct("Bao cao ket qua\nthuc hien nhiem vu", models=models)
    assert result.edits, "damaged words must be logged"
    first = result.edits[0]
    assert (first.line, first.column, first.original) == (1, 0, "Bao")
    assert 0.0 <= first.confidence <= 1.0
    rows = [json.loads(row) for row in edits_to_jsonl(result.edits).splitlines()]
    assert len(rows) == len(result.edits)
    assert {"line", "column", "original", "correction", "confidence", "alternatives"} <= rows[0].keys()
    assert all(e.line == 2 for e in result.edits if e.original in ("thuc", "nhiem"))


def test_lines_are_kept_with_context_across_line_ends(models) -> None:
    text = "Uy ban nhan dan\ntinh Quang Ngai\n\nBao cao"
    out = correct(text, models=models).text.split("\n")
    assert len(out) == 4 and out[2] == ""
    assert out[1].startswith("tỉnh")


def test_idempotent_on_its_own_output(models) -> None:
    once = correct("Chu tich UBND huyen ky quyet dinh", models=models).text
    assert correct(once, models=models).text == once


@pytest.mark.skipif(not default_corpus_dir().exists(), reason="needs ../shared/corpus")
def test_do_no_harm_on_heldout_text(models) -> None:
    lines = []
    for i, line in enumerate(iter_corpus_lines(("phapdien-train.txt.xz",), split="heldout")):
        if i >= 120:
            break
        lines.append(line)
    text = "\n".join(lines)
    assert syllable_accuracy(correct(text, models=models).text, text) >= 0.998


def test_document_cache_prefers_words_the_text_repeats(models) -> None:
    from pipeline.correct.api import document_cache, slot_candidates
    from pipeline.correct.segment import paragraphs

    units = paragraphs(["Huyện Bình Sơn. Huyện Bình Sơn. Huyện Bình Sơn."])
    cands = [slot_candidates(models, u) for u in units]
    chosen = [[0] * len(u) for u in cands]
    extra = document_cache(models, cands, chosen)
    words = [c.words for u in cands for s in u for c in s.items]
    bonus = dict(zip(words, extra, strict=True))
    assert bonus[("sơn",)] > 0.5


def test_cache_bonus_by_lm_id_is_the_bonus_by_word(models) -> None:
    """The document cache adds up bonuses through LM ids (one numpy call); for readings of
    words, split readings ("20 tháng") and kept unknown tokens that is the sum by word."""
    from pipeline.correct.api import _bonus_by_id, _bonus_of, slot_candidates
    from pipeline.correct.segment import paragraphs

    units = paragraphs(["Ngay 20thang 6 nam 2023, Uy ban nhan dan huyen Binh Son ctia tinh Quang Ngai xyzq"])
    sets = [s for u in units for s in slot_candidates(models, u)]
    bonus = {"tháng": 1.5, "ngày": 0.25, "sơn": 2.0, "của": -0.5, "huyện": 0.75}
    by_word = [_bonus_of(c.words, bonus) for s in sets for c in s.items]
    assert any(len(c.words) == 2 for s in sets for c in s.items)
    assert _bonus_by_id(models.lm, sets, bonus).tolist() == by_word
    assert sum(1 for b in by_word if b) >= 5


def test_second_pass_searches_only_where_the_cache_favours_another_reading() -> None:
    from pipeline.correct.api import cache_rivals

    def cands(n: int) -> CandidateSet:
        return CandidateSet.of(tuple(Candidate((f"w{i}",), (i + 3,), 0.0) for i in range(n)))

    units = [[cands(3), cands(2)], [cands(4)]]
    chosen = [[1, 0], [2]]
    extra = np.array([0.0, 0.5, 0.2,   0.0, 0.0,   0.1, 0.3, 0.3, 0.0])
    out = cache_rivals(extra, units, chosen)
    # slot 1: the choice has the largest bonus: only it stays; slot 2: no bonus anywhere;
    # slot 3: another reading ties with the choice: not favoured, so only the choice stays
    assert out.tolist() == [-np.inf, 0.5, -np.inf,   0.0, -np.inf,   -np.inf, -np.inf, 0.3, -np.inf]
    extra[5] = 0.4  # now the cache favours reading 0 of slot 3 over the choice: all stay
    assert cache_rivals(extra, units, chosen)[5:].tolist() == [0.4, 0.3, 0.3, 0.0]


def test_fallback_channel_still_corrects() -> None:
    from pipeline.correct import load_models

    fallback = load_models(use_channel=False)
    assert "fallback" in fallback.channel_name
    assert correct("Uy ban nhan dan tinh", models=fallback).text.lower().startswith("uỷ ban nhân dân tỉnh")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("\x00\x01abc", "control"), ("Xin chào 你好", "other scripts"), ("\ufffd\ufffd", "control")],
)
def test_notes_say_what_could_not_be_helped(models, text: str, fragment: str) -> None:
    assert any(fragment in note for note in correct(text, models=models).notes)


def test_clean_text_has_no_notes(models) -> None:
    assert correct("Báo cáo kết quả", models=models).notes == ()


@pytest.mark.parametrize("text, expected", [
    ("Thuc hien Ke hoach so 25-KH/BDVTU-UBND ngay 02/4/2020 cua Ban Dan van",
     "Thực hiện Kế hoạch số 25-KH/BDVTU-UBND ngày 02/4/2020 của Ban Dân vận"),
    ("Cong van so 512/UBND-NC ngay 09/8/2021 cua UBND tinh", "Công văn số 512/UBND-NC ngày 09/8/2021 của UBND tỉnh"),
    ("Quyet dinh so 77/QD-UBND va Nghi dinh so 15/2019/ND-CP", "Quyết định số 77/QĐ-UBND và Nghị định số 15/2019/NĐ-CP"),
    ("theo Ke hoach so 31-\nKH/BDVTU-UBND ngay 05/5/2021", "theo Kế hoạch số 31-\nKH/BDVTU-UBND ngày 05/5/2021"),
])
def test_document_symbols_keep_their_codes_and_get_official_abbreviations(models, text, expected):
    assert correct(text, models=models).text == expected


@pytest.mark.parametrize("text, expected", [
    ("Noi nhan: TM. UY BAN NHAN DAN", "Nơi nhận: TM. UỶ BAN NHÂN DÂN"),
    ("- Nhu tren; KT. GIAM DOC", "- Như trên; KT. GIÁM ĐỐC"),
    ("- CT, PCT UBND xa;", "- CT, PCT UBND xã;"),
])
def test_signing_and_office_abbreviations_are_kept(models, text, expected):
    assert correct(text, models=models).text == expected


def test_a_lone_letter_the_ocr_made_of_a_digit_becomes_the_digit_where_the_context_wants_one(models):
    text = "Theo quy định tại khoản I Điều 5 của Nghị định này"
    assert "khoản 1 Điều 5" in correct(text, models=models).text
    kept = "Ban hành kèm theo Phụ lục I của Thông tư này các mẫu biểu"
    assert correct(kept, models=models).text == kept
    letters = "các điểm a, b, c, d, đ, e, g, h, i, k và l khoản này"
    assert correct(letters, models=models).text == letters


@pytest.mark.parametrize("text, expected", [
    ("Đức Lân, ngày l4 tháng 8 năm 2024, Uỷ ban nhân dân xã", "Đức Lân, ngày 14 tháng 8 năm 2024, Uỷ ban nhân dân xã"),
    ("Căn cứ Công văn số 86/UBND ngày 2O/3/2023 của UBND huyện", "Căn cứ Công văn số 86/UBND ngày 20/3/2023 của UBND huyện"),
    ("ngày l5 tháng 1O năm 2019 của Chính phủ", "ngày 15 tháng 10 năm 2019 của Chính phủ"),
    ("Kết luận số I14-KL/TW ngày 14/7/2015 của Ban Bí thư", "Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư"),
])
def test_a_number_printed_with_look_alike_letters_becomes_the_number(models, text, expected):
    assert correct(text, models=models).text == expected


@pytest.mark.parametrize("text", ["mã H1N1 và chứng chỉ ISO9001 của đơn vị", "giấy khổ A4, mẫu số 1a kèm theo"])
def test_codes_that_mix_letters_and_digits_are_kept(models, text):
    assert correct(text, models=models).text == text


@pytest.mark.parametrize("text, expected", [
    ("Thực hiện Quyết định số 436/QP-UBND ngày 11/6/2019 của Uỷ ban nhân dân tỉnh",
     "Thực hiện Quyết định số 436/QĐ-UBND ngày 11/6/2019 của Uỷ ban nhân dân tỉnh"),
    ("theo Quyết định số 20/2013/QD-UBND ngày 03/6/2013 của UBND tỉnh",
     "theo Quyết định số 20/2013/QĐ-UBND ngày 03/6/2013 của UBND tỉnh"),
    ("tiếp tục thực hiện Kết luận số 43-Kl/TW ngày 07/01/2019 của Ban Bí thư",
     "tiếp tục thực hiện Kết luận số 43-KL/TW ngày 07/01/2019 của Ban Bí thư"),
])
def test_a_misread_type_code_takes_its_official_spelling_even_in_clean_text(models, text, expected):
    assert correct(text, models=models).text == expected


@pytest.mark.parametrize("text", [
    "bãi bỏ khoản 1 Mục II tại Quy định số 2203/QP ngày 25 tháng 11 năm 1996",  # QP: the issuer
    "theo Hướng dẫn số 15/HD-UBND ngày 02/3/2020 của Uỷ ban nhân dân huyện",
])
def test_a_type_code_that_may_be_right_is_kept(models, text):
    assert correct(text, models=models).text == text


def test_the_document_cache_rewards_only_words_the_first_pass_chose_more_than_once(models):
    from pipeline.correct.api import document_cache

    def bonus_of(chosen_times: int) -> float:
        cands = models.generator.for_slot("DINH")
        keep = next(i for i, c in enumerate(cands.items) if c.words == ("dinh",))
        unit = [cands] * chosen_times
        extra = document_cache(models, [unit], [[keep] * chosen_times])
        return float(extra[keep])

    # a rare word chosen once (maybe wrongly, "~ QUYET DINH:") must not pull its other
    # occurrences towards the same reading; a word the document repeats does
    assert bonus_of(1) == 0.0
    assert bonus_of(2) > 0.5


def test_a_stray_symbol_does_not_break_the_context_of_the_words_around_it(models):
    text = "Vé viée kién toan Ban Chi dao cong tac _\n_ dan van chinh quyén xa nam 2024"  # legacy OCR
    assert correct(text, models=models).text == "Về việc kiện toàn Ban Chỉ đạo công tác _\n_ dân vận chính quyền xã năm 2024"
    joined = "Tải về: MS29_Ban cam ket an ninh.docx"  # joined to words: part of a file name
    assert "MS29_" in correct(joined, models=models).text


def test_a_lone_ampersand_of_legacy_ocr_is_read_as_a_word_where_the_context_wants_one(models):
    legacy = "thuc hién Quy ché dan cha & co s& va cong tac dan van chinh quyén"
    assert "dân chủ ở cơ sở" in correct(legacy, models=models).text
    for kept in ("Sở Tài nguyên & Môi trường tỉnh Quảng Ngãi", "giáo dục quốc phòng & an ninh cho học sinh"):
        assert correct(kept, models=models).text == kept


def test_a_fixed_slot_in_capitals_has_the_language_models_id_of_its_lower_case(models):
    # the LM was trained on lower-cased text: "UBND" and "QĐ" are "ubnd" and "qđ" to it, not <unk>
    for token in ("UBND", "QĐ", "NĐ", "TW"):
        assert models.generator.fixed(token).items[0].ids == (models.lm.id_of(token.lower()),)
        assert models.lm.id_of(token.lower()) != models.lm.unk


def test_near_skeletons_found_together_are_those_found_one_by_one(models) -> None:
    """CandidateGenerator.prepare (one rapidfuzz call for a text's unseen tokens) keeps for each
    the near skeletons, in the order, that the one-token search finds."""
    from pipeline.correct.candidates import CandidateGenerator

    tokens = ["ctia", "dugc", "nudc", "chirc", "ngili", "qubc", "thwe", "nwéce", "ti€u", "l&", "s6",
              "doingil", "xdcq", "Trr", "vige", "ba", "đồng"]
    together = CandidateGenerator(models.lm, models.lexicon, models.channel, models.generator.readings)
    together.prepare(tokens)
    assert len(together._near) >= 10  # most are unseen, with unknown skeletons
    one_by_one = CandidateGenerator(models.lm, models.lexicon, models.channel, models.generator.readings)
    assert {skel: one_by_one._near_skeletons(skel) for skel in together._near} == together._near


def test_without_the_compiled_modules_the_output_is_the_same(monkeypatch) -> None:
    """A machine with no C compiler runs the Python and numpy corrector: the same text and
    edit log as the compiled modules give (fresh models each way: no shared caches)."""
    from pipeline.correct import align, api, channel, decoder

    if decoder._beam is None or align._segments is None or channel._search is None:
        pytest.skip("the compiled modules were not built (no C compiler when vanthu was installed)")
    text = ("Bao cao ket qu& thyc hi¢n Quyét dinh s6 436/QP-UBND ngay 11/6/2019 ctia UBND tinh\n"
            "ve congtac dan van; Chi thi s6 16/CT-TTg, Nguyén Van A - Giam dbc S& N6i vu.")
    outputs = []
    for compiled in (True, False):
        for module in (align, channel, decoder):
            monkeypatch.setattr(module, "COMPILED", compiled)
        api.load_models.cache_clear()
        result = correct(text, models=api.load_models())
        outputs.append((result.text, [e.to_dict() for e in result.edits]))
    api.load_models.cache_clear()
    assert outputs[0] == outputs[1]
    assert outputs[0][0] != text and len(outputs[0][1]) > 10


def test_rounded_probabilities_are_pythons_rounding() -> None:
    from pipeline.correct.api import _rounded

    rng = np.random.default_rng(0)
    values = np.concatenate([rng.random(200_000), rng.random(10_000) ** 8, np.arange(20_001) / 20_000,
                             [0.0, 1.0, 0.12345, 0.00005, 0.99995]])
    assert _rounded(values, 4) == [round(v, 4) for v in values.tolist()]
