# newscrawl: `make demo` crawls the bundled news site, `make test` runs the test suite.
# Both create .venv (Python 3.11+) and install the project on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install demo test bench bench-quality bench-distributed soak clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "newscrawl needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP)  ## create .venv and install newscrawl with its test extras

demo: $(STAMP)  ## serve the bundled news site on 127.0.0.1, crawl it, write output/articles.jsonl
	$(BIN)/python scripts/demo.py --out output/articles.jsonl

test: $(STAMP)  ## run the whole test suite (what CI runs)
	$(BIN)/python -m pytest

bench: $(STAMP)  ## speed: crawl only, extraction only, end to end on a generated 5,000-page site served by nginx (RESULT line)
	$(BIN)/python benchmarks/bench_speed.py $(BENCH_ARGS)

bench-quality: $(STAMP)  ## body F1/P/R and ms/page: newscrawl vs trafilatura on ../shared/bench/scrapinghub
	$(BIN)/python benchmarks/bench_quality.py

bench-distributed: $(STAMP)  ## pages/s of 1, 2 and 3 workers sharing a local redis-server (needs redis-server; RESULT line)
	$(BIN)/python benchmarks/bench_distributed.py $(BENCH_ARGS)

soak: $(STAMP)  ## crawl 3,000 local fixture pages, 10% faulty: pages attempted, stored vs expected, duplicates, peak memory
	$(BIN)/python benchmarks/soak.py --pages 3000 --out bench-out/soak

clean:  ## remove .venv and outputs
	rm -rf $(VENV) output bench-out
