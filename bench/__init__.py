"""Reproducible benchmarks (`make bench`). Each module has a `main()` printing its figures."""
