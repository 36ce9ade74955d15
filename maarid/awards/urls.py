"""An edition's awards pages, under /<lang>/<series>/<number>/awards/."""

from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("awards/", views.winners, name="winners"),
    path("awards/organise/", views.categories, name="categories"),
    path("awards/organise/crafts/", views.crafts, name="crafts"),
    path("awards/organise/ceremony/", views.ceremony, name="ceremony"),
    path("awards/organise/ceremony/ceremony.pdf", views.ceremony_pdf, name="ceremony-pdf"),
    path("awards/organise/<int:pk>/", views.category, name="category"),
    path("awards/organise/certificates/", views.award_certificates, name="certificates"),
    path("awards/organise/certificates/make/", views.make_certificates, name="certificates-make"),
    path("awards/results/<int:pk>/", views.results, name="results"),
    path("awards/results/<int:pk>/photos/<int:score>/", views.photo, name="photo"),
    path("awards/results/<int:pk>/compute/", views.compute, name="compute"),
    path("awards/results/<int:pk>/lock/", views.lock, name="lock"),
    path("awards/results/<int:pk>/publish/", views.publish, name="publish"),
    path("awards/jury/", views.jury, name="jury"),
    path("awards/jury/<int:pk>/", views.seat, name="seat"),
    path("awards/jury/<int:pk>/<int:exhibitor>/", views.sheet, name="sheet"),
    path("awards/jury/<int:pk>/<int:exhibitor>/conflict/", views.conflict, name="conflict"),
]
