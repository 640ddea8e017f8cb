# Everything needs only python3: the first target that runs sets up the rest.
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
UV_VERSION := 0.13.9
CHROMIUM := /usr/bin/chromium
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
PORT ?= 8501

.PHONY: setup run cluster test test-fast coverage mutate lint chromium postgresql nginx bench bench-quick load clean

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

# PostgreSQL (throwaway, unless BACKCARE_STORE is a postgresql:// URL), REPLICAS app
# servers and nginx on PORT; Ctrl-C stops them all.
REPLICAS ?= 2
cluster: setup postgresql nginx
	$(VENV)/bin/python -m deploy.cluster --replicas $(REPLICAS) --port $(PORT)

# $(call debian_package,PACKAGE,TEST): install Debian's PACKAGE when the shell TEST fails,
# if we may (root); otherwise say how.
define debian_package
	@if ! { $(2); }; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's $(1)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	  else \
	    echo "This needs Debian's $(1): sudo apt-get install -y $(1)" >&2; \
	    exit 1; \
	  fi; \
	fi
endef

# Browser tests drive Debian's Chromium; the store tests, the cluster test and
# `make cluster` start throwaway PostgreSQL clusters and nginx processes.
chromium:
	$(call debian_package,chromium,[ -x $(CHROMIUM) ])

postgresql:
	$(call debian_package,postgresql,ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1)

nginx:
	$(call debian_package,nginx,command -v nginx >/dev/null || [ -x /usr/sbin/nginx ])

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python ../shared/tools/seed_overlap.py . || true

test: setup chromium postgresql nginx
	$(VENV)/bin/ruff check .
	HYPOTHESIS_PROFILE=ci $(VENV)/bin/python -m pytest

# Local runs: every test, with fewer hypothesis examples (tests/profiles.py).
test-fast: setup chromium postgresql nginx
	$(VENV)/bin/ruff check .
	HYPOTHESIS_PROFILE=fast $(VENV)/bin/python -m pytest

# The whole suite once under coverage.py (settings in pyproject.toml): branch coverage of
# backcare/, subprocesses included; prints what is not covered and fails below 95 %.
# The figure is printed even when a test fails; the target then fails with pytest's status.
coverage: setup chromium postgresql nginx
	$(VENV)/bin/coverage erase
	status=0; $(VENV)/bin/coverage run -m pytest || status=$$?; \
	$(VENV)/bin/coverage combine --quiet; \
	$(VENV)/bin/coverage report || { [ $$status != 0 ] || status=2; }; \
	exit $$status

# Mutation testing of the core modules ([tool.mutmut] in pyproject.toml names them and the
# tests tried against each mutant). SAMPLE is the share of each module's mutants tried, fixed
# by their names (quality/mutate.py): 40 % fits 15 minutes on two cores, SAMPLE=100 tries all
# (~35 minutes). Prints the kill rate per module, and fails while a survivor is not explained
# in docs/mutation-survivors.md; mutants/ keeps the results and the log is in test-artifacts/.
SAMPLE ?= 40
mutate: setup
	mkdir -p test-artifacts
	HYPOTHESIS_PROFILE=mutate $(VENV)/bin/python -m quality.mutate --percent $(SAMPLE) \
	  >test-artifacts/mutmut-run.log 2>&1 || { tail -n 40 test-artifacts/mutmut-run.log; exit 1; }
	$(VENV)/bin/python -m quality.mutation_report

# Benchmarks never run inside make test; they print a table and write benchmarks/results.json.
bench: setup chromium postgresql nginx
	$(VENV)/bin/python -m benchmarks.run

bench-quick: setup chromium postgresql nginx
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
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .hypothesis test-artifacts .coverage .coverage.* mutants
