import django_filters

from stanchion.api.filters import IdFilter

from ..choices import ProblemPriority, ProblemState
from ..forms import search_problems
from ..models import Problem, ProblemIncident


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Number, or words of the title, description and workaround"
    )
    state = django_filters.ChoiceFilter(choices=ProblemState.choices())
    priority = django_filters.ChoiceFilter(choices=ProblemPriority.choices())
    service = IdFilter(field_name="services", distinct=True)
    category = IdFilter(field_name="category")
    root_cause_category = IdFilter(field_name="root_cause_category")

    class Meta:
        model = Problem
        fields = ["q", "state", "priority", "service", "category", "root_cause_category"]

    def search(self, queryset, name, value):
        return search_problems(queryset, value)


class ProblemIncidentFilterSet(django_filters.FilterSet):
    problem = IdFilter(field_name="problem")
    incident = IdFilter(field_name="incident")

    class Meta:
        model = ProblemIncident
        fields = ["problem", "incident"]
