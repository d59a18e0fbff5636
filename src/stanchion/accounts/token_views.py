"""API token pages: everyone manages their own tokens; administrators and
auditors may list everyone's (``apitoken.view_all``)."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from stanchion.core.tables import Column, Table
from stanchion.core.views import ObjectListView, PermissionRequiredMixin, apply_errors

from . import services
from .choices import TokenScope
from .forms import TokenForm
from .models import ApiToken
from .roles import has_perm


class TokenFilter(django_filters.FilterSet):
    owner = django_filters.ChoiceFilter(
        label="Owner",
        choices=[("all", "Everyone")],
        empty_label="Me",
        method="filter_owner",
    )
    scope = django_filters.ChoiceFilter(choices=TokenScope.choices())

    class Meta:
        model = ApiToken
        fields = ["owner", "scope"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = request.user
        if not has_perm(self.user, "apitoken.view_all"):
            del self.filters["owner"]

    def filter_queryset(self, queryset):
        # "Me" is the default: an empty owner never reaches filter_owner.
        if self.form.cleaned_data.get("owner") != "all":
            queryset = queryset.filter(user=self.user)
        return super().filter_queryset(queryset)

    def filter_owner(self, queryset, name, value):
        return queryset


class TokenTable(Table):
    columns = (
        Column("name", "Name", ("name",)),
        Column("owner", "Owner", ("user__full_name",)),
        Column("prefix", "Key", (), "hide-narrow"),
        Column("scope", "Scope", ("scope", "name")),
        Column("status", "Status", ()),
        Column("expires", "Expires", ("expires_at",), "hide-narrow"),
        Column("last_used", "Last used", ("last_used_at",), "hide-narrow"),
        Column("created", "Created", ("created_at",), "hide-narrow"),
        Column("actions", "", ()),
    )
    default_sort = "-created"
    row_template = "accounts/rows/token.html"


class TokenListView(ObjectListView):
    model = ApiToken
    title = "API tokens"
    filterset_class = TokenFilter
    table_class = TokenTable
    create_url_name = "accounts:token-create"
    empty_title = "You have no API tokens"
    empty_hint = "A token lets a script or integration use the API as you. Its key is shown once."

    def get_queryset(self):
        return super().get_queryset().select_related("user")

    def get_extra_context(self):
        return {"verbose_name": "token"}


class TokenCreateView(PermissionRequiredMixin, View):
    permission = "apitoken.add"
    template_name = "accounts/token_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": TokenForm(), "title": "New API token"})

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw_key = services.issue_token(
                    actor=request.user,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=form.expires_at(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                # The raw key exists only in this response: never cache it.
                response = render(
                    request,
                    "accounts/token_created.html",
                    {"token": token, "raw_key": raw_key, "title": "Token created"},
                )
                response["Cache-Control"] = "no-store"
                return response
        context = {"form": form, "title": "New API token"}
        return render(request, self.template_name, context, status=400)


def can_revoke(user, token):
    """Your own tokens; an administrator may revoke anyone's (e.g. after a leak)."""
    return token.user_id == user.pk or has_perm(user, "user.change")


class TokenRevokeView(PermissionRequiredMixin, View):
    permission = "apitoken.delete"

    def post(self, request, pk):
        token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
        if not can_revoke(request.user, token):
            raise PermissionDenied
        services.revoke_token(token, actor=request.user)
        messages.success(request, f"Token “{token.name}” was revoked; it no longer works.")
        return redirect("accounts:token-list")
