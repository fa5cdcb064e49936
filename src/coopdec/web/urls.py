from django.urls import path

from coopdec.knowledge import views as knowledge_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # Editable knowledge pages (coopdec.knowledge): coordinators change them from the site.
    path("about/", knowledge_views.page, {"slug": "about"}, name="about"),
    path("faq/", knowledge_views.page, {"slug": "faq"}, name="faq"),
    path("healthz", views.healthz, name="healthz"),
]
