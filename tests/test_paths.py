"""Where the models and dictionaries are found: environment, checkout, installed share folder."""

from pathlib import Path

from pipeline.paths import data_dir


def _dirs(tmp_path: Path, checkout: bool, installed: bool) -> tuple[Path, Path]:
    root, share = tmp_path / "checkout", tmp_path / "share"
    for base, make in ((root, checkout), (share, installed)):
        base.mkdir()
        if make:
            (base / "models").mkdir()
    return root, share


def test_the_checkout_comes_first(tmp_path, monkeypatch):
    monkeypatch.delenv("VANTHU_MODELS_DIR", raising=False)
    root, share = _dirs(tmp_path, checkout=True, installed=True)
    assert data_dir("models", "VANTHU_MODELS_DIR", root, share) == root / "models"


def test_an_installation_without_a_checkout_uses_its_share_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("VANTHU_MODELS_DIR", raising=False)
    root, share = _dirs(tmp_path, checkout=False, installed=True)
    assert data_dir("models", "VANTHU_MODELS_DIR", root, share) == share / "models"


def test_with_neither_the_checkout_path_is_named(tmp_path, monkeypatch):
    """The loaders' error then names the folder a checkout would have."""
    monkeypatch.delenv("VANTHU_MODELS_DIR", raising=False)
    root, share = _dirs(tmp_path, checkout=False, installed=False)
    assert data_dir("models", "VANTHU_MODELS_DIR", root, share) == root / "models"


def test_the_environment_wins(tmp_path, monkeypatch):
    root, share = _dirs(tmp_path, checkout=True, installed=True)
    monkeypatch.setenv("VANTHU_MODELS_DIR", str(tmp_path / "elsewhere"))
    assert data_dir("models", "VANTHU_MODELS_DIR", root, share) == tmp_path / "elsewhere"
