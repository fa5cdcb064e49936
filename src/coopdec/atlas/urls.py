from django.urls import path

from . import views

app_name = "atlas"
urlpatterns = [
    path("", views.atlas, name="atlas"),
    path("map.json", views.map_data, name="map_data"),
    path("map/organisations/<int:pk>.geojson", views.organisation_network, name="organisation_network"),
    path("stats/", views.statistics, name="statistics"),
    path("stats/<slug:dimension>.csv", views.statistics_csv, name="statistics_csv"),
]
