# Two commands set everything up on a fresh machine:
#   make run    creates .venv, installs hashiya, opens the app on seeds/
#   make test   creates .venv, installs hashiya with its test extras, runs the suite
#   make spacy  adds spaCy (the optional extra for the spacy export and `hashiya train`)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test spacy bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spacy]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-spacy: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[spacy]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/hashiya seeds

spacy: $(VENV)/.installed-spacy

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
