"""Cohorts forms, one module per concern."""
