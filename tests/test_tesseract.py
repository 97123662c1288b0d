"""The Tesseract wrapper: every failure path through a fake binary, and TSV parsing."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import MissingDependencyError, OcrEngineError, OcrTimeoutError
from pipeline.ocr.tesseract import OcrSettings, check_environment, parse_tsv, recognize_image

PAGE = np.full((60, 200), 255, dtype=np.uint8)
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def fake_tesseract(tmp_path: Path, body: str, langs: str = "eng\nosd\nvie") -> str:
    """A shell script that answers --version and --list-langs like Tesseract, then runs ``body``."""
    script = tmp_path / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi\n'
        f'if [ "$1" = "--list-langs" ]; then printf "List of available languages (3):\\n{langs}\\n"; exit 0; fi\n'
        + body
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_missing_binary_names_the_package_to_install(tmp_path):
    with pytest.raises(MissingDependencyError) as info:
        recognize_image(PAGE, OcrSettings(tesseract_cmd=str(tmp_path / "nope")), dpi=300)
    assert "tesseract-ocr-vie" in info.value.hint


def test_crash_becomes_an_engine_error_with_its_message(tmp_path):
    cmd = fake_tesseract(tmp_path, 'echo "std::bad_alloc" >&2; exit 134\n')
    with pytest.raises(OcrEngineError) as info:
        recognize_image(PAGE, OcrSettings(tesseract_cmd=cmd), dpi=300)
    assert "134" in str(info.value) and "bad_alloc" in str(info.value)


def test_timeout_kills_the_run_and_says_so(tmp_path):
    cmd = fake_tesseract(tmp_path, "sleep 10\n")
    with pytest.raises(OcrTimeoutError) as info:
        recognize_image(PAGE, OcrSettings(tesseract_cmd=cmd, timeout_s=1), dpi=300)
    assert "1 s" in str(info.value)


def test_success_without_output_is_not_trusted(tmp_path):
    cmd = fake_tesseract(tmp_path, "exit 0\n")
    with pytest.raises(OcrEngineError, match="no TSV"):
        recognize_image(PAGE, OcrSettings(tesseract_cmd=cmd), dpi=300)


def test_words_come_back_from_the_tsv_the_engine_writes(tmp_path):
    row = "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t91.5\tQuyết\n"
    cmd = fake_tesseract(tmp_path, f'printf "{TSV_HEADER}{row}" > "$2.tsv"\n'.replace("\t", "\\t").replace("\n\"", "\\n\"", 1))
    out = recognize_image(PAGE, OcrSettings(tesseract_cmd=cmd), dpi=300)
    assert [(w.text, w.left, w.conf) for w in out.words] == [("Quyết", 10, 91.5)]


def test_check_environment_names_the_missing_language_package(tmp_path):
    cmd = fake_tesseract(tmp_path, "exit 0\n", langs="eng\\nosd")
    with pytest.raises(MissingDependencyError) as info:
        check_environment(OcrSettings(tesseract_cmd=cmd))
    assert "tesseract-ocr-vie" in info.value.hint


def test_check_environment_refuses_tesseract_3(tmp_path):
    script = tmp_path / "tesseract"
    script.write_text('#!/bin/sh\necho "tesseract 3.05.02"\n')
    script.chmod(0o755)
    with pytest.raises(MissingDependencyError, match="too old"):
        check_environment(OcrSettings(tesseract_cmd=str(script)))


def test_parse_tsv_keeps_words_only_and_normalises_to_nfc():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Đảng")
    tsv = (TSV_HEADER
           + "4\t1\t1\t1\t1\t0\t0\t0\t100\t40\t-1\t\n"
           + f"5\t1\t1\t1\t1\t1\t0\t0\t50\t40\t88\t{decomposed}\n"
           + "5\t1\t1\t1\t1\t2\t60\t0\t10\t40\t95\t \n")
    words = parse_tsv(tsv)
    assert [w.text for w in words] == ["Đảng"]
    assert unicodedata.is_normalized("NFC", words[0].text)


def test_parse_tsv_rejects_garbage_rows():
    with pytest.raises(OcrEngineError):
        parse_tsv(TSV_HEADER + "5\t1\tx\t1\t1\t1\t0\t0\t50\t40\t88\tword\n")
