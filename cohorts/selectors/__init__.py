"""Cohorts selectors, one module per concern."""
