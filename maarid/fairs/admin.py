from django.contrib import admin

from .models import Edition, OpeningHours, Partner, Series, SeriesRole


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_fr", "region"]
    search_fields = ["slug", "name_fr", "name_ar"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "series", "number", "starts_on", "ends_on", "status"]
    list_filter = ["status", "series"]
    inlines = [OpeningHoursInline, PartnerInline]


@admin.register(SeriesRole)
class SeriesRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "series", "role"]
    list_filter = ["role", "series"]
    autocomplete_fields = ["user"]
