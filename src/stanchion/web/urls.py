from django.contrib.auth import views as auth_views
from django.urls import include, path

from stanchion.accounts.forms import LoginForm

from .views.audit import AuditTrailView
from .views.home import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    # Django's LogoutView accepts POST only: a link or image cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", AuditTrailView.as_view(), name="audit-list"),
    path("", include("stanchion.accounts.urls")),
    path("", include("stanchion.catalog.urls")),
    path("", include("stanchion.tickets.urls")),
    path("", include("stanchion.notifications.urls")),
    path("", include("stanchion.metrics.urls")),
    path("", include("stanchion.metrics.review_urls")),
    path("", include("stanchion.changes.urls")),
    path("", include("stanchion.majorincidents.urls")),
    path("", include("stanchion.problems.urls")),
    path("", include("stanchion.knowledge.urls")),
]
