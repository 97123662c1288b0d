"""Time spent inside Tesseract, measured by wrapping the one seam where it runs."""

from __future__ import annotations

import time

from pipeline.ocr import tesseract


class EngineClock:
    """Adds up the time spent inside Tesseract runs (OCR and OSD) by wrapping the seam."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._run, self._osd = tesseract._run, tesseract.detect_orientation

    def __enter__(self) -> EngineClock:
        def timed(fn):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - start
            return wrapper
        tesseract._run = timed(self._run)
        import pipeline.spine as spine
        spine.detect_orientation = timed(self._osd)
        return self

    def __exit__(self, *exc) -> None:
        import pipeline.spine as spine
        tesseract._run, spine.detect_orientation = self._run, self._osd
