from django.contrib import admin

from .models import Category, Label, Product, ProductPhoto, Stock


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_fr", "name_ar", "slug", "parent", "order"]
    list_filter = ["parent"]
    search_fields = ["name_fr", "name_ar", "slug"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_ar"]
    search_fields = ["code", "name_fr", "name_ar"]


class PhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0
    # Photos are checked and cleaned when uploaded from the portal (core.uploads), not here.
    readonly_fields = ["file", "thumbnail"]


class StockInline(admin.TabularInline):
    model = Stock
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "category", "price", "unit", "active"]
    list_filter = ["active", "category__parent", "category", "labels"]
    search_fields = ["name_fr", "name_ar", "slug", "organisation__name_fr", "organisation__name_ar"]
    autocomplete_fields = ["organisation", "category"]
    readonly_fields = ["from_application", "created_at", "updated_at"]
    filter_horizontal = ["labels"]
    inlines = [StockInline, PhotoInline]

    def has_delete_permission(self, request, obj=None):
        return False  # products are hidden (active = False), never deleted: sales refer to them
