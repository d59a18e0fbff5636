import django_filters

from .choices import EmploymentStatus, SupportTier
from .models import ApiToken, Person, Team, TeamMembership, User
from .roles import Role


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    employment_status = django_filters.ChoiceFilter(choices=EmploymentStatus.choices())

    class Meta:
        model = Person
        fields = ["q", "department", "location", "manager", "employment_status"]

    def search(self, queryset, name, value):
        return (
            queryset.filter(name__icontains=value)
            | queryset.filter(email__icontains=value)
            | queryset.filter(employee_id__iexact=value)
        )


class TeamFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Search")
    tier = django_filters.ChoiceFilter(choices=SupportTier.choices())

    class Meta:
        model = Team
        fields = ["q", "tier", "manager", "is_active"]


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    role = django_filters.ChoiceFilter(choices=Role.choices())

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(full_name__icontains=value) | queryset.filter(email__icontains=value)


class TeamMembershipFilterSet(django_filters.FilterSet):
    class Meta:
        model = TeamMembership
        fields = ["team", "user"]


class ApiTokenFilterSet(django_filters.FilterSet):
    class Meta:
        model = ApiToken
        fields = ["user", "scope"]
