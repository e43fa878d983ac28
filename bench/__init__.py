"""Pathway at scale: synthetic data (`manage.py seed_scale`), the page benchmark
(`manage.py bench`, `make bench`) and the load test (`make load`). See docs/performance.md.

Tooling only: nothing in the application imports this package.
"""
