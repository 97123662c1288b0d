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
    """Which clean-up steps run; each decides if the page needs it.

    Upscaling is off by default: given the scan's resolution (``--dpi``), Tesseract reads
    150 dpi pages better unscaled (bench/ocr.py: 0.26% vs 0.39% and 0.13% vs 0.18% CER on
    the samples).
    """

    orientation: bool = True
    deskew: bool = True
    border: bool = True
    upscale: bool = False
    denoise: bool = True
    binarize: bool = True
    target_dpi: int = 300
    max_skew_deg: float = 15.0

    @classmethod
    def none(cls) -> PreprocessSettings:
        return cls(orientation=False, deskew=False, border=False, upscale=False, denoise=False, binarize=False)


MIN_SKEW_DEG = 0.3  # smaller skews do not trouble Tesseract; rotating would only blur
UPSCALE_BELOW_SHARE = 0.6  # when asked for, upscale below 180 dpi (200 dpi faxes lost accuracy)

SIDEWAYS_MARGIN = 1.2  # the column profile must be this much sharper to call a page sideways
UNEVEN_LIGHT = 40  # grey levels between the darkest and brightest paper
SKEW_GAIN = 1.02  # a skew is applied only if it sharpens the row profile by 2%
NOISE_GRAIN = 3  # median grey-level difference from the 3x3 median above which a page is noisy

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
    kind = classify_page(gray)  # decided before any resampling blurs black and white
    if settings.denoise and kind == "bilevel":
        gray, mended = mend_dropped_scanlines(gray)  # while scanlines are still rows
        steps += ["scanlines"] if mended else []
    rotation, skew = 0, 0.0
    if settings.orientation:
        rotation, skew = find_rotation_and_skew(gray, detect_orientation, settings.max_skew_deg)
        if rotation:
            gray = rotate_right_angle(gray, rotation)
            steps.append(f"rotate{rotation}")
    elif settings.deskew:
        skew = find_skew(gray, settings.max_skew_deg)
    if settings.deskew:
        if abs(skew) >= MIN_SKEW_DEG:
            gray = rotate_small(gray, skew)
            steps.append("deskew")
    scale = 1.0
    if settings.upscale and page.dpi < UPSCALE_BELOW_SHARE * settings.target_dpi:
        scale = settings.target_dpi / page.dpi
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        steps.append("upscale")
    if settings.denoise and kind in ("bilevel", "noisy"):
        gray = remove_specks(gray)
        steps.append("denoise")
    if settings.binarize and kind == "noisy":
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
    """Boolean mask of ink: darker than the neighbourhood's mean by a margin.

    A local threshold, so that uneven lighting and grey noise do not turn whole regions
    into "ink" (a global Otsu threshold did, and made a lit-from-one-side page look sideways).
    """
    block = max(15, (min(gray.shape) // 40) | 1)
    mask = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    return mask > 0


# --- dark border ------------------------------------------------------------------------

def remove_dark_border(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Whiten large dark regions that touch the image edge (scanner lid, photocopy margins).

    Regions are found on a quarter-size copy (a border is large), then whitened, with a
    small dilation, at full size.
    """
    factor = 4
    small = cv2.resize(gray, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA)
    dark = (small < 90).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    h, w = small.shape
    doomed = []
    for label in range(1, count):
        x, y, bw, bh, area = stats[label]
        touches = x == 0 or y == 0 or x + bw == w or y + bh == h
        large = area > 0.002 * h * w and (bw > 0.25 * w or bh > 0.25 * h)
        if touches and large:
            doomed.append(label)
    if not doomed:
        return gray, False
    mask = cv2.dilate(np.isin(labels, doomed).astype(np.uint8), np.ones((3, 3), np.uint8))
    mask = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
    out = gray.copy()
    out[mask > 0] = 255
    return out, True


# --- orientation ------------------------------------------------------------------------

def find_rotation_and_skew(
    gray: np.ndarray, detect_orientation: OrientationDetector | None = None, max_deg: float = 15.0
) -> tuple[int, float]:
    """(degrees clockwise to make the page upright: 0/90/180/270, then its skew in degrees).

    Lines of text make the ink's row profile sharply peaked once the skew is undone; when
    the column profile, deskewed the same way, is sharper, the page may lie on its side.
    A sparse page (a few short lines in two columns) can look the same, so such a page is
    then handed to ``detect_orientation`` (Tesseract's OSD: degrees clockwise that make the
    given image upright), whose answer stands. Upright-looking pages are not asked (it
    costs a third of an OCR run); an upside-down page is caught later by its low OCR
    confidence. Without a detector a sideways-looking page is turned by 90 degrees.
    """
    points = _ink_points(gray)
    if points is None:
        return 0, 0.0
    xs, ys = points
    skew, upright = _best_angle(xs, ys, max_deg)
    _, sideways = _best_angle(ys, xs, max_deg, fine=False)
    if sideways <= SIDEWAYS_MARGIN * upright:
        return 0, skew
    rotation = 90 if detect_orientation is None else detect_orientation(gray) % 360
    if rotation == 0:
        return 0, skew
    return rotation, find_skew(rotate_right_angle(gray, rotation), max_deg)


def find_rotation(gray: np.ndarray, detect_orientation: OrientationDetector | None = None) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make the page's text lines upright."""
    return find_rotation_and_skew(gray, detect_orientation)[0]


def rotate_right_angle(gray: np.ndarray, degrees: int) -> np.ndarray:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, codes[degrees % 360]) if degrees % 360 else gray


# --- skew -------------------------------------------------------------------------------

def find_skew(gray: np.ndarray, max_deg: float = 15.0) -> float:
    """Skew angle in degrees (positive: text rises to the right) by projection-profile search."""
    points = _ink_points(gray)
    if points is None:
        return 0.0
    angle, _ = _best_angle(*points, max_deg)
    return angle


def _ink_points(gray: np.ndarray, limit: int = 25_000) -> tuple[np.ndarray, np.ndarray] | None:
    """Coordinates of (a sample of) the ink pixels of a 1000-pixel copy, centred."""
    small = _downscale(gray, 1000)
    ys, xs = np.nonzero(ink_mask(small))
    if len(xs) < 200:
        return None
    if len(xs) > limit:
        pick = np.random.default_rng(0).choice(len(xs), limit, replace=False)
        xs, ys = xs[pick], ys[pick]
    # integer centres: half-pixel offsets would make np.round pair up neighbouring rows
    return (xs - small.shape[1] // 2).astype(np.float64), (ys - small.shape[0] // 2).astype(np.float64)


def _best_angle(xs: np.ndarray, ys: np.ndarray, max_deg: float, *, fine: bool = True) -> tuple[float, float]:
    """The rotation that makes the row profile of the points sharpest, and that sharpness.

    Angles are compared by the sum of squared row counts (same points, same bins). The
    sharpness returned is that sum relative to an even spread over the rows the text spans
    (1.0), so that profiles along the page's width and along its height compare fairly
    whatever the margins.
    """
    def rows(angle: float) -> np.ndarray:
        t = np.deg2rad(angle)
        return np.round(ys * np.cos(t) + xs * np.sin(t)).astype(np.int64)

    def score(angle: float) -> float:
        r = rows(angle)
        return float(np.square(np.bincount(r - r.min()).astype(np.float64)).sum())

    best = max(np.arange(-max_deg, max_deg + 1e-9, 1.0), key=score)
    for step in (0.25, 0.05) if fine else ():
        best = max(np.arange(best - 4 * step, best + 4 * step + 1e-9, step), key=score)
    if score(best) < SKEW_GAIN * score(0.0):
        best = 0.0  # not worth a resampling
    r = rows(best)
    low, high = np.percentile(r, (1, 99))
    inside = r[(r >= low) & (r <= high)]
    counts = np.bincount(inside - int(low)).astype(np.float64)
    return float(round(best, 2)), float(np.square(counts).sum() * len(counts) / max(1, len(inside)) ** 2)


def rotate_small(gray: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate by a small angle about the centre, filling with white."""
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle_deg, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


# --- cleaning ---------------------------------------------------------------------------

def classify_page(gray: np.ndarray) -> str:
    """"bilevel" (photocopy, fax: only specks to remove), "noisy" (grey noise or uneven
    light: worth a local threshold) or "clean" (left alone: cleaning clean pages hurts)."""
    small = np.ascontiguousarray(gray[::3, ::3])  # every third pixel keeps the grey levels exactly
    levels = np.bincount(small.ravel(), minlength=256)
    # ink, paper, and the white a border removal may have left: a clean antialiased page
    # has 3% of its pixels elsewhere, a photocopy or fax none
    top_three = np.sort(levels)[-3:].sum()
    if top_three > 0.995 * small.size:
        return "bilevel"
    grain = np.median(np.abs(small.astype(np.int16) - cv2.medianBlur(small, 3)))
    if grain >= NOISE_GRAIN or float(np.percentile(small, 90)) < 200 or _uneven_light(small):
        return "noisy"
    return "clean"


def _uneven_light(gray: np.ndarray) -> bool:
    """True when the paper's brightness varies across the page (shadows, a page photographed)."""
    paper = cv2.dilate(_downscale(gray, 300), np.ones((9, 9), np.uint8))  # ink removed, paper left
    low, high = np.percentile(paper, (5, 95))
    return high - low > UNEVEN_LIGHT


def mend_dropped_scanlines(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """Fill single blank rows that cut through text (a fax's or a scanner's lost scanlines).

    A row with no ink between two rows with ink is taken from the darker of its
    neighbours; inside a line of text such a row is a defect, never a gap.
    """
    ink = (gray < 128).sum(axis=1)
    threshold = max(3, 0.002 * gray.shape[1])
    rows = np.flatnonzero((ink[1:-1] == 0) & (ink[:-2] > threshold) & (ink[2:] > threshold)) + 1
    if rows.size == 0:
        return gray, False
    out = gray.copy()
    out[rows] = np.minimum(gray[rows - 1], gray[rows + 1])
    return out, True


def remove_specks(gray: np.ndarray, max_area: int = 6) -> np.ndarray:
    """Whiten isolated dark components of at most ``max_area`` pixels (salt-and-pepper).

    A global threshold is enough here: the pages cleaned are bi-level, or get a local
    threshold right after.
    """
    _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    tiny = stats[:, cv2.CC_STAT_AREA] <= max_area
    tiny[0] = False  # the background
    if not tiny.any():
        return gray
    out = gray.copy()
    out[tiny[labels]] = 255
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
