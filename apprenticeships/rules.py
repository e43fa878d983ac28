"""Who may do what on the apprenticeship route: each part's rules in its own module."""

from apprenticeships import rules_hours, rules_plan  # noqa: F401
