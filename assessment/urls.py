from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("targets/", views.targets, name="targets"),
    path("targets/import/", views.targets_import, name="targets_import"),
    path("targets/template/", views.targets_template, name="targets_template"),
    path("targets/<str:indicator>/", views.target_breakdown, name="target_breakdown"),
    path("scheme/", views.scheme, name="scheme"),
    path("scheme/open/", views.scorecards_open, name="scorecards_open"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<int:pk>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/write/", views.scorecard_write, name="scorecard_write"),
    path("scorecards/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("scorecards/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("scorecards/<int:pk>/return/", views.scorecard_return, name="scorecard_return"),
    path("scorecards/<int:pk>/accept/", views.scorecard_accept, name="scorecard_accept"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("reports/", views.report, name="report"),
    path("plans/", views.work_plans, name="work_plans"),
    path("plans/<int:pk>/", views.work_plan, name="work_plan"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
]
