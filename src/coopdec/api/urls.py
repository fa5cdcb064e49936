from django.urls import path, re_path

from . import views
from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/.*$", views.api_not_found),
    path("account/tokens/", views.tokens, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
]
