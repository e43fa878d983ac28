"""Who may do what with evaluation questionnaires.

- the lead nurse builds questionnaires, issues them and reads their results;
- trainees and mentors answer the issues they were invited to, and nothing else (an issue they
  were not invited to is a 404: they do not learn it exists);
- everyone else is refused (403). Administrators manage accounts, not the programme's
  evaluation: they do not read results (docs/adr/0014-anonymous-questionnaires.md).
"""

import rules

from pathway.rules import is_assistant_practitioner, is_lead_nurse, is_mentor, is_trainee


@rules.predicate
def is_invited_to(user, issue):
    if not (user and user.is_authenticated and issue is not None):
        return False
    return issue.invitations.filter(person=user).exists()


rules.add_perm("evaluation.manage", is_lead_nurse)
rules.add_perm("evaluation.view_results", is_lead_nurse)
# Pages for people who answer questionnaires (their list); each issue is checked with respond.
# Questionnaires at the end of a course reach trainees who have since qualified.
rules.add_perm("evaluation.answer", is_trainee | is_assistant_practitioner | is_mentor)
rules.add_perm(
    "evaluation.respond", (is_trainee | is_assistant_practitioner | is_mentor) & is_invited_to
)
