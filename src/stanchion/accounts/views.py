"""Directory pages: people, teams (with their members) and users.

API tokens have their own module (token_views.py). Everything here builds on
the generic views in core.views; only team membership needs its own views.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from stanchion.core.tables import Column, Table
from stanchion.core.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PermissionRequiredMixin,
    apply_errors,
    is_htmx_swap,
)

from . import services
from .filtersets import PersonFilterSet, TeamFilterSet, UserFilterSet
from .forms import PersonForm, TeamForm, TeamMemberForm, UserCreateForm, UserEditForm
from .models import Person, Team, TeamMembership, User
from .roles import has_perm, is_staff_role

ACTIVE_CHOICES = [("", "Any"), ("true", "Active"), ("false", "Inactive")]


def active_filter():
    return django_filters.BooleanFilter(label="Status", widget=forms.Select(choices=ACTIVE_CHOICES))


# ---- People ------------------------------------------------------------


class PersonListFilter(PersonFilterSet):
    class Meta(PersonFilterSet.Meta):
        fields = ["q", "department", "location", "employment_status"]


class PersonTable(Table):
    columns = (
        Column("name", "Name", ("name",)),
        Column("employee_id", "Employee ID", ("employee_id",), "hide-narrow"),
        Column("department", "Department", ("department__name",)),
        Column("location", "Location", ("location__name",), "hide-narrow"),
        Column("status", "Status", ("employment_status",)),
    )
    default_sort = "name"
    row_template = "accounts/rows/person.html"


class PersonListView(ObjectListView):
    model = Person
    filterset_class = PersonListFilter
    table_class = PersonTable
    create_url_name = "accounts:person-create"
    empty_title = "No people in the directory yet"
    empty_hint = "Add employees one by one, or load the demo company with “stanchion demo”."

    def get_queryset(self):
        return super().get_queryset().select_related("department", "location")


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "accounts/person_detail.html"
    edit_url_name = "accounts:person-edit"

    def get_queryset(self):
        return super().get_queryset().select_related("department", "location", "manager")

    def get_extra_context(self, person):
        user = User.objects.filter(person=person).first()
        memberships = []
        if user is not None and has_perm(self.request.user, "teammembership.view"):
            memberships = user.memberships.select_related("team").order_by("team__name")
        return {
            "linked_user": user,
            "memberships": memberships,
            "reports": person.reports.order_by("name").only("id", "name", "title"),
            "can_browse": is_staff_role(self.request.user),
        }


class PersonEditView(ObjectEditView):
    model = Person
    form_class = PersonForm
    create_service = staticmethod(services.create_person)
    detail_url_name = "accounts:person-detail"


# ---- Teams -------------------------------------------------------------


class TeamListFilter(TeamFilterSet):
    is_active = active_filter()

    class Meta(TeamFilterSet.Meta):
        fields = ["q", "tier", "is_active"]


class TeamTable(Table):
    columns = (
        Column("name", "Name", ("name",)),
        Column("tier", "Tier", ("tier", "name")),
        Column("manager", "Manager", ("manager__full_name",), "hide-narrow"),
        Column("members", "Members", ("member_count",), "num"),
        Column("status", "Status", ("-is_active", "name")),
    )
    default_sort = "name"
    row_template = "accounts/rows/team.html"


class TeamListView(ObjectListView):
    model = Team
    filterset_class = TeamListFilter
    table_class = TeamTable
    create_url_name = "accounts:team-create"
    empty_title = "No teams yet"
    empty_hint = "Teams are assignment groups: create one per group that takes work (L1-L3)."

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("manager")
            .annotate(member_count=Count("memberships"))
        )


class TeamDetailView(ObjectDetailView):
    model = Team
    template_name = "accounts/team_detail.html"
    edit_url_name = "accounts:team-edit"
    delete_url_name = "accounts:team-delete"

    def get_queryset(self):
        return super().get_queryset().select_related("manager")

    def get_extra_context(self, team):
        return members_context(self.request, team)


def members_context(request, team, form=None):
    can_manage = services.can_manage_members(request.user, team)
    if form is None and can_manage:
        form = TeamMemberForm(team=team)
    return {
        "team": team,
        "members": team.memberships.select_related("user").order_by("user__full_name"),
        "member_form": form,
        "can_manage_members": can_manage,
    }


class TeamEditView(ObjectEditView):
    model = Team
    form_class = TeamForm
    create_service = staticmethod(services.create_team)
    detail_url_name = "accounts:team-detail"


class TeamDeleteView(ObjectDeleteView):
    model = Team
    detail_url_name = "accounts:team-detail"
    success_url_name = "accounts:team-list"


class TeamMembersView(PermissionRequiredMixin, View):
    """Adds (POST to .../members/) and removes members; answers htmx with the
    member list alone, other requests with a redirect to the team."""

    permission = "team.view"

    def team(self):
        return get_object_or_404(Team.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def respond(self, team, form=None, status=200):
        if is_htmx_swap(self.request, "team-members"):
            context = members_context(self.request, team, form) | {"members_partial": True}
            return render(self.request, "accounts/team_members.html", context, status=status)
        if form is not None and form.errors:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
        return redirect("accounts:team-detail", pk=team.pk)

    def post(self, request, pk, membership_pk=None):
        team = self.team()
        if membership_pk is not None:
            return self.remove(team, membership_pk)
        form = TeamMemberForm(request.POST, team=team)
        if form.is_valid():
            member = form.cleaned_data["user"]
            try:
                services.add_team_member(team, member, actor=request.user)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{member} joined {team}.")
                return self.respond(team)
        return self.respond(team, form, status=400)

    def remove(self, team, membership_pk):
        visible = TeamMembership.objects.visible_to(self.request.user).select_related("user")
        membership = get_object_or_404(visible, pk=membership_pk, team=team)
        services.remove_team_member(membership, actor=self.request.user)
        messages.success(self.request, f"{membership.user} left {team}.")
        return self.respond(team)


# ---- Users -------------------------------------------------------------


class UserListFilter(UserFilterSet):
    is_active = active_filter()

    class Meta(UserFilterSet.Meta):
        fields = ["q", "role", "is_active"]


class UserTable(Table):
    columns = (
        Column("name", "Name", ("full_name",)),
        Column("role", "Role", ("role", "full_name")),
        Column("person", "Directory record", (), "hide-narrow"),
        Column("status", "Status", ("-is_active", "full_name")),
        Column("last_login", "Last sign-in", ("last_login",), "hide-narrow"),
    )
    default_sort = "name"
    row_template = "accounts/rows/user.html"


class UserListView(ObjectListView):
    model = User
    filterset_class = UserListFilter
    table_class = UserTable
    create_url_name = "accounts:user-create"
    empty_title = "No users yet"

    def get_queryset(self):
        return super().get_queryset().select_related("person")


class UserDetailView(ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    edit_url_name = "accounts:user-edit"

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    def get_extra_context(self, user):
        return {
            "memberships": user.memberships.select_related("team").order_by("team__name"),
            "managed_teams": user.managed_teams.order_by("name"),
        }


class UserEditView(ObjectEditView):
    model = User
    detail_url_name = "accounts:user-detail"

    def get_form(self, data=None, instance=None):
        if instance is None:
            return UserCreateForm(data=data)
        return UserEditForm(data=data, instance=instance, editor=self.request.user)

    def create(self, form):
        return services.create_user(actor=self.request.user, **form.cleaned_data)
