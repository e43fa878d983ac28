"""The mentor register a page at a time at any size (issue #18 point 5): the updates falling due
soon are a range of an index on each preparation's latest date; the active mentors are counted as
the mentor role's holders less those who have left, on a small index of the inactive."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pathway", "0013_people_search_trigram_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="mentorpreparation",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("last_update_on", "prepared_on"),
                name="mentor_preparation_latest",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                condition=models.Q(("is_active", False)), fields=["id"], name="user_inactive"
            ),
        ),
    ]
