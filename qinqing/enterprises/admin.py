from django.contrib import admin

from qinqing.enterprises.models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "division", "industry_code", "registered_on"]
    search_fields = ["name", "uscc"]
    list_filter = ["division"]
    autocomplete_fields = ["division"]
