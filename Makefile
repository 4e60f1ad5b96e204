# Himaya: two commands on a fresh machine, `make demo` and `make test`.
# Each creates or refreshes .venv from pyproject.toml; the stamp file makes
# that step instant when nothing changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.himaya-installed

# Kernels come from this environment, even if a user-level "python3" kernel exists.
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: demo test lab bench adversarial venv clean hub hub-env

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,hub]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m grading demo

test: $(STAMP)
	$(BIN)/python -m pytest

# The adversarial corpus alone (`make test` runs it too): ways a submission can cheat or break
# (known weaknesses are strict xfails).
adversarial: $(STAMP)
	$(BIN)/python -m pytest tests/adversarial

# Grading speed against nbgrader's usual autograde (BENCH_TRAINEES=204 by default), what a trainee waits for
# (headless, then in JupyterLab in Chromium), the grading page; then a class opening a module at once on the hub
# (BENCH_HUB_TRAINEES=8; as root on Linux).
bench: $(STAMP)
	$(BIN)/python -m grading.bench
	$(BIN)/python deploy/bench_hub.py

# A trainee's JupyterLab as on the hub: fetch, validate and submit from Nbgrader › Assignment List
# (`make lab TRAINEE=t-alice`, default: your login name; LAB_ARGS='--lang en --port 8890' for more).
lab: $(STAMP)
	$(BIN)/python -m grading lab $(if $(TRAINEE),--trainee $(TRAINEE)) $(LAB_ARGS)

# The course's JupyterHub on this machine (Linux, root): demo accounts, PostgreSQL gradebook,
# nbgrader's exchange; prints the URL and the passwords; Ctrl-C stops it (deploy/README.md).
hub: $(STAMP)
	$(BIN)/python deploy/localhub.py

# The proxy (npm ci --prefix deploy) and the Python environment every hub user runs, made ahead of the tests.
hub-env: $(STAMP)
	$(BIN)/python deploy/localhub.py --prepare

clean:
	rm -rf build
