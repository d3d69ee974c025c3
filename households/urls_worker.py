from django.urls import path

from households import views

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("skills/add/", views.me_skill_add, name="skill_add"),
    path("skills/<int:pk>/remove/", views.me_skill_remove, name="skill_remove"),
    path("preferences/", views.me_preferences, name="preferences"),
]
