# The two commands of the README:
#   make run   — set everything up, build the graph from the shipped data (if needed) and serve it
#   make test  — set everything up and run the tests (what .ci/run calls)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: run test install install-dev build serve lint bench clean browsers comunica

$(BIN)/culturegraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install install-dev: $(BIN)/culturegraph

build: install
	$(BIN)/culturegraph build --if-needed

run: build
	$(BIN)/culturegraph serve --production --host $(HOST) --port $(PORT) --workers $(WORKERS)

serve: run

browsers:
	bash .ci/browsers.sh

# Comunica's link-traversal CLI (npm, pinned by .ci/comunica/package-lock.json) for tests/web/test_comunica_http.py
comunica:
	bash .ci/comunica.sh

lint: install
	$(BIN)/ruff check src mappings tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install browsers comunica
	$(BIN)/ruff check src mappings tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider --timeout=1800

bench: install
	$(BIN)/python bench/build_bench.py
	$(BIN)/python bench/endpoint_bench.py

clean:
	rm -rf $(VENV) var tests/artifacts
