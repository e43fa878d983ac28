"""Pathway at scale: synthetic data (`manage.py seed_scale`), the page benchmark
(`manage.py bench`, `make bench`) and the load test (`make load`). See docs/performance.md.

Tooling, outside the product's layers: an app of its own, installed only when PATHWAY_BENCH is
set (as `make bench` and `make load` do) and in the test settings. It imports the product;
nothing in the product imports it (checked by `make lint`, ADR 0020).
"""
