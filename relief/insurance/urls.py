from django.urls import path

from relief.insurance import views

app_name = "insurance"

urlpatterns = [
    path("uninsured/", views.uninsured, name="uninsured"),
    path("employers/", views.employers, name="employers"),
    path("members/<int:pk>/", views.member_status, name="member"),
    path("arrears/new/", views.arrears_open, name="arrears_open"),
    path("arrears/<int:pk>/settle/", views.arrears_settle, name="arrears_settle"),
]
