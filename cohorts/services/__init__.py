"""Cohorts services, one module per concern."""
