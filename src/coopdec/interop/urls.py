from django.urls import path

from coopdec.interop.iati import views as iati_views

app_name = "interop"
urlpatterns: list = [
    path("iati/organisations/<int:pk>/activities.xml", iati_views.organisation_activities, name="iati_activities"),
    path("iati/organisations/<int:pk>/organisation.xml", iati_views.organisation_file, name="iati_organisation"),
]
