from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    # Workers: 我的推荐岗位
    path("", views.my_matches, name="mine"),
    # Employers (their own postings) and organizers (postings in reach)
    path("postings/<int:pk>/candidates/", views.posting_candidates, name="candidates"),
    # Organizers and helpers
    path("households/<int:pk>/", views.household_matching, name="household"),
    path("gaps/", views.gaps, name="gaps"),
]
