from apprenticeships import urls_hours

app_name = "apprenticeships"

urlpatterns: list = [*urls_hours.urlpatterns]
