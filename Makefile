# Two commands on a fresh machine: `make site` builds _site/, `make test` runs every test.
# Both create .venv when missing and install the package, its pinned dependencies (constraints.txt)
# and plotly.js. `make lint` checks style, types and the import contract; `make test-fast` runs
# every test but the browser ones.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PLOTLY := node_modules/plotly.js-basic-dist-min/plotly-basic.min.js

PORT   ?= 8000
# Extra options for `make site`, e.g. BUILD_ARGS=--precompress for nginx's gzip_static.
BUILD_ARGS ?=

.PHONY: site test test-fast lint check serve bench setup clean

site: setup
	$(PY) -m kejiquan_site build --strict $(BUILD_ARGS)

check: setup
	$(PY) -m kejiquan_site check --strict

serve: setup
	$(PY) -m kejiquan_site serve --port $(PORT)

test: setup
	$(PY) -m pytest

# Everything but the tests that drive headless Chromium (marked `browser`), on every core
# (pytest-xdist; worksteal: an idle worker takes queued tests from a busy one).
test-fast: setup
	$(PY) -m pytest -m "not browser" -n auto --dist worksteal

# Style and bugs (ruff), types (mypy, 0 errors), the direction of imports between stages (lint-imports).
lint: setup
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Build-time benchmark (issues 6 and 18), Hugo beside us in the same run (the `bench` extra);
# `make bench BENCH_ARGS="--sizes 10 --runs 1"` for a quick run.
BENCH_ARGS ?=
BENCH_STAMP := $(VENV)/.installed-bench
bench: setup $(BENCH_STAMP)
	$(PY) benchmarks/bench.py $(BENCH_ARGS)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint,bench]'
	@touch $@

# Compiled modules too: where PYTHONDONTWRITEBYTECODE is set (as on this machine), Python would
# otherwise compile the engine afresh in every build (about 25 ms each time).
setup: $(STAMP) plotly-js
	@$(PY) -m compileall -q src/kejiquan_site

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint]'
	@touch $@

# plotly.js from npm (pinned in package-lock.json). Without npm the build falls back to the full
# bundle inside the plotly Python package and says so.
.PHONY: plotly-js
plotly-js: package.json package-lock.json
	@if [ -f $(PLOTLY) ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the build will use the full plotly.js bundle from the plotly Python package"; fi

clean:
	rm -rf _site .venv node_modules .pytest_cache .cache
