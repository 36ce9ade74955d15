from django.contrib import admin

from .models import Commune, Membership, Organisation, Province, Region


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "sector", "province", "women_led"]
    list_filter = ["kind", "sector", "women_led", "province__region"]
    search_fields = ["name_fr", "name_ar", "registration_number", "ice"]
    autocomplete_fields = ["province", "commune"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "is_admin", "status", "requested_at"]
    list_filter = ["status", "is_admin"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "population"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "region", "is_prefecture"]
    list_filter = ["region"]
    search_fields = ["name_fr", "name_ar", "code"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar", "province", "is_urban"]
    list_filter = ["province__region"]
    search_fields = ["name_fr", "name_ar", "code"]
