# Fangpin — `make demo` and `make test` work on a fresh machine with only Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test lint typecheck pytest bench browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/fangpin demo --port $(PORT)

# System packages the tests need (Debian): Chromium and CJK fonts for the browser tests,
# a TrueType CJK font for PDF notices, Java for Spark. Installed when missing and root.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "安装 chromium 和中文字体 (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-zenhei >/dev/null; \
	  else echo "需要 /usr/bin/chromium:请以 root 运行或 apt-get install chromium fonts-noto-cjk" >&2; exit 1; fi; \
	fi
	@# A TrueType CJK font for the PDF notices to embed (optional: they fall back to STSong-Light).
	@if [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] && [ "$$(id -u)" = "0" ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null; } || true; \
	fi

	@# PySpark (the `spark` extra, used by the engine-agreement test) needs a Java runtime.
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "安装 Java 运行环境 (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "需要 Java(Spark 引擎测试):请以 root 运行或 apt-get install default-jre-headless" >&2; exit 1; fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check --quiet src tests bench

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy src

pytest: $(VENV)/.installed-dev browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
