from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coopdec.common.mail import QueuedMailPasswordResetForm

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Django's password reset, its mail sent by a background task (ahead of, and hiding, its own route)
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(form_class=QueuedMailPasswordResetForm),
         name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("coopdec.web.urls")),
    path("", include("coopdec.actors.urls")),
    path("", include("coopdec.cooperation.urls")),
    path("atlas/", include("coopdec.atlas.urls")),
    path("declarations/", include("coopdec.declarations.urls")),
    path("", include("coopdec.matching.urls")),
    path("", include("coopdec.interop.urls")),
    path("", include("coopdec.api.urls")),
]
# Uploaded files are never served from /media/: documents go through cooperation:document_file,
# which applies the same access rules as the record they belong to.
