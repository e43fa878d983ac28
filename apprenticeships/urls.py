from apprenticeships import urls_hours, urls_plan
from apprenticeships.urls_ksb import ksb_patterns

app_name = "apprenticeships"

urlpatterns: list = [
    *ksb_patterns,
    *urls_plan.urlpatterns,
    *urls_hours.urlpatterns,
]
