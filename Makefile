# paymesh — the two commands of the README are `make up` and `make test`.
# Everything installs into .venv from PyPI; nothing needs Docker or a system service.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up down status test unit lint gen check-gen bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	echo "$(CURDIR)/generated" > $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/paymesh-generated.pth
	touch $(STAMP)

install: $(STAMP)

up: $(STAMP)  ## install, then start the whole mesh (PostgreSQL, Redis, S3, traces, services, Envoy)
	$(BIN)/paymesh up

down: $(STAMP)
	$(BIN)/paymesh down

status: $(STAMP)
	$(BIN)/paymesh status

test: $(STAMP)  ## install, then lint contracts and run every test tier
	$(BIN)/buf lint
	$(BIN)/python -m servers.stack.breaking
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m unit

lint: $(STAMP)
	$(BIN)/buf lint

gen: $(STAMP)  ## regenerate generated/ and envoy/paymesh.pb from protos/
	$(BIN)/python -m servers.stack.codegen

bench: $(STAMP)
	$(BIN)/python bench/mesh.py
