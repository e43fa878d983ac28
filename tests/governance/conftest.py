"""A person with something in every category Pathway holds (tests/factories.py)."""

import pytest

from tests import factories


@pytest.fixture
def rich(db) -> factories.RichPerson:
    return factories.rich_person()
