# Benchmarks (booktools/benchmark.py): speed against the floor every notebook pays.
# Not part of `make test`: timing is measured here, never asserted in a test.

.PHONY: bench bench-quick

bench: $(STAMP) ## full benchmarks: writes docs/benchmarks.md and docs/benchmarks/ (several minutes)
	$(BIN)/python -m booktools.benchmark

bench-quick: $(STAMP) ## quick benchmarks for authors (fewer repeats), into _build/benchmarks/
	$(BIN)/python -m booktools.benchmark --quick
