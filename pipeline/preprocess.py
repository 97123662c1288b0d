"""Page clean-up with OpenCV before OCR: pure functions from array to array.

The order is fixed: grayscale, dark border removal, orientation, deskew, upscaling of
low-resolution scans, then, only on pages that need it, speckle removal and binarisation.
Each step can be switched off in :class:`PreprocessSettings`, and each was kept because it
lowers the character error rate on degraded pages without raising it on clean ones
(``bench/ocr.py`` measures this).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.models import PageImage, PreparedPage


@dataclass(frozen=True, slots=True)
class PreprocessSettings:
    """Which clean-up steps run; all on by default, each decides if the page needs it."""

    orientation: bool = True
    deskew: bool = True
    border: bool = True
    upscale: bool = True
    denoise: bool = True
    binarize: bool = True
    target_dpi: int = 300
    max_skew_deg: float = 15.0

    @classmethod
    def none(cls) -> PreprocessSettings:
        return cls(orientation=False, deskew=False, border=False, upscale=False, denoise=False, binarize=False)


MIN_SKEW_DEG = 0.3  # smaller skews do not trouble Tesseract; rotating would only blur

OrientationDetector = Callable[[np.ndarray], int]


def preprocess(
    page: PageImage,
    settings: PreprocessSettings = PreprocessSettings(),
    detect_orientation: OrientationDetector | None = None,
) -> PreparedPage:
    """Clean one page. ``detect_orientation`` settles 0 versus 180 degrees (e.g. Tesseract's OSD)."""
    gray = to_gray(page.image)
    steps: list[str] = []
    if settings.border:
        gray, changed = remove_dark_border(gray)
        steps += ["border"] if changed else []
    rotation = 0
    if settings.orientation:
        rotation = find_rotation(gray, detect_orientation)
        if rotation:
            gray = rotate_right_angle(gray, rotation)
            steps.append(f"rotate{rotation}")
    skew = 0.0
    if settings.deskew:
        skew = find_skew(gray, settings.max_skew_deg)
        if abs(skew) >= MIN_SKEW_DEG:
            gray = rotate_small(gray, skew)
            steps.append("deskew")
    scale = 1.0
    if settings.upscale and page.dpi < 0.8 * settings.target_dpi:
        scale = settings.target_dpi / page.dpi
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        steps.append("upscale")
    if needs_cleaning(gray):
        if settings.denoise:
            gray = remove_specks(gray)
            steps.append("denoise")
        if settings.binarize:
            gray = binarize_sauvola(gray)
            steps.append("binarize")
    return PreparedPage(
        source=page.source, page_index=page.page_index, image=gray, dpi=round(page.dpi * scale),
        scale=scale, rotation=rotation, skew_deg=skew, steps=tuple(steps),
    )


def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Boolean mask of dark pixels (Otsu's global threshold)."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask > 0


# --- dark border ------------------------------------------------------------------------

def remove_dark_border(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Whiten large dark regions that touch the image edge (scanner lid, photocopy margins)."""
    dark = (gray < 90).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    h, w = gray.shape
    doomed = []
    for label in range(1, count):
        x, y, bw, bh, area = stats[label]
        touches = x == 0 or y == 0 or x + bw == w or y + bh == h
        large = area > 0.002 * h * w and (bw > 0.25 * w or bh > 0.25 * h)
        if touches and large:
            doomed.append(label)
    if not doomed:
        return gray, False
    out = gray.copy()
    out[np.isin(labels, doomed)] = 255
    return out, True


# --- orientation ------------------------------------------------------------------------

def _profile_sharpness(mask: np.ndarray, axis: int) -> float:
    profile = mask.sum(axis=axis).astype(np.float64)
    if profile.sum() == 0:
        return 0.0
    return float(np.square(np.diff(profile)).sum() / profile.sum() ** 2 * len(profile))


def find_rotation(gray: np.ndarray, detect_orientation: OrientationDetector | None = None) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make the page's text lines upright.

    Lines of text make the row profile of ink sharply periodic; when the column profile is
    much sharper, the page lies on its side. Which way up a sideways page goes is asked of
    ``detect_orientation`` (given the page turned so its lines are horizontal) when one is
    supplied; upright-looking pages are not asked (it costs a third of an OCR run), and an
    upside-down page is caught later by its low OCR confidence.
    """
    small = _downscale(gray, 1200)
    mask = ink_mask(small)
    if mask.mean() < 0.002:
        return 0
    sideways = _profile_sharpness(mask, axis=0) > 1.5 * _profile_sharpness(mask, axis=1)
    if not sideways:
        return 0
    if detect_orientation is None:
        return 90
    return 270 if detect_orientation(rotate_right_angle(gray, 90)) == 180 else 90


def rotate_right_angle(gray: np.ndarray, degrees: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, codes[degrees % 360]) if degrees % 360 else gray


# --- skew -------------------------------------------------------------------------------

def find_skew(gray: np.ndarray, max_deg: float = 15.0) -> float:
    """Skew angle in degrees (positive: text rises to the right) by projection-profile search."""
    small = _downscale(gray, 1000)
    ys, xs = np.nonzero(ink_mask(small))
    if len(xs) < 200:
        return 0.0
    if len(xs) > 60_000:
        pick = np.random.default_rng(0).choice(len(xs), 60_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - small.shape[1] / 2
    ys = ys.astype(np.float64)

    def score(angle: float) -> float:
        t = np.deg2rad(angle)
        rows = np.round(ys * np.cos(t) + xs * np.sin(t)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.square(counts.astype(np.float64)).sum())

    best = max(np.arange(-max_deg, max_deg + 1e-9, 0.5), key=score)
    for step in (0.1, 0.02):
        best = max(np.arange(best - 5 * step, best + 5 * step + 1e-9, step), key=score)
    return float(round(best, 2))


def rotate_small(gray: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate by a small angle about the centre, filling with white."""
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle_deg, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


# --- cleaning ---------------------------------------------------------------------------

def needs_cleaning(gray: np.ndarray) -> bool:
    """True for noisy or unevenly lit pages; clean and already bi-level pages are left alone."""
    small = _downscale(gray, 1000)
    mid = np.count_nonzero((small > 40) & (small < 215)) / small.size
    if mid < 0.005:
        return False  # already (nearly) black and white
    background = small[small >= np.percentile(small, 50)]
    return float(background.std()) > 6.0 or float(np.percentile(small, 90)) < 200


def remove_specks(gray: np.ndarray, max_area: int = 6) -> np.ndarray:
    """Whiten isolated dark components of at most ``max_area`` pixels (salt-and-pepper)."""
    mask = ink_mask(gray).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] <= max_area)
    small = small[small != 0]
    if small.size == 0:
        return gray
    out = gray.copy()
    out[np.isin(labels, small)] = 255
    return out


def binarize_sauvola(gray: np.ndarray, window: int = 31, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola's local threshold: T = mean * (1 + k * (std / r - 1))."""
    img = gray.astype(np.float32)
    mean = cv2.boxFilter(img, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    sq_mean = cv2.boxFilter(img * img, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    std = np.sqrt(np.maximum(sq_mean - mean * mean, 0))
    threshold = mean * (1 + k * (std / r - 1))
    return np.where(img > threshold, 255, 0).astype(np.uint8)


def _downscale(gray: np.ndarray, max_side: int) -> np.ndarray:
    h, w = gray.shape
    factor = max_side / max(h, w)
    if factor >= 1:
        return gray
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
