from django.urls import path

from relief.warmth import views

app_name = "warmth"

urlpatterns = [
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/list/", views.campaign_list, name="campaign_list"),
    path("deliveries/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
]
