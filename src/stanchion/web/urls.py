from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("stanchion.accounts.urls")),
]
