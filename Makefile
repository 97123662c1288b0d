# vanthu: the README's two commands are `make demo` and `make test`.
# Each installs what it needs on a fresh Debian/Ubuntu machine (root or sudo).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd tesseract-ocr-eng \
                fonts-liberation2 fonts-texgyre python3-venv python3-pip python3-dev gcc
OUT    ?= out

.PHONY: help setup system-deps venv demo test test-fast bench samples models clean

help:
	@echo "make demo    set up, then run the whole pipeline on samples/ (results in $(OUT)/)"
	@echo "make test    set up, then run the test suite"
	@echo "make bench   run the benchmarks (bench/)"
	@echo "make samples rebuild samples/ from the renderer"

setup: system-deps venv

system-deps:
	@if dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then echo "system packages: present"; else \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); fi

venv: $(BIN)/vanthu

$(BIN)/vanthu: pyproject.toml setup.py $(wildcard pipeline/correct/*.pyx)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(BIN)/vanthu

demo: setup
	$(BIN)/vanthu doctor
	$(BIN)/vanthu process samples/ -o $(OUT) --workers 2
	$(BIN)/vanthu plans --by-year --db $(OUT)/vanthu.sqlite
	$(BIN)/vanthu directives --db $(OUT)/vanthu.sqlite

test: setup
	$(BIN)/python -m pytest -q

test-fast: venv
	$(BIN)/python -m pytest -q -m "not tesseract and not slow"

bench: setup
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/correct.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/batch.py --pages 200

samples: setup
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(OUT) .pytest_cache build
