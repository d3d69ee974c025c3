from django.urls import path

from relief.migrant import views

app_name = "migrant"

urlpatterns = [
    path("households/", views.households, name="households"),
]
