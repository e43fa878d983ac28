from apprenticeships import urls_plan

app_name = "apprenticeships"

urlpatterns: list = [
    *urls_plan.urlpatterns,
]
