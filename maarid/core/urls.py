from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/password/", views.password_reset, name="reset"),
    path("accounts/password/<uidb64>/<token>/", views.password_reset_confirm, name="reset-confirm"),
    path("accounts/", views.account, name="account"),
    path("accounts/tokens/new/", views.token_create, name="token-create"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("about/", views.about, name="about"),
    path("privacy/", views.privacy, name="privacy"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/export/", views.person_export, name="person-export"),
    path("people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("outbox/", views.outbox, name="outbox"),
    path("jobs/<uuid:pk>/", views.job, name="job"),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/pdf/", views.verify_pdf, name="verify-pdf"),
]
