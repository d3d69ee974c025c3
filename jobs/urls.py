from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    # Workers (and everyone signed in): open postings
    path("", views.posting_search, name="search"),
    path("<int:pk>/", views.posting_detail, name="detail"),
    path("<int:pk>/apply/", views.posting_apply, name="apply"),
    path("<int:pk>/apply-for/", views.posting_apply_for, name="apply_for"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path("applications/<int:pk>/hire/", views.application_hire, name="application_hire"),
    # Employers
    path("employers/register/", views.employer_register, name="employer_register"),
    path("company/", views.company, name="company"),
    path("company/edit/", views.company_edit, name="company_edit"),
    path("postings/", views.employer_postings, name="postings"),
    path("postings/new/", views.posting_create, name="posting_create"),
    path("postings/hint/", views.posting_hint, name="posting_hint"),
    path("postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/submit/", views.posting_submit, name="posting_submit"),
    path("postings/<int:pk>/withdraw/", views.posting_withdraw, name="posting_withdraw"),
    path("postings/<int:pk>/applicants/", views.pipeline, name="pipeline"),
    path("candidates/", views.candidate_search, name="candidates"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/invite/", views.candidate_invite, name="candidate_invite"),
    # Organizers and helpers
    path("review/employers/", views.review_employers, name="review_employers"),
    path("review/employers/<int:pk>/", views.employer_verify, name="employer_verify"),
    path("review/postings/", views.review_postings, name="review_postings"),
    path("review/postings/<int:pk>/", views.posting_review, name="posting_review"),
    path("stalled/", views.stalled, name="stalled"),
    path("placements/", views.placements, name="placements"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_record, name="follow_up_record"),
    path("services/", views.service_list, name="services"),
    path("services/new/", views.service_create, name="service_create"),
]
