"""National-scale benchmark: bulk seeding (`manage.py seed_bench`), the hot queries checked with EXPLAIN,
and the `make bench` driver (scripts/bench.sh → tcvn_portal.bench.run)."""
