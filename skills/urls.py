from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("suggest/", views.suggest, name="suggest"),
    path("resolve/", views.resolve, name="resolve"),
]
