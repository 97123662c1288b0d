"""The OCR confusion (channel) model: alignment, estimation, scoring, backward search, loading.

Token pairs here are made up by hand (typical legacy-OCR damage of Vietnamese), not taken
from the seed report.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from pathlib import Path

import pytest

from pipeline.correct.align import (
    SegmentTable,
    align_lines,
    align_tokens,
    count_token_pairs,
    line_tokens,
    rewrite_class,
    segment_viterbi,
)
from pipeline.correct.channel import (
    FORMAT,
    ChannelModel,
    default_model_path,
    engine_for_text,
    estimate_counts,
    read_model_file,
)
from pipeline.correct.orthography import skeleton
from pipeline.errors import ModelError

# --------------------------------------------------------------------------- alignment


def _toy_lp(alpha: str, beta: str) -> float:
    """Hand-set segment costs: identity free, same letter -1, other letter -3, longer -4."""
    if alpha == beta:
        return 0.0
    if len(beta) == 1 and skeleton(alpha) == skeleton(beta):
        return -1.0
    return {0: -3.0, 1: -3.0}.get(len(beta), -4.0)


@pytest.mark.parametrize(
    ("intended", "observed", "segments"),
    [
        ("của", "ctia", [("c", "c"), ("ủ", "ti"), ("a", "a")]),
        ("được", "dugc", [("đ", "d"), ("ư", "u"), ("ợ", "g"), ("c", "c")]),
        ("số", "s6", [("s", "s"), ("ố", "6")]),
        ("lý", "1y", [("l", "1"), ("ý", "y")]),
        ("người", "ngudi", [("n", "n"), ("g", "g"), ("ư", "u"), ("ờ", "d"), ("i", "i")]),
        ("nhà", "nh", [("n", "n"), ("h", "h"), ("à", "")]),
        ("ban", "ban", [("b", "b"), ("a", "a"), ("n", "n")]),
    ],
)
def test_segment_viterbi_finds_the_hand_aligned_segments(intended, observed, segments):
    score, found = segment_viterbi(intended, observed, _toy_lp)
    assert found == segments
    assert score == pytest.approx(sum(_toy_lp(a, b) for a, b in segments))


def test_segment_viterbi_uses_a_learned_pair_when_it_is_likelier():
    pair = {("ướ", "ud"): -0.5}
    _, found = segment_viterbi(
        "nước", "nudc", _toy_lp, lambda a, b: pair.get((a, b), -math.inf)
    )
    assert ("ướ", "ud") in found


@pytest.mark.parametrize(
    ("intended", "observed"), [("", "abc"), ("ab", "abcdefghijk")]
)
def test_segment_viterbi_without_a_partition_is_minus_infinity(intended, observed):
    assert segment_viterbi(intended, observed, _toy_lp) == (-math.inf, [])


@pytest.mark.parametrize(
    ("observed", "intended", "kinds"),
    [
        ("ctia ubnd tinh", "của ubnd tỉnh", ["match", "match", "match"]),
        ("ngay 20thang 6", "ngày 20 tháng 6", ["match", "merge", "match"]),
        ("cong tac dan van", "công tác dân vận", ["match"] * 4),
        ("cô ng tac", "công tác", ["split", "match"]),
        ("quyét dinh s6", "quyết định số 436", ["match", "match", "match", "delete"]),
        ("~~ trén dia", "trên địa", ["insert", "match", "match"]),
    ],
)
def test_align_tokens_steps(observed, intended, kinds):
    steps = align_tokens(observed.split(), intended.split())
    assert [s.kind for s in steps] == kinds
    assert [t for s in steps for t in s.intended] == intended.split()
    assert [t for s in steps for t in s.observed] == observed.split()


def test_align_lines_skips_noise_and_pairs_the_rest():
    observed = ["Ké hoach s6 96/KH-UBND", "|||| ~~ ..", "cta Phong Noi vu huyén", "hdi nghi"]
    intended = ["Kế hoạch số 96/KH-UBND", "của Phòng Nội vụ huyện", "hội nghị"]
    assert align_lines(observed, intended) == [(0, 0), (2, 1), (3, 2)]


@pytest.mark.parametrize(
    ("line", "tokens"),
    [("“Tự kiểm tra”, (số 2).", ["tự", "kiểm", "tra", "số", "2"]), (" - ; ", [])],
)
def test_line_tokens_strip_edge_punctuation_and_lower(line, tokens):
    assert line_tokens(line) == tokens


def test_count_token_pairs_keeps_lost_spaces_as_characters():
    pairs, kinds = count_token_pairs([("ngay 20thang 6", "ngày 20 tháng 6")])
    assert pairs[("20thang", "20 tháng")] == 1
    assert kinds == Counter({"match": 2, "merge": 1})


# --------------------------------------------------------------------------- estimation

_HAND_PAIRS = Counter({
    ("ctia", "của"): 6, ("cua", "của"): 4, ("dugc", "được"): 5, ("duoc", "được"): 2,
    ("s6", "số"): 5, ("so", "số"): 3, ("nudc", "nước"): 4,
    ("1a", "là"): 3, ("la", "là"): 6,
    ("ban", "ban"): 10, ("tinh", "tỉnh"): 8, ("dang", "đảng"): 3, ("pang", "đảng"): 3,
    ("cong", "công"): 9, ("tac", "tác"): 9, ("dan", "dân"): 7, ("van", "vận"): 7,
    ("luat", "luật"): 4, ("iy", "lý"): 2, ("ly", "lý"): 4, ("trén", "trên"): 5,
})
_HAND_SKELETONS = {
    "cua": 900, "duoc": 700, "so": 500, "nuoc": 300, "la": 800, "ban": 400, "tinh": 400,
    "dang": 300, "cong": 500, "tac": 300, "dan": 400, "van": 300, "luat": 200, "ly": 150,
    "tren": 400, "cu": 100, "cuu": 50, "sao": 80, "nuo": 0, "lan": 60, "tia": 5, "pha": 30,
}


@pytest.fixture(scope="module")
def hand_model() -> ChannelModel:
    block = estimate_counts(_HAND_PAIRS)
    block["token_steps"] = {"match": 100, "merge": 3, "split": 1}
    data = {"format": FORMAT, "engines": {"eng": block}, "skeletons": _HAND_SKELETONS}
    return ChannelModel(data, engine="eng")


@pytest.mark.parametrize(
    ("alpha", "beta"), [("ủ", "ti"), ("ố", "6"), ("ợ", "g"), ("đ", "d"), ("ư", "u")]
)
def test_estimation_learns_the_hand_made_confusions(alpha, beta):
    single = estimate_counts(_HAND_PAIRS)["single"]
    assert beta in single[alpha]


@pytest.mark.parametrize(
    ("alpha", "beta", "name"),
    [("a", "a", "same"), ("ế", "e", "mark"), ("ố", "6", "char"), ("à", "", "delete"),
     ("ủ", "ti", "two"), ("ờ", "abc", "three")],
)
def test_rewrite_classes(alpha, beta, name):
    assert rewrite_class(alpha, beta) == name


def test_segment_table_smooths_towards_the_backoff_classes():
    table = SegmentTable.from_counts({"ủ": {"u": 5, "ti": 3, "i": 2}})
    assert math.exp(table.lp("ủ", "u")) < 0.5 + 1e-9
    assert table.lp("ủ", "ti") > table.lp("ủ", "tx")
    assert table.lp("ố", "ô") > table.lp("ố", "x")  # unseen alpha: back-off classes


@pytest.mark.parametrize(
    ("observed", "truth"),
    [("ctia", "cua"), ("s6", "so"), ("nudc", "nuoc"), ("dugc", "duoc"), ("1a", "la"),
     ("pang", "dang"), ("trén", "tren"), ("ban", "ban")],
)
def test_hand_model_rewrites_contain_the_truth(hand_model, observed, truth):
    found = [s for s, _ in hand_model.rewrites(observed, limit=5)]
    assert truth in found
    scores = [p for _, p in hand_model.rewrites(observed)]
    assert scores == sorted(scores, reverse=True) and all(p <= 1e-9 for p in scores)


@pytest.mark.parametrize(("observed", "truth"), [("congtac", "cong tac"), ("dantinh", "dan tinh")])
def test_hand_model_rewrites_restore_a_lost_space(hand_model, observed, truth):
    assert truth in [s for s, _ in hand_model.rewrites(observed, limit=5)]


def test_hand_model_lost_space_and_merge_rates(hand_model):
    assert hand_model.logprob("20thang", "20 tháng") < hand_model.logprob("20 thang", "20 tháng")
    assert hand_model.split_logprob < hand_model.merge_logprob < 0


# --------------------------------------------------------------------------- shipped model


@pytest.fixture(scope="module")
def shipped() -> dict[str, ChannelModel]:
    path = default_model_path()
    return {e: ChannelModel.load(path, engine=e) for e in ("eng", "vie", "mix")}


@pytest.mark.parametrize("engine", ["eng", "vie", "mix"])
@pytest.mark.parametrize("word", ["ban", "tinh", "cong", "van", "hanh"])
def test_identity_is_likeliest_for_unmarked_words(shipped, engine, word):
    model = shipped[engine]
    same = model.logprob(word, word)
    for other in ("b" + word[1:], word[:-1] + "x", word + "i", word[:-1]):
        if other != word:
            assert same > model.logprob(other, word)


@pytest.mark.parametrize("word", ["của", "được", "nước", "tỉnh", "quyết", "định"])
def test_vie_reads_marked_words_as_they_are(shipped, word):
    model = shipped["vie"]
    assert model.logprob(word, word) > model.logprob(skeleton(word), word)


@pytest.mark.parametrize("engine", ["eng", "vie", "mix"])
@pytest.mark.parametrize(
    ("intended", "damaged"),
    [("ban", ["bxn", "bxq", "zxq"]), ("nhân", ["nhxn", "nxxn", "xxxn"]),
     ("quyết", ["quyxt", "quyxq", "qzyxq"])],
)
def test_logprob_falls_with_each_unlikely_damage(shipped, engine, intended, damaged):
    model = shipped[engine]
    scores = [model.logprob(skeleton(intended), intended)]
    scores += [model.logprob(d, intended) for d in damaged]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


@pytest.mark.parametrize(
    ("observed", "truth"),
    [("ctia", "cua"), ("s6", "so"), ("pang", "dang"), ("nudc", "nuoc"), ("dugc", "duoc"),
     ("1a", "la"), ("trén", "tren"), ("quyét", "quyet"), ("huyén", "huyen"),
     ("nhiém", "nhiem"), ("chirc", "chuc"), ("tinh", "tinh")],
)
def test_shipped_rewrites_contain_the_truth(shipped, observed, truth):
    assert truth in [s for s, _ in shipped["eng"].rewrites(observed, limit=20)]


def test_shipped_model_records_its_sources():
    data = read_model_file(default_model_path())
    assert data["pairs"] and all(run["split"] == "train" for run in data["pairs"])
    assert set(data["engines"]) == {"eng", "vie"}
    assert data["built"] and data["script"]


def test_missing_model_dir_raises_model_error(tmp_path: Path):
    with pytest.raises(ModelError):
        default_model_path(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"not gzip", gzip.compress(b'{"format": "other"}'),
     gzip.compress(json.dumps({"format": FORMAT, "engines": {}}).encode()),
     gzip.compress(b"[1, 2")],
)
def test_bad_model_file_raises_model_error(tmp_path: Path, content: bytes):
    path = tmp_path / "channel-bad.json.gz"
    path.write_bytes(content)
    with pytest.raises(ModelError):
        ChannelModel.load(path)


def test_unknown_engine_raises_model_error(tmp_path: Path):
    path = tmp_path / "channel-x.json.gz"
    data = {"format": FORMAT, "engines": {}, "skeletons": {}}
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    with pytest.raises(ModelError):
        ChannelModel.load(path, engine="eng")


@pytest.mark.parametrize(
    ("text", "engine"),
    [
        ("Thuc hién Ké hoach s6 96/KH-UBND cta Uy ban nhan dan huyén vé cong tac", "eng"),
        ("Thực hiện Kế hoạch số 96/KH-UBND của Ủy ban nhân dân huyện về công tác", "vie"),
        ("", "vie"),
    ],
)
def test_engine_for_text(text, engine):
    assert engine_for_text(text.split()) == engine


@pytest.mark.parametrize(
    ("observed", "intended", "finite"),
    [("", "", True), ("abc", "", False), ("", "của", True), ("abcdefghijk", "ab", True),
     ("a" * 100, "a" * 99, True), ("x" * 2000, "y", True)],
)
def test_logprob_edge_cases_do_not_crash(hand_model, observed, intended, finite):
    value = hand_model.logprob(observed, intended)
    assert math.isfinite(value) == finite and value <= 0.0


@pytest.mark.parametrize("observed", ["", "x" * 100, "\u200b" * 50])
def test_rewrites_of_empty_or_very_long_tokens_are_empty(hand_model, observed):
    assert hand_model.rewrites(observed) == []


def test_compiled_dp_scores_as_the_python_dp_with_the_shipped_model(monkeypatch) -> None:
    """Every intended word of a few damaged tokens, both ways, mixed channel: equal floats."""
    from pipeline.correct import align

    if align._segments is None:
        pytest.skip("the compiled DP was not built (no C compiler when vanthu was installed)")
    data = read_model_file(default_model_path())
    observed = ["ctia", "dugc", "nudc", "s6", "20thang", "congtac", "chirc", "ﬁ", "", "qd-ubnd", "nguyénxan"]
    intended = ["của", "được", "nước", "số", "20 tháng", "công tác", "chức", "fi", "", "qđ-ubnd", "nguyễn xăn",
                "cua", "đuợc", "nuớc", "sở", "tháng", "công", "chúc", "nguyễn"]
    scores = {}
    for compiled in (True, False):
        monkeypatch.setattr(align, "COMPILED", compiled)
        model = ChannelModel(data, "mix")
        scores[compiled] = [model.logprob(o, w) for o in observed for w in intended + intended[::-1]]
    assert scores[True] == scores[False]


def test_compiled_search_finds_what_the_python_search_finds(monkeypatch) -> None:
    """The backward search compiled and in Python, shipped model: the same skeletons in the same
    order with equal scores, glued tokens, ties and the longest searched token included."""
    from pipeline.correct import channel

    if channel._search is None:
        pytest.skip("the compiled search was not built (no C compiler when vanthu was installed)")
    data = read_model_file(default_model_path())
    observed = ["ctia", "dugc", "nudc", "s6", "1a", "iy", "chirc", "congtac", "20thang", "satdon", "nguyenvan",
                "thuchien", "ubnd", "x", "ngh", "qd-ubnd", "nguyénxan", "đồngchí", "a" * 32, "ﬁ", "tr", "oong"]
    found = {}
    for compiled in (True, False):
        monkeypatch.setattr(channel, "COMPILED", compiled)
        model = ChannelModel(data, "mix")
        found[compiled] = [model.rewrites(o, limit=40) for o in observed]
    assert found[True] == found[False]
    assert sum(len(r) > 0 for r in found[True]) > len(observed) // 2  # the searches find something


def test_fast_scoring_matches_the_reference_viterbi_in_any_call_order(segment_dp: str):
    table = SegmentTable.from_counts(
        estimate_counts(_HAND_PAIRS)["single"],
        {"ủa": {"tia": 5}, "ượ": {"ug": 4}}, {"ủa": 10, "ượ": 6},
    )
    observed = ["ctia", "cua", "dugc", "s6", "nudc", "ctia", "1a"]
    intended = ["của", "cửa", "cũ", "được", "đuợc", "số", "sở", "nước", "nuốc", "là", "lá"]
    intended.append("")
    for obs in observed:
        for word in intended + intended[::-1]:
            expected = segment_viterbi(word, obs, table.lp, table.pair_lp)[0]
            got = table.score(word, obs)
            assert got == expected if math.isinf(expected) else got == pytest.approx(expected)


# --------------------------------------------------------------------------- pair making


def _script(name: str):
    """A module of ``scripts/`` (not a package), imported by path."""
    import importlib.util
    import sys

    module_name = f"_vanthu_scripts_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = Path(__file__).resolve().parents[2] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_page_pairs_align_ocr_lines_and_drop_noise():
    make_pairs = _script("make_pairs")
    ocr = "Ké hoach s6 96\n\n|| ~~ ..\ncta Phong Noi vu\n"
    truth = ["Kế hoạch số 96", "của Phòng Nội vụ", "hội nghị"]
    assert make_pairs.page_pairs(ocr, truth) == [
        ("Ké hoach s6 96", "Kế hoạch số 96"), ("cta Phong Noi vu", "của Phòng Nội vụ")
    ]


def test_plan_pages_cycles_fonts_and_conditions():
    make_pairs = _script("make_pairs")
    jobs = make_pairs.plan_pages("train", 12, seed=7, conditions=("clean", "fax"))
    assert {(j.font, j.condition) for j in jobs[:4]} == {
        (f, c) for f in make_pairs.FONTS for c in ("clean", "fax")
    }
    assert len({j.page_id for j in jobs}) == 12
    assert jobs == make_pairs.plan_pages("train", 12, seed=7, conditions=("clean", "fax"))


@pytest.mark.tesseract
def test_legacy_ocr_of_a_rendered_page_is_explained_by_the_shipped_model(clean_page, tmp_path):
    make_pairs = _script("make_pairs")
    image, dpi, text = clean_page
    path = tmp_path / "page.png"
    image.save(path, dpi=(dpi, dpi))
    pairs = make_pairs.page_pairs(make_pairs.run_tesseract(path, "eng"), text.split("\n"))
    assert len(pairs) >= 5
    model = ChannelModel.load(engine="eng")
    found = total = 0
    for observed_line, intended_line in pairs:
        for step in align_tokens(line_tokens(observed_line), line_tokens(intended_line)):
            if step.kind == "match" and step.intended[0].isalpha():
                total += 1
                top = [s for s, _ in model.rewrites(step.observed[0], 5)]
                found += skeleton(step.intended[0]) in top
    assert total >= 60 and found / total >= 0.9


def test_training_tokens_keep_the_junk_that_stands_for_a_letter():
    # "s&" is "sở" and a lone "&" is "ở" in legacy OCR: the channel must see them
    assert line_tokens("dân chủ & co s& (của), “x”") == ["dân", "chủ", "&", "co", "s&", "của", "x"]
