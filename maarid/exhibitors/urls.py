"""Pages of the call for exhibitors, under an edition: /<lang>/<series>/<number>/…"""

from django.urls import path

from . import views_call, views_portal, views_review, views_selection

app_name = "exhibitors"
urlpatterns = [
    # The call: public page, and its settings for organisers.
    path("call/", views_call.call_detail, name="call"),
    path("call/edit/", views_call.call_edit, name="call-edit"),
    # The applicant's portal.
    path("apply/", views_portal.apply, name="apply"),
    path("applications/<int:pk>/", views_portal.application_detail, name="application"),
    path(
        "applications/<int:pk>/step/<slug:step>/",
        views_portal.application_step,
        name="application-step",
    ),
    path(
        "applications/<int:pk>/submit/", views_portal.application_submit, name="application-submit"
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views_portal.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "applications/<int:pk>/documents/<int:document>/",
        views_portal.document_file,
        name="document",
    ),
    path(
        "applications/<int:pk>/products/<int:product>/photo/",
        views_portal.product_photo,
        name="product-photo",
    ),
    # Reviewers.
    path("reviews/", views_review.my_reviews, name="my-reviews"),
    path("reviews/<int:pk>/", views_review.review_form, name="review"),
    # Organisers: the review board, the selection, exports.
    path("applications/", views_review.board, name="board"),
    path("applications/assign/", views_review.assign, name="assign"),
    path("applications/export.xlsx", views_selection.export_xlsx, name="export-xlsx"),
    path("selection/", views_selection.selection, name="selection"),
    path("selection/run/", views_selection.run, name="selection-run"),
    path("selection/publish/", views_selection.publish, name="selection-publish"),
    path("selection/report.pdf", views_selection.report_pdf, name="selection-report"),
    path("applications/<int:pk>/override/", views_selection.override, name="override"),
]
