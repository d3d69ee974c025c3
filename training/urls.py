from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    # Workers (and everyone who trains or enrols people)
    path("", views.home, name="home"),
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("cohorts/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("mine/", views.mine, name="mine"),
    path("enrolments/<int:pk>/cancel/", views.cancel, name="cancel"),
    # Helpers and organizers
    path("courses/new/", views.course_new, name="course_new"),
    path("courses/<int:pk>/cohorts/new/", views.cohort_new, name="cohort_new"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/enrol-others/", views.enrol_others, name="enrol_others"),
    path("cohorts/<int:pk>/enrol-others/pick/", views.enrol_pick, name="enrol_pick"),
    path("enrolments/<int:pk>/complete/", views.complete, name="complete"),
    path("enrolments/<int:pk>/certificate/", views.certify, name="certify"),
    path("sessions/<int:pk>/", views.session_roster, name="session"),
    path("sessions/<int:pk>/attendance/<int:enrolment_pk>/", views.attendance_toggle, name="attendance"),
    path("sessions/<int:pk>/scan/", views.scan, name="scan"),
    path("coverage/", views.coverage, name="coverage"),
    path("demand/", views.demand, name="demand"),
]
