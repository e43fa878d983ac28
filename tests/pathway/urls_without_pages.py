"""A URL configuration without any page (tests/pathway/test_signed_in_floor.py)."""

urlpatterns: list = []
