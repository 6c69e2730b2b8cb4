# Two commands a newcomer needs:  make run  (install + open the app)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test check-style typecheck pytest coverage system-deps bench dist dist-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e '.[test]'
	# irrCAC, the test-only reference for Gwet's AC1/AC2, pins scipy==1.12 and pandas<3 in
	# its metadata while pingouin needs scipy>=1.15; it runs on both, so install it unpinned.
	$(BIN)/python -m pip install -qq --no-deps irrcac==0.4.4
	touch $@ $(VENV)/.installed-run

## run: install and open the app (on the demo study if no study is open yet)
run: $(VENV)/.installed-run
	$(BIN)/eas-coder gui

## system-deps: install (Debian/Ubuntu as root) or name the system packages tests need
system-deps:
	@bash scripts/system-deps.sh

## test: install with test extras and run lint, format, import contract, mypy and pytest
test: system-deps $(VENV)/.installed-test check-style typecheck pytest

check-style: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# two workers (pytest-xdist): each has its own PostgreSQL server, Xvfb screens and temp dirs
pytest: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2

## coverage: the whole suite with a coverage report (about a quarter slower than make test)
coverage: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --cov --cov-report=term:skip-covered

## bench: run the benchmarks (tables on screen, JSON in benchmarks/results/)
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.bench_store
	$(BIN)/python -m benchmarks.bench_reliability
	$(BIN)/python -m benchmarks.two_writers
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.live_updates
	$(BIN)/python -m benchmarks.exchange
	$(BIN)/python -m benchmarks.import_limits
	QT_QPA_PLATFORM=offscreen EAS_CODER_AUDIO=off $(BIN)/python -m benchmarks.player
	QT_QPA_PLATFORM=offscreen EAS_CODER_AUDIO=off $(BIN)/python -m benchmarks.coding
	QT_QPA_PLATFORM=offscreen EAS_CODER_AUDIO=off $(BIN)/python -m benchmarks.stalls
	QT_QPA_PLATFORM=offscreen EAS_CODER_AUDIO=off $(BIN)/python -m benchmarks.thumbnails
	$(BIN)/python -m benchmarks.startup

## dist: the Linux bundle, dist/eas-coder-VERSION-linux-x86_64.tar.gz (docs/packaging.md)
# PyInstaller is a build tool only: installed here (the `dist` extra), never needed to run.
$(VENV)/.installed-dist: pyproject.toml | $(VENV)/.installed-run
	$(BIN)/python -m pip install -qq -e '.[dist]'
	touch $@

dist: system-deps $(VENV)/.installed-dist
	bash packaging/build_linux.sh

## dist-test: run the built bundle under Xvfb without the venv (start, demo, exact frame,
## rating, export, second start) and print its start-up time beside the venv's
dist-test: $(VENV)/.installed-test
	$(BIN)/python packaging/smoke_test.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage test-artifacts build dist
