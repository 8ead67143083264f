# oasuite — see README.md. `make ci` is what .ci/run (and so CI) runs.
GO          ?= go
TOOLS       := $(CURDIR)/.tools/bin
STATICCHECK := $(TOOLS)/staticcheck
STATICCHECK_VERSION := v0.8.2
NESTED      := internal/integration
# tools/ is the generators' own module (oapi-codegen, genoverlay, specjson): see tools/go.mod.
TOOLSMOD    := tools
FUZZTIME    ?= 30s

.PHONY: generate check-generated lint test cover bench bench-test size record demo ci tools fuzz

## generate: regenerate gen/ from specs/ (go generate ./...; the generators run from tools/go.mod)
generate:
	$(GO) generate ./...

## check-generated: regenerate and fail if gen/ differs from what is committed
check-generated: generate
	@git diff --exit-code --stat -- gen/ || { echo "gen/ is stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- gen/)" || { git status --porcelain -- gen/; echo "gen/ has untracked or changed files"; exit 1; }

$(STATICCHECK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

tools: $(STATICCHECK)

## lint: gofmt, go vet and staticcheck (installed from the module proxy at a pinned version)
lint: $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>&1); test -z "$$out" || { echo "gofmt would change:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	$(STATICCHECK) ./...
	cd $(NESTED) && $(GO) vet ./...
	cd $(TOOLSMOD) && $(GO) vet ./...

## test: every test, with the race detector (needs a C compiler: gcc), the nested integration and tools modules included
test:
	@command -v "$$($(GO) env CC)" >/dev/null || { echo "make test: -race needs a C compiler ($$($(GO) env CC) not found): apt-get install gcc"; exit 1; }
	$(GO) test -race -count=1 ./...
	cd $(NESTED) && $(GO) test -race -count=1 ./...
	cd $(TOOLSMOD) && $(GO) test -race -count=1 ./...

## cover: coverage per package; auth/ must stay at or above 85 %
cover:
	$(GO) test -count=1 -coverprofile=coverage.out ./... | tee /tmp/oasuite-cover.txt
	@awk '$$2 == "github.com/oasuite/sdk/auth" { gsub("%","",$$5); if ($$5+0 < 85) { print "auth/ coverage " $$5 "% is under 85%"; exit 1 } else print "auth/ coverage " $$5 "% (target 85%)" }' /tmp/oasuite-cover.txt
	@$(GO) tool cover -func=coverage.out | tail -1

## bench: Go benchmarks: raw, suite (bench/) and the ogen peer (bench/ogenpeer, a nested module so
##   that the suite never requires ogen) in the same interleaved rounds, then the summary with every target
BENCH_CASES := ^Benchmark(GetHeader|ListHeaders|CreateHeader|TokenSourceCached|TimeNow|DecodePage)$$
OGENPEER    := bench/ogenpeer
bench:
	@out=$${BENCH_OUT:-$${TMPDIR:-/tmp}/oasuite-bench.txt}; dir=$$(mktemp -d); bin=$$dir/bench.test; peer=$$dir/ogen.test; \
	$(GO) test -c -o $$bin ./bench/ || exit 1; (cd $(OGENPEER) && $(GO) test -c -o $$peer .) || exit 1; \
	: > $$out; keep='^(Benchmark|goos|goarch|pkg|cpu|FAIL|---|panic)'; line='^(Benchmark|FAIL|---|panic)'; \
	echo "== raw, suite and ogen: 10 interleaved rounds (load: $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); all lines also in $$out, benchstat's format)"; \
	for i in 1 2 3 4 5 6 7 8 9 10; do \
	  $$bin -test.run '^$$' -test.bench '$(BENCH_CASES)' -test.benchmem -test.benchtime 200ms 2>&1 | grep -E "$$keep" | tee -a $$out; keep=$$line; \
	  $$peer -test.run '^$$' -test.bench '$(BENCH_CASES)' -test.benchmem -test.benchtime 200ms 2>&1 | grep -E "$$line" | tee -a $$out; \
	done; \
	echo "== 100,000 records through the iterator: 5 interleaved rounds (load: $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))"; \
	for i in 1 2 3 4 5; do \
	  $$bin -test.run '^$$' -test.bench '^BenchmarkIterate100k$$' -test.benchmem -test.benchtime 1x 2>&1 | grep -E "$$line" | tee -a $$out; \
	  $$peer -test.run '^$$' -test.bench '^BenchmarkIterate100k$$' -test.benchmem -test.benchtime 1x 2>&1 | grep -E "$$line" | tee -a $$out; \
	done; \
	echo "== a 50 MiB BeProduct upload, streamed (fails when peak-heap-MiB reaches 8)"; \
	$$bin -test.run '^$$' -test.bench '^BenchmarkUpload' -test.benchmem -test.benchtime 1x 2>&1 | grep -E "$$line"; \
	echo "load after the runs: $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"; \
	rm -rf $$dir; $(GO) run ./bench/summary $$out

## size: stripped hello-world binary per vendor vs an x/oauth2-only one (fails over 1.4x);
##   TestVendorImportIsLight (bench/size) checks what one vendor import links
size:
	GO=$(GO) $(GO) run ./bench/size/report

## bench-test: the ogen peer's tests (raw, suite and ogen decode the same data); not part of make test
bench-test:
	cd $(OGENPEER) && $(GO) test -count=1 ./...

## fuzz: each fuzz target for FUZZTIME
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; done

## record: re-record cassettes (against real vendors when credentials are set, else the fakes);
##   every recorded answer is checked against specs/<vendor>.yaml (replay.WithSpec): a mismatch fails and the old cassette stays
record:
	OASUITE_RECORD=1 $(GO) test -count=1 -run Replay ./...

## demo: the main job — regenerate, then exercise every client against the built-in fakes
demo: generate
	$(GO) run ./cmd/oasuite demo

## ci: what CI runs
ci: check-generated lint test
