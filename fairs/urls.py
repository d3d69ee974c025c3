from django.urls import path

from fairs import views

app_name = "fairs"

urlpatterns = [
    path("", views.fair_list, name="list"),
    path("new/", views.fair_create, name="create"),
    path("graduates/", views.graduates, name="graduates"),
    path("<int:pk>/", views.fair_detail, name="detail"),
    path("<int:pk>/booth/", views.booth_apply, name="booth_apply"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/register/pick/", views.register_pick, name="register_pick"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/me/", views.my_schedule, name="mine"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/report/", views.report, name="report"),
    path("booths/<int:pk>/", views.booth_detail, name="booth"),
    path("booths/<int:pk>/decide/", views.booth_decide, name="booth_decide"),
    path("booths/<int:pk>/slots/", views.booth_slots, name="booth_slots"),
    path("booths/<int:pk>/walk-in/", views.booth_walk_in, name="booth_walk_in"),
    path("interviews/<int:pk>/outcome/", views.interview_outcome, name="outcome"),
    path("interviews/<int:pk>/confirm/", views.interview_confirm, name="confirm"),
    path("attendees/<int:pk>/cancel/", views.attendee_cancel, name="cancel"),
]
