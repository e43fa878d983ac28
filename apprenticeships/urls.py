from apprenticeships import urls_hours, urls_plan

app_name = "apprenticeships"

urlpatterns: list = [
    *urls_plan.urlpatterns,
    *urls_hours.urlpatterns,
]
