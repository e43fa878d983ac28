"""Loading rows from a backup (`loaddata`, through Django's deserializer) writes no audit
history and sets off no other receiver: the backup already holds the history (pathway/history.py).
The whole restore, into fresh databases, is tests/test_backup_restore.py; these run in-process."""

import pytest
from django.core import serializers
from django.db.models.signals import post_save

from pathway.history import skips_fixture_loads
from pathway.models import ClinicalArea, Role, RoleCode, User
from roledesign.models import JobDescription
from tests import factories
from tests.roledesign.helpers import make_jd

pytestmark = pytest.mark.django_db


def _load(instance, **changes):
    """Load `instance` back as loaddata does, with `changes` to its many-to-many fields."""
    data = serializers.serialize("python", [instance])
    data[0]["fields"].update(changes)
    for loaded in serializers.deserialize("python", data):
        loaded.save()


def test_loading_a_job_description_whose_clinical_areas_differ_adds_no_history():
    jd = make_jd()
    other_area = factories.ClinicalAreaFactory()
    versions = jd.history.count()
    _load(jd, clinical_areas=[other_area.pk])
    loaded = JobDescription.objects.get(pk=jd.pk)
    assert list(loaded.clinical_areas.all()) == [other_area]
    assert jd.history.count() == versions
    # An ordinary change afterwards still makes a version.
    loaded.clinical_areas.add(factories.ClinicalAreaFactory())
    assert jd.history.count() == versions + 1


def test_loading_a_person_whose_roles_differ_adds_no_history():
    person = factories.TraineeFactory()
    versions = person.history.count()
    mentor = Role.objects.get(code=RoleCode.MENTOR)
    _load(person, roles=[mentor.pk])
    assert list(User.objects.get(pk=person.pk).roles.all()) == [mentor]
    assert person.history.count() == versions


def test_a_wrapped_receiver_is_not_called_for_a_loaded_row():
    calls = []

    @skips_fixture_loads
    def count(sender, instance, **kwargs):
        calls.append(instance.name)

    post_save.connect(count, sender=ClinicalArea, weak=False)
    try:
        area = factories.ClinicalAreaFactory(name="Coronary care")
        _load(area)
        area.save()
    finally:
        post_save.disconnect(count, sender=ClinicalArea)
    assert calls == ["Coronary care", "Coronary care"]  # made and saved, but not loaded
