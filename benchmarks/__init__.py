"""Speed benchmarks; figures are recorded in BENCHMARKS.md, never asserted in tests."""
