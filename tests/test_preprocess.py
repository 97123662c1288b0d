"""Preprocessing: each step does what it claims, and leaves clean pages alone."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import preprocess as pp
from pipeline.models import PageImage
from pipeline.render import degrade


@pytest.fixture(scope="module")
def gray(clean_page) -> np.ndarray:
    image, _, _ = clean_page
    return np.asarray(image, dtype=np.uint8)


@pytest.mark.parametrize("angle", [-7.0, -2.5, -1.0, 1.0, 3.0, 12.0])
def test_find_skew_measures_the_rotation(gray, angle):
    skewed = pp.rotate_small(gray, -angle)  # rotate_small undoes a skew of +angle
    assert abs(pp.find_skew(skewed) - angle) < 0.25


def test_find_skew_of_a_straight_page_is_below_the_correction_threshold(gray):
    assert abs(pp.find_skew(gray)) < pp.MIN_SKEW_DEG


@pytest.mark.parametrize("turn", [90, 270])
def test_sideways_pages_are_found_and_asked_which_way_up(gray, turn):
    sideways = pp.rotate_right_angle(gray, 360 - turn)
    asked = []

    def oracle(image):
        asked.append(image.shape)
        return turn

    assert pp.find_rotation(sideways, oracle) == turn
    assert asked == [sideways.shape]


def test_the_detector_overrules_a_sparse_page_that_only_looks_sideways(gray):
    sideways = pp.rotate_right_angle(gray, 270)
    assert pp.find_rotation(sideways, lambda image: 0) == 0


def test_upright_page_is_not_sent_to_orientation_detection(gray):
    assert pp.find_rotation(gray, lambda image: pytest.fail("OSD asked for an upright page")) == 0


def test_dark_border_is_whitened_and_text_kept(gray):
    framed = gray.copy()
    framed[:, :120] = 20
    framed[-90:, :] = 30
    cleaned, changed = pp.remove_dark_border(framed)
    assert changed
    assert cleaned[:, :120].min() == 255 and cleaned[-90:, :].min() == 255
    assert np.array_equal(cleaned[200:-200, 300:-300], gray[200:-200, 300:-300])


@pytest.mark.parametrize("condition, kind", [("clean", "clean"), ("photocopy", "bilevel"), ("fax", "bilevel")])
def test_pages_are_classified_for_cleaning(clean_page, condition, kind):
    image, dpi, _ = clean_page
    scanned, _ = degrade(image, condition, seed=3, dpi=dpi)
    assert pp.classify_page(np.asarray(scanned)) == kind


def test_grey_noise_makes_a_page_noisy(clean_page):
    image, _, _ = clean_page
    noisy = np.asarray(image).astype(np.float32) + np.random.default_rng(0).normal(0, 20, (image.height, image.width))
    assert pp.classify_page(np.clip(noisy, 0, 255).astype(np.uint8)) == "noisy"


def test_low_resolution_scans_are_upscaled_to_300_dpi_when_asked(gray):
    half = gray[::2, ::2].copy()
    prepared = pp.preprocess(PageImage("x", 0, half, dpi=150), pp.PreprocessSettings(upscale=True))
    assert "upscale" in prepared.steps
    assert prepared.scale == 2.0 and prepared.dpi == 300
    assert prepared.image.shape == (half.shape[0] * 2, half.shape[1] * 2)


def test_clean_upright_page_passes_through_unchanged(gray):
    prepared = pp.preprocess(PageImage("x", 0, gray, dpi=300))
    assert prepared.steps == ()
    assert np.array_equal(prepared.image, gray)


def test_every_step_can_be_turned_off(clean_page):
    image, dpi, _ = clean_page
    noisy, out_dpi = degrade(image, "photocopy", seed=1, dpi=dpi)
    prepared = pp.preprocess(PageImage("x", 0, np.asarray(noisy), out_dpi), pp.PreprocessSettings.none())
    assert prepared.steps == ()
    assert np.array_equal(prepared.image, np.asarray(noisy))


def test_sauvola_gives_black_and_white():
    page = np.full((100, 100), 200, dtype=np.uint8)
    page[40:60, 20:80] = 30
    out = pp.binarize_sauvola(page)
    assert set(np.unique(out)) <= {0, 255}
    assert out[50, 50] == 0 and out[5, 5] == 255


def test_isolated_specks_are_removed_but_strokes_stay():
    page = np.full((100, 100), 255, dtype=np.uint8)
    page[10, 10] = 0
    page[50:60, 20:80] = 0
    out = pp.remove_specks(page)
    assert out[10, 10] == 255 and out[55, 50] == 0


def test_dropped_scanlines_through_text_are_mended_and_gaps_kept():
    page = np.full((40, 100), 255, dtype=np.uint8)
    page[5:15, 10:90] = 0  # a line of "text"
    page[25:35, 10:90] = 0
    cut = page.copy()
    cut[9, :] = 255  # a lost scanline through the first line
    mended, changed = pp.mend_dropped_scanlines(cut)
    assert changed and np.array_equal(mended, page)
    assert not pp.mend_dropped_scanlines(page)[1]  # the gap between lines is not a defect
