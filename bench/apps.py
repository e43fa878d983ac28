from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark and load test: installed only when they run (PATHWAY_BENCH) and in the
    test settings, never in the product (ADR 0001). No models; two management commands."""

    name = "bench"
    verbose_name = "Benchmark and scale data"
