from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("suggest/", views.suggest, name="suggest"),
    path("resolve/", views.resolve, name="resolve"),
    path("code/", views.code_hint, name="code_hint"),
    path("occupations/suggest/", views.occupation_suggest, name="occupation_suggest"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_answer, name="review_answer"),
]
