from django.urls import path

from . import views

app_name = "vocabularies"
urlpatterns = [
    path("indicators/", views.standard_indicators, name="standard_indicators"),
    path("indicators/<slug:code>/", views.standard_indicator, name="standard_indicator"),
]
