from django.urls import path

from households import views, views_import

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("exits/", views.exit_requests, name="exits"),
    path("import/", views_import.import_page, name="import"),
    path("import/template/", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_job, name="import_job"),
    path("import/<int:pk>/report/", views_import.import_report, name="import_report"),
    path("import/<int:pk>/retry/", views_import.import_retry, name="import_retry"),
    path("export/", views_import.export_page, name="export"),
    path("exits/<int:pk>/decide/", views.exit_decide, name="exit_decide"),
    path("id-referrals/", views.id_referrals, name="id_referrals"),
    path("id-referrals/<int:pk>/resolve/", views.id_referral_resolve, name="id_referral_resolve"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/activate/", views.household_activate, name="activate"),
    path("<int:pk>/close/", views.household_close, name="close"),
    path("<int:pk>/reenter/", views.household_reenter, name="reenter"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("members/pick/", views.member_pick, name="member_pick"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
    path("members/<int:pk>/login/", views.member_account, name="member_account"),
    path("members/<int:pk>/password-reset/", views.member_password_reset, name="member_password_reset"),
    path("members/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("<int:pk>/plan/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/plan/goals/new/", views.goal_add, name="goal_add"),
    path("<int:pk>/plan/measures/new/", views.measure_add, name="measure_add"),
    path("goals/<int:pk>/status/", views.goal_status, name="goal_status"),
    path("measures/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("<int:pk>/pairing/", views.pairing_assign, name="pairing_assign"),
    path("<int:pk>/visits/new/", views.visit_record, name="visit_record"),
    path("<int:pk>/exit/", views.exit_request, name="exit_request"),
]
