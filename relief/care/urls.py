from django.urls import path

from relief.care import views

app_name = "care"

urlpatterns = [
    path("stations/", views.stations, name="stations"),
    path("members/<int:pk>/", views.member, name="member"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/", views.event, name="event"),
]
