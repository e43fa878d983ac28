"""Demo data for the apprenticeship route (issue 19)."""
