"""A small world for the training plan, gateway and inspection tests: an ST0215 cohort with an
apprentice allocated a mentor, a tutor (the training provider) and a line manager (the
employer), the lead nurse, a stranger trainee in another cohort, and one signed-off competency.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from competencies import services as competency_services
from competencies.models import Assessment
from tests import factories


class PlanWorld:
    def __init__(self):
        self.today = timezone.localdate()
        framework, area = factories.published_framework_with(core=3)
        self.cohort = factories.CohortFactory(framework=framework, name="ST0215 intake")
        self.cohort.clinical_areas.set([area])
        self.mentor = factories.MentorFactory(full_name="Mona Mentor")
        self.tutor = factories.TutorFactory(full_name="Tara Tutor")
        self.trainee = factories.TraineeFactory(full_name="Amy Apprentice")
        self.enrolment = factories.enrol(
            self.cohort, trainee=self.trainee, area=area, mentor=self.mentor, tutor=self.tutor
        )
        self.manager = factories.plan_manager(self.trainee)
        self.lead = factories.LeadNurseFactory(full_name="Lena Lead")
        self.apprenticeship = factories.plan_apprenticeship(self.enrolment)
        other_cohort = factories.CohortFactory(framework=framework, name="Other intake")
        other_cohort.clinical_areas.set([area])
        self.other_cohort = other_cohort
        self.other = factories.enrol(other_cohort, area=area)
        self.other_apprenticeship = factories.plan_apprenticeship(self.other)
        self.stranger = self.other.trainee
        self.record = self.enrolment.record
        competency = self.record.progress.select_related("competency").first().competency
        request = competency_services.sign_off_request_create(
            actor=self.trainee, record=self.record, competency=competency, mentor=self.mentor
        )
        self.assessment = competency_services.sign_off_request_decide(
            actor=self.mentor,
            sign_off_request=request,
            signature=factories.signature(),
            outcome=Assessment.Outcome.ACHIEVED,
            method=competency.assessment_methods[0],
            assessed_on=self.today - datetime.timedelta(days=3),
        )
