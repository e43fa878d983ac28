from django.contrib import admin

from funding.models import CostLine, FundingSource


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "amount"]
    list_filter = ["cohort"]
    raw_id_fields = ["cohort", "organisation", "recorded_by"]


@admin.register(CostLine)
class CostLineAdmin(admin.ModelAdmin):
    list_display = ["description", "cohort", "category", "quantity", "unit", "unit_cost"]
    list_filter = ["cohort", "category"]
    raw_id_fields = ["cohort", "recorded_by"]
