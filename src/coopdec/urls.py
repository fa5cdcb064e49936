from django.contrib import admin
from django.urls import include, path

from coopdec.web.views import PasswordResetView, SignInView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Django's sign-in and password-reset views with rate limits, ahead of (and hiding) its own
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("coopdec.web.urls")),
    path("", include("coopdec.actors.urls")),
    path("", include("coopdec.cooperation.urls")),
    path("", include("coopdec.vocabularies.urls")),
    path("atlas/", include("coopdec.atlas.urls")),
    path("declarations/", include("coopdec.declarations.urls")),
    path("calls/", include("coopdec.funding.urls")),
    path("strategies/", include("coopdec.strategy.urls")),
    path("", include("coopdec.knowledge.urls")),
    path("participation/", include("coopdec.participation.urls")),
    path("", include("coopdec.matching.urls")),
    path("", include("coopdec.interop.urls")),
    path("", include("coopdec.api.urls")),
]
# Uploaded files are never served from /media/: documents go through cooperation:document_file,
# which applies the same access rules as the record they belong to.
