"""Cohorts views, one module per concern."""
