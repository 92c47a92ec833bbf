# Tuyên giáo số — the README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= tuyengiao.settings.dev
DEB_PACKAGES := postgresql postgresql-contrib chromium poppler-utils gettext \
  fonts-liberation fonts-liberation2 fonts-noto-core fonts-dejavu-core \
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: demo serve test install system-deps lint bench messages clean worker

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need (PostgreSQL, Chromium, poppler, fonts, Pango); only when root.
system-deps:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else echo "Not root: skipping Debian packages (browser/PostgreSQL tests skip when absent)"; fi

demo: $(STAMP)
	mkdir -p var
	$(BIN)/tuyengiao migrate --noinput
	$(BIN)/tuyengiao load_demo
	$(BIN)/tuyengiao load_reporting_demo
	$(BIN)/tuyengiao demo_accounts
	@echo "Serving http://127.0.0.1:8000 with a background worker for exports and imports (Ctrl+C stops both)"
	$(BIN)/tuyengiao db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=0 $(BIN)/tuyengiao runserver --insecure 127.0.0.1:8000

# For development: Django's debug pages instead of the product's Vietnamese error pages.
serve: $(STAMP)
	$(BIN)/tuyengiao runserver 127.0.0.1:8000

worker: $(STAMP)
	$(BIN)/tuyengiao db_worker

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

test: system-deps $(STAMP) lint
	bash tests/run.sh

bench: system-deps $(STAMP)
	$(BIN)/python bench/run.py

messages: $(STAMP)
	cd src/tuyengiao && ../../$(BIN)/tuyengiao makemessages -l vi --no-obsolete --add-location file --ignore '*/tests/*' && ../../$(BIN)/tuyengiao compilemessages -l vi

clean:
	rm -rf var/test* var/bench*
