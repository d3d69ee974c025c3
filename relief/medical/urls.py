from django.urls import path

from relief.medical import views

app_name = "medical"

urlpatterns = [
    path("members/<int:member>/cover/", views.cover, name="cover"),
]
