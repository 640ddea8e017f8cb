# Everything needs only python3: the first target that runs sets up the rest.
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
UV_VERSION := 0.13.9
CHROMIUM := /usr/bin/chromium
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
PORT ?= 8501

.PHONY: setup run test lint chromium bench bench-quick load clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment is rebuilt only when the lock file changes.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

setup: $(VENV)/.synced

run: setup
	$(VENV)/bin/streamlit run app.py --server.port $(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium at $(CHROMIUM):" >&2; \
	    echo "  sudo apt-get install -y chromium" >&2; \
	    exit 1; \
	  fi; \
	fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python ../shared/tools/seed_overlap.py . || true

test: setup chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

# Benchmarks never run inside make test; they print a table and write benchmarks/results.json.
bench: setup chromium
	$(VENV)/bin/python -m benchmarks.run

bench-quick: setup chromium
	$(VENV)/bin/python -m benchmarks.run --quick

# Virtual people against a running server on this machine (start one with `make run`):
# make load URL=http://127.0.0.1:8501 USERS=10 SECONDS=30 [SERVER_PIDS="123 456"]
URL ?= http://127.0.0.1:$(PORT)
USERS ?= 10
SECONDS ?= 30
SERVER_PIDS ?=
load: setup
	$(VENV)/bin/python -m benchmarks.load --url $(URL) --users $(USERS) --seconds $(SECONDS) \
	  $(foreach pid,$(SERVER_PIDS),--server-pid $(pid)) --json benchmarks/load-results.json

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .hypothesis test-artifacts
