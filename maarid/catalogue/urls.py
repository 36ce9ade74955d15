"""Catalogue pages that belong to no single edition: products, search, an exhibitor's own
products. (An edition's public site is in urls_edition.py.)"""

from django.urls import path

from . import views_portal, views_search, views_site

app_name = "catalogue"
urlpatterns = [
    path("products/<slug:slug>/", views_site.product_detail, name="product"),
    path("products/<slug:slug>/qr.svg", views_site.product_qr, name="product-qr"),
    path("search/", views_search.search, name="search"),
    # An organisation's own products, managed by its members (the exhibitor portal).
    path(
        "organisations/<slug:organisation>/products/", views_portal.product_list, name="my-products"
    ),
    path(
        "organisations/<slug:organisation>/products/new/",
        views_portal.product_create,
        name="product-create",
    ),
    path(
        "organisations/<slug:organisation>/products/<slug:slug>/edit/",
        views_portal.product_edit,
        name="product-edit",
    ),
    path(
        "organisations/<slug:organisation>/products/import/",
        views_portal.product_import,
        name="product-import",
    ),
    path(
        "organisations/<slug:organisation>/products/export.xlsx",
        views_portal.product_export,
        name="product-export",
    ),
    path("photos/<int:pk>/", views_portal.photo, name="photo"),
]
