"""Benchmarks. Run them all with `make bench` (python -m benchmarks), or one
with `python -m benchmarks.bench_NAME`. Each compares against its named
baseline in the same run and prints a Markdown section for BENCHMARKS.md."""
