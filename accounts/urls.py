from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("access-log/", views.access_log, name="access_log"),
    path("text-size/", views.text_size_set, name="text_size"),
    # Not registration/password_change_form.html: django.contrib.admin (installed first) ships a
    # template of that name, which would be shown instead of ours.
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html", success_url="/"),
        name="password_change",
    ),
]
