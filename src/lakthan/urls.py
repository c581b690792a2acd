"""Root URLconf: admin, sign-in (with lockout and two-factor), language switch, the API and the web application."""

from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lakthan.web import account

admin.autodiscover()  # here, not at start-up (settings.py installs SimpleAdminConfig)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", account.two_factor_step, name="two-factor"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password-change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("lakthan.api.urls")),
    path("", include("lakthan.web.urls")),
    path("", include("lakthan.core.urls")),  # background jobs' progress (lakthan.core.jobs)
    # The domain apps' pages keep their paths at the root (bookmarks point at them).
    path("", include("lakthan.indicators.urls")),
    path("", include("lakthan.reports.urls")),
    path("", include("lakthan.evidence.urls")),
]

# Each control app may bring its own pages (backups/urls.py, monitoring/urls.py, …).
for _app in (
    "inventory",
    "backups",
    "monitoring",
    "access",
    "risks",
    "network",
    "operations",
    "data",
    "problems",
    "committees",
):
    if find_spec(f"lakthan.{_app}") is not None and find_spec(f"lakthan.{_app}.urls") is not None:
        urlpatterns.append(path(f"{_app}/", include(f"lakthan.{_app}.urls")))
