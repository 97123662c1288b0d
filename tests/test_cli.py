"""The command line: help everywhere, exit codes, several inputs with some bad."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.cli import cli, main
from pipeline.errors import ExitCode


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_explains_itself(name, capsys):
    assert main([name, "--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Usage: vanthu" in out and len(cli.commands[name].help or "") > 30


def test_usage_error_exits_2(capsys):
    assert main(["ocr"]) == ExitCode.USAGE


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "vanthu" in out.stdout


@pytest.mark.tesseract
def test_single_file_text_goes_to_stdout(clean_png, capsys):
    assert main(["ocr", str(clean_png)]) == ExitCode.OK
    assert "Kế hoạch số 96/KH-UBND" in capsys.readouterr().out


@pytest.mark.tesseract
def test_bad_inputs_are_reported_and_the_good_one_still_processed(tmp_path, clean_png, capsys):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    fake = tmp_path / "image.pdf"
    fake.write_bytes(clean_png.read_bytes())
    out = tmp_path / "out"
    code = main(["ocr", str(empty), str(clean_png), str(fake), "-o", str(out), "-f", "json", "-f", "txt"])
    assert code == ExitCode.PARTIAL_FAILURE
    err = capsys.readouterr().err
    assert "empty.png: the file is empty" in err and "image.pdf: the content is PNG" in err
    assert sorted(p.name for p in out.iterdir()) == ["page.json", "page.txt"]
    assert json.loads((out / "page.json").read_text())["pages"][0]["lines"]


def test_one_bad_input_exits_with_its_own_code(tmp_path):
    bad = tmp_path / "x.png"
    bad.write_bytes(b"")
    assert main(["ocr", str(bad)]) == ExitCode.BAD_INPUT


def test_missing_tesseract_is_a_missing_dependency(tmp_path, clean_png, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    from pipeline.ocr import tesseract
    tesseract.engine_version.cache_clear()
    try:
        assert main(["ocr", str(clean_png)]) == ExitCode.MISSING_DEPENDENCY
    finally:
        tesseract.engine_version.cache_clear()
    assert "apt-get install" in capsys.readouterr().err


def test_process_takes_text_inputs_without_tesseract(tmp_path, capsys):
    doc = tmp_path / "in" / "old.txt"
    doc.parent.mkdir()
    doc.write_bytes("Quyét dinh s6 436/QP-UBND\r\n".encode("utf-8"))
    (tmp_path / "in" / "old.gt.txt").write_text("ground truth, not a document")
    assert main(["process", str(doc.parent), "-o", str(tmp_path / "out")]) == ExitCode.OK
    assert (tmp_path / "out" / "old.txt").exists()
    assert not (tmp_path / "out" / "old.gt.txt").exists()


def test_inputs_sharing_a_stem_get_distinct_output_names(tmp_path):
    from pipeline.batch import output_names

    a, b, c, d = tmp_path / "x" / "r.png", tmp_path / "y" / "r.pdf", tmp_path / "y" / "r.png", tmp_path / "s.txt"
    assert output_names([a, b, c, d]) == {a: "x__r.png", b: "y__r.pdf", c: "y__r.png", d: "s"}
