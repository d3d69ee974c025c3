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
    path("password/", views.PasswordChange.as_view(), name="password_change"),
]
