"""The corrector: restore diacritics and repair OCR damage in Vietnamese text.

Importing this package does no I/O; models are loaded by :func:`load_models`.
"""
