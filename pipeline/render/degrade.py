"""Scan-like damage for rendered pages, deterministic for a given seed.

Each condition imitates one way real reports reach us:

- ``clean``: the page as rendered.
- ``office``: office scanner: 0.5-2 degree skew, slight blur, paper tone, sensor noise,
  JPEG at quality ~75.
- ``photocopy``: thicker strokes, slight skew, binarised with a global threshold,
  salt-and-pepper specks and a few dark speckle clusters, gray cast of toner and paper.
- ``rotated90``: the clean page turned a quarter turn (counter-clockwise).
- ``lowres150``: the clean page downsampled to 150 dpi.
- ``fax``: 200 dpi, bi-level, slight skew and a few dropped scanlines.
- ``dark_border``: slight skew inside the dark border of an open scanner lid.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

CONDITIONS = ("clean", "office", "photocopy", "rotated90", "lowres150", "fax", "dark_border")


def degrade(
    image: Image.Image, condition: str, *, seed: int, dpi: int = 300
) -> tuple[Image.Image, int]:
    """The page as it would come out of a scan in ``condition``; returns (image, dpi).

    ``image`` is a gray page at ``dpi`` (RGB is converted); the result is mode "L".
    """
    if condition not in _CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; known: {', '.join(CONDITIONS)}")
    rng = np.random.default_rng(seed)
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    out, out_dpi = _CONDITIONS[condition](gray, rng, dpi)
    return Image.fromarray(out, mode="L"), out_dpi


def _clean(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    return page.copy(), dpi


def _office(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    angle = rng.uniform(0.5, 2.0) * rng.choice([-1.0, 1.0])
    out = rotate(page, angle, fill=255).astype(np.float32)
    out = cv2.GaussianBlur(out, (0, 0), sigmaX=rng.uniform(0.5, 0.9))
    out = 245.0 - (245.0 - 12.0) * (1.0 - out / 255.0)  # paper tone and toner black
    out += rng.normal(0.0, 3.0, out.shape)
    return jpeg_roundtrip(to_uint8(out), quality=75), dpi


def _photocopy(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    """A copy of a copy: skewed, strokes thickened and merged by a blurred high threshold,
    toner dust and dirt on the glass, a dark band along one edge, grey paper.

    Plain ``tesseract -l vie`` misreads a few percent of the characters of such a page,
    as the issue measures for real photocopies.
    """
    out = rotate(page, rng.uniform(0.8, 1.8) * rng.choice([-1.0, 1.0]), fill=255).astype(np.float32)
    out = cv2.GaussianBlur(out, (0, 0), sigmaX=rng.uniform(1.4, 1.8))
    out += rng.normal(0.0, 25.0, out.shape)
    binary = np.where(out < rng.uniform(175.0, 190.0), 0, 255).astype(np.uint8)
    binary = _salt_and_pepper(binary, rng, amount=0.004)
    binary = _speckle_clusters(binary, rng, count=int(rng.integers(25, 45)))
    band = int(rng.integers(20, 60))
    binary[:, :band] = 0  # the copier lid's shadow along the binding edge
    return np.where(binary < 128, 35, 215).astype(np.uint8), dpi


def _rotated90(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    return np.ascontiguousarray(np.rot90(page)), dpi


def _lowres150(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    return resample(page, dpi, 150), 150


def _fax(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    out = rotate(page, rng.uniform(-0.8, 0.8), fill=255)
    out = resample(out, dpi, 200)
    binary = np.where(out < 160, 0, 255).astype(np.uint8)
    rows = rng.choice(binary.shape[0], size=binary.shape[0] // 400, replace=False)
    binary[rows, :] = 255  # dropped scanlines
    return binary, 200


def _dark_border(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, int]:
    out = rotate(page, rng.uniform(-1.5, 1.5), fill=30)
    height, width = out.shape
    top, bottom = (int(rng.integers(height // 100, height // 30)) for _ in range(2))
    left, right = (int(rng.integers(width // 100, width // 25)) for _ in range(2))
    out[:top, :] = 30
    out[height - bottom :, :] = 30
    out[:, :left] = 30
    out[:, width - right :] = 30
    return out, dpi


_CONDITIONS = {
    "clean": _clean,
    "office": _office,
    "photocopy": _photocopy,
    "rotated90": _rotated90,
    "lowres150": _lowres150,
    "fax": _fax,
    "dark_border": _dark_border,
}


def rotate(page: np.ndarray, angle_deg: float, *, fill: int) -> np.ndarray:
    """Rotate about the centre (counter-clockwise for positive angles), same size."""
    height, width = page.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, 1.0)
    return cv2.warpAffine(
        page, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill
    )


def resample(page: np.ndarray, dpi: int, new_dpi: int) -> np.ndarray:
    """Resize a page from one resolution to another (area averaging when shrinking)."""
    height, width = page.shape
    size = (round(width * new_dpi / dpi), round(height * new_dpi / dpi))
    method = cv2.INTER_AREA if new_dpi < dpi else cv2.INTER_CUBIC
    return cv2.resize(page, size, interpolation=method)


def jpeg_roundtrip(page: np.ndarray, *, quality: int) -> np.ndarray:
    """The page after being saved as JPEG and read back."""
    buffer = io.BytesIO()
    Image.fromarray(page, mode="L").save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert("L"), dtype=np.uint8)


def to_uint8(values: np.ndarray) -> np.ndarray:
    """Round and clip float pixel values to 0-255."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def _salt_and_pepper(page: np.ndarray, rng: np.random.Generator, *, amount: float) -> np.ndarray:
    """Flip a fraction of the pixels to black or white."""
    out = page.copy()
    mask = rng.random(page.shape) < amount
    out[mask] = rng.choice(np.array([0, 255], dtype=np.uint8), size=int(mask.sum()))
    return out


def _speckle_clusters(page: np.ndarray, rng: np.random.Generator, *, count: int) -> np.ndarray:
    """Add small clusters of dark dots, like dirt on the copier glass."""
    out = page.copy()
    height, width = page.shape
    for _ in range(count):
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        radius = int(rng.integers(4, 14))
        dots = int(rng.integers(5, 25))
        xs = np.clip(cx + rng.normal(0, radius, dots), 0, width - 1).astype(int)
        ys = np.clip(cy + rng.normal(0, radius, dots), 0, height - 1).astype(int)
        for x, y in zip(xs, ys, strict=True):
            cv2.circle(out, (int(x), int(y)), int(rng.integers(1, 4)), 0, thickness=-1)
    return out
