"""The playbook engine: read operational tables in columnar form, compute segments and
work items with SQL rules written once (DuckDB dialect, transpiled for Spark), write back
in bulk."""
