# 议协 — two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
NPM ?= npm
NODE_STAMP := node_modules/.installed

export YIXIE_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test install setup lint clean bench load

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Browser libraries (ECharts) from npm, exactly as package-lock.json pins them (docs/decisions/0010).
$(NODE_STAMP): package.json package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { echo "npm is needed to install the browser libraries (ECharts) from package-lock.json: install Node.js 20 and npm (Debian: apt-get install nodejs npm), then run make again." >&2; exit 1; }
	$(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

setup: install
	@bash scripts/ensure-fonts.sh
	mkdir -p $(YIXIE_VAR_DIR)
	$(BIN)/yixie migrate --noinput
	$(BIN)/yixie collectstatic --noinput --verbosity 0
	$(BIN)/yixie demo --if-empty
	$(BIN)/yixie jobs_sync --verbosity 0

run: setup
	@echo ""
	@echo "  议协已启动： http://$(HOST):$(PORT)/   （后台任务进程随之启动）"
	@echo "  演示账号（密码均为 yixie-demo-2026）："
	@echo "    bianban   市委编办管理员         liangban     市政府办公室经办人"
	@echo "    zuzhibu   市委组织部审核人       lingdao      市领导查阅"
	@echo "    fagaiwei  市发展改革委业务科室   fagaiwei_hr  市发展改革委组织人事科室"
	@echo "    qingzhou  青州市委编办管理员     xitong       系统管理员（/admin/）"
	@echo "    anquan    安全管理员（/admin/）  shenji       审计管理员（/admin/）"
	@echo "    admin     安装用超级管理员（仅用于初始设置）"
	@echo "  演示环境未启用双因素认证（YIXIE_2FA_REQUIRED=0）；正式部署时编办和三员登录须输入手机动态口令。"
	@echo ""
	YIXIE_2FA_REQUIRED=0 BIN=$(BIN) bash scripts/run-server.sh $(HOST) $(PORT) --workers 2 --threads 4

# Every test: SQLite, then PostgreSQL, browser tests included in both.
test: install
	bash scripts/test-all.sh

# Benchmarks (docs/performance.md): SCALE=city|province, against SQLite and PostgreSQL.
SCALE ?= city
bench: install
	bash bench/run.sh --scale $(SCALE)

# Load test: gunicorn under locust on loopback (bench/load/README.md).
load: install
	$(BIN)/pip install --quiet -e '.[bench]'
	bash bench/load/run.sh

lint: install
	$(BIN)/ruff check src

clean:
	rm -rf $(VENV) var node_modules
