# The two commands a reader needs: `make book` and `make test`. Each one sets itself up.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3.11
VENV := .venv
BIN := $(abspath $(VENV))/bin
INSTALLED := $(VENV)/.requirements-installed
MATHJAX := _vendor/mathjax/tex-svg.js
CACHE_KEY := _build/.execution-cache-key
# Notebooks executed at once by nbmake and by the execution cache (two fit this 2-core machine).
WORKERS ?= 2
# nbmake skips any path with a folder named _build, so the copies live beside it.
EXECUTED := .nbmake

# Kernels started by the build, nbmake and JupyterLab inherit these.
export PATH := $(BIN):$(PATH)
export KERAS_BACKEND := tensorflow
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test lab setup lint unit notebooks site-check bench clean execution-cache

book: $(INSTALLED) $(MATHJAX)
	@$(MAKE) --no-print-directory execution-cache
	python scripts/execution_cache.py execute --workers $(WORKERS)
	@jupyter-book build . -W -n --keep-going || { \
		echo "The book build failed. Execution logs:"; \
		cat _build/html/reports/*.log 2>/dev/null || echo "(no execution log was written)"; \
		exit 1; }
	@echo "Open _build/html/index.html in a browser."

test: $(INSTALLED) $(MATHJAX)
	@$(MAKE) --no-print-directory lint unit notebooks book site-check

lab: $(INSTALLED)
	jupyter lab --notebook-dir=chapters

setup: $(INSTALLED)

lint: $(INSTALLED)
	ruff check src tests scripts chapters
	ruff format --check src tests scripts chapters

unit: $(INSTALLED)
	pytest -n 2 tests --ignore=tests/site

# nbmake runs copies of the chapters and writes their outputs back to the copies, which then
# fill the execution cache: `make test` executes every chapter once, not twice.
notebooks: $(INSTALLED)
	@$(MAKE) --no-print-directory execution-cache
	@rm -rf $(EXECUTED); for notebook in $$(python scripts/toc_notebooks.py); do \
		mkdir -p "$(EXECUTED)/$$(dirname $$notebook)"; cp "$$notebook" "$(EXECUTED)/$$notebook"; done
	cd $(EXECUTED) && pytest --rootdir=. -p no:cacheprovider --nbmake --nbmake-timeout=300 \
		--overwrite -n $(WORKERS) $$(cd $(CURDIR) && python scripts/toc_notebooks.py)
	python scripts/execution_cache.py add $(EXECUTED)

site-check: $(INSTALLED)
	pytest tests/site

# Times the floor, every chapter, a cold and an unchanged `make book`, and `make test`.
bench: $(INSTALLED) $(MATHJAX)
	python scripts/benchmark_book.py

clean:
	rm -rf _build _vendor

$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
		echo "Could not create $(VENV) with '$(PYTHON)'. Install Python 3.11, or run" \
		     "'make PYTHON=/path/to/python3.11 ...'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

# MathJax ships in the django-static-mathjax wheel; the site serves this copy, not a CDN's.
$(MATHJAX): $(INSTALLED)
	@source=$$(python -c "import mathjax, pathlib; print(pathlib.Path(mathjax.__file__).parent / 'static/mathjax')"); \
	rm -rf _vendor/mathjax; mkdir -p _vendor/mathjax; \
	cp -r "$$source/es5/." _vendor/mathjax/; cp "$$source/LICENSE" _vendor/mathjax/LICENSE

# jupyter-cache re-executes a notebook when its code changes, but not when the helper package,
# the data or the pinned requirements change: drop the cache when their hash moves.
execution-cache:
	@key=$$(find src data requirements.txt pyproject.toml -type f -not -path '*/__pycache__/*' \
		| sort | xargs sha256sum | sha256sum | cut -d' ' -f1); \
	if [ "$$(cat $(CACHE_KEY) 2>/dev/null)" != "$$key" ]; then \
		echo "Helper package, data or requirements changed: re-executing every chapter."; \
		rm -rf _build/.jupyter_cache; mkdir -p _build; echo "$$key" > $(CACHE_KEY); \
	fi
