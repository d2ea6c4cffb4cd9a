# Fangpin — `make demo` and `make test` work on a fresh machine with only Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test lint typecheck pytest bench browser-deps pdf-font clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed pdf-font
	$(BIN)/fangpin demo --port $(PORT)

# The TrueType CJK font every PDF embeds (notices, 公告, 明白卡): installed when missing and
# root; otherwise a clear failure rather than PDFs a phone without Chinese fonts cannot show.
PDF_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
pdf-font:
	@if [ -z "$$FANGPIN_PDF_FONT" ] && [ ! -f $(PDF_FONT) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "安装 PDF 中文字体 fonts-wqy-zenhei (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null; \
	  else echo "需要 PDF 中文字体 $(PDF_FONT):请以 root 运行,或 apt-get install fonts-wqy-zenhei,或设置 FANGPIN_PDF_FONT" >&2; exit 1; fi; \
	fi

# System packages the tests need (Debian): Chromium and CJK fonts for the browser tests,
# Java for Spark. Installed when missing and root.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "安装 chromium 和中文字体 (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-zenhei >/dev/null; \
	  else echo "需要 /usr/bin/chromium:请以 root 运行或 apt-get install chromium fonts-noto-cjk" >&2; exit 1; fi; \
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

pytest: $(VENV)/.installed-dev browser-deps pdf-font
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck pytest

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,spark,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
