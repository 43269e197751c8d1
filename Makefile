# myomap: plain GNU Makefile.  `make run` and `make test` install missing Debian packages
# through scripts/deps.sh first.  V=1 shows the commands.

CC      ?= cc
CFLAGS  ?= -O3 -g
WARN     = -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CPPFLAGS += -Isrc -Ibuild -MMD -MP $(PQ_CFLAGS)
PQ_CFLAGS = $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
# jansson, SQLite and libsodium are linked in from their Debian -dev packages' static archives
# (as Fossil compiles SQLite in): one binary, and a command starts without relocating them,
# which was a third of a `myomap where` (6.0 -> 4.1 ms).  libpq and libmicrohttpd are opened
# on first use instead (src/lazy.h).
LDLIBS   = -Wl,-Bstatic -ljansson -lsqlite3 -lsodium -lzstd -lz -Wl,-Bdynamic -lqrencode -lpthread -ldl -lm
B        = build

ifeq ($(V),1)
Q =
else
Q = @
endif

LIB_SRC  = src/util.c src/body.c src/kb.c src/json.c src/present.c src/rank.c src/screen.c src/report.c \
           src/hold.c src/plan.c src/session.c src/home.c src/chart.c src/sheet.c src/script.c \
           src/store.c src/store_sqlite.c src/store_pg.c src/pack.c src/kbver.c src/record.c src/export.c src/note.c src/outcome.c \
           src/audit.c src/auth.c src/live.c src/links.c src/api.c src/lazy.c src/choir.c src/doc.c src/careplan.c
LIB_OBJ  = $(LIB_SRC:src/%.c=$(B)/%.o) $(B)/builtin.o
APP_OBJ  = $(B)/cli.o $(B)/care.o $(B)/clinic.o $(B)/run.o $(B)/http.o $(B)/cert.o $(B)/main.o
KB_FILES = $(sort $(wildcard kb/*.kb)) $(sort $(wildcard kb/fr/*.kb)) kb/regions.tsv kb/muscles.tsv kb/chart.tsv kb/outcomes.tsv kb/snomed.tsv kb/passwords.txt kb/choir.tsv
WEB_FILES = $(sort $(wildcard web/*.html web/*.js web/*.css web/*.svg web/lib/*.js web/screens/*.js web/i18n/*.json))
TESTS    = $(B)/test_unit
CRITERION_LIBS = $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

.PHONY: all run test bench fuzz deps deps-test clean check-kb
all: $(B)/myomap $(B)/kb.ok

deps:
	$(Q)sh scripts/deps.sh

deps-test:
	$(Q)sh scripts/deps.sh test

$(B):
	$(Q)mkdir -p $(B)

$(B)/embed: tools/embed.c | $(B)
	@echo "  CC      $@"
	$(Q)$(CC) $(WARN) -O1 -o $@ $< -lz

$(B)/builtin.c: $(B)/embed $(KB_FILES) $(WEB_FILES)
	@echo "  EMBED   $@"
	$(Q)$(B)/embed $@ $(KB_FILES) $(WEB_FILES)

$(B)/builtin.o: $(B)/builtin.c
	@echo "  CC      $@"
	$(Q)$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

# The knowledge base as constant tables (build/kbdata.inc, included by body.c, choir.c, kb.c
# and rank.c): tools/kbgen.c loads and checks the embedded text with those modules built to parse it
# (-DMYOMAP_BOOTSTRAP) and writes what they loaded, so the binary starts with nothing to parse.
KBGEN_SRC = src/body.c src/choir.c src/kb.c src/rank.c
KBGEN_OBJ = $(B)/util.o $(B)/present.o $(B)/json.o $(B)/builtin.o
$(B)/kbgen: tools/kbgen.c $(KBGEN_SRC) $(KBGEN_SRC:.c=.h) src/util.h $(KBGEN_OBJ)
	@echo "  CC      $@"
	$(Q)$(CC) $(WARN) $(CFLAGS) -DMYOMAP_BOOTSTRAP -Isrc -Ibuild -o $@ tools/kbgen.c $(KBGEN_SRC) $(KBGEN_OBJ) -Wl,-Bstatic -ljansson -Wl,-Bdynamic -lpthread -lm

$(B)/kbdata.inc: $(B)/kbgen
	@echo "  KBGEN   $@"
	$(Q)$(B)/kbgen $@

$(B)/body.o $(B)/choir.o $(B)/kb.o $(B)/rank.o: $(B)/kbdata.inc

$(B)/%.o: src/%.c | $(B)
	@echo "  CC      $@"
	$(Q)$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(B)/libmyomap.a: $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(B)/myomap: $(APP_OBJ) $(B)/libmyomap.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(APP_OBJ) $(B)/libmyomap.a $(LDLIBS)

# The knowledge base is validated at build time by the binary that embeds it.
$(B)/kb.ok: $(B)/myomap
	@echo "  KBCHECK kb/"
	$(Q)$(B)/myomap kb check >/dev/null && touch $@

# ---- tests ----
$(B)/tests/%.o: tests/%.c | $(B)
	@mkdir -p $(B)/tests
	@echo "  CC      $@"
	$(Q)$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -Itests -c -o $@ $<

$(B)/test_unit: $(B)/tests/test_body.o $(B)/tests/test_kb.o $(B)/tests/test_rank.o $(B)/tests/test_present.o \
             $(B)/tests/test_hold.o $(B)/tests/test_plan.o $(B)/tests/test_chart.o $(B)/tests/test_export.o $(B)/tests/test_outcome.o $(B)/tests/test_web.o $(B)/tests/test_util.o $(B)/tests/test_links.o $(B)/tests/test_kbver.o $(B)/tests/test_store.o \
             $(B)/libmyomap.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(B)/libmyomap.a $(CRITERION_LIBS) $(LDLIBS)

$(B)/test_cases: $(B)/tests/cases.o $(B)/libmyomap.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(B)/libmyomap.a $(LDLIBS)

run: deps all
	$(B)/myomap serve $(SERVE_ARGS)

test: deps-test all $(B)/test_unit $(B)/test_cases
	$(Q)sh tests/run.sh

# ---- fuzzing: libFuzzer under ASan and UBSan ----
FUZZ_CC    = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TIME ?= 60
$(B)/fuzz_%: tests/fuzz_%.c $(LIB_SRC) $(B)/builtin.c $(B)/kbdata.inc
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -Isrc -Ibuild $(PQ_CFLAGS) -o $@ $< $(LIB_SRC) $(B)/builtin.c $(LDLIBS)

fuzz: deps-test $(B)/fuzz_kb $(B)/fuzz_batch $(B)/fuzz_script $(B)/fuzz_log $(B)/fuzz_api $(B)/fuzz_restore
	$(Q)FUZZ_TIME=$(FUZZ_TIME) sh tests/fuzz.sh

# ---- benchmarks ----
$(B)/bench_rank: bench/bench_rank.c $(B)/libmyomap.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ $< $(B)/libmyomap.a $(LDLIBS)

$(B)/bench_records: bench/bench_records.c $(B)/libmyomap.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ $< $(B)/libmyomap.a $(LDLIBS)

bench: deps-test all $(B)/bench_rank $(B)/bench_records
	$(Q)sh bench/run.sh

clean:
	rm -rf $(B)

-include $(wildcard $(B)/*.d $(B)/tests/*.d)
