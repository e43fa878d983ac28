"""Things to do on the apprenticeship route: each part's in its own module."""

from apprenticeships.todo_hours import for_person  # noqa: F401
