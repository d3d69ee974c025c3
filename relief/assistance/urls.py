from django.urls import path

from relief.assistance import views

app_name = "assistance"

urlpatterns = [
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/<int:pk>/outcome/", views.outcome, name="outcome"),
]
