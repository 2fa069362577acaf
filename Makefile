# Two commands set everything up on a fresh machine:
#   make run    creates .venv, installs hashiya, opens the app on seeds/
#   make test   creates .venv, installs hashiya with its test extras, runs the suite
#   make spacy  adds spaCy (the optional extra for the spacy export and `hashiya train`)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test spacy bench clean test-tools

# What the suite drives besides Python: one line naming the missing package.
UNICODE_DATA = /usr/share/unicode/BidiCharacterTest.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spacy,parquet]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-spacy: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[spacy]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/hashiya seeds

test-tools:
	$(if $(shell command -v tmux),,$(error make test needs tmux (the end-to-end test drives it): install the Debian package tmux))
	$(if $(wildcard $(UNICODE_DATA)),,$(error make test needs $(UNICODE_DATA): install the Debian package unicode-data))

spacy: $(VENV)/.installed-spacy

test: test-tools $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
