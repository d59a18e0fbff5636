import django_filters

from ..choices import ActionState, MajorIncidentState, MajorPriority
from ..models import MajorIncident, MajorIncidentUpdate, ReviewAction


class MajorIncidentFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=MajorIncidentState.choices())
    priority = django_filters.ChoiceFilter(choices=MajorPriority.choices())
    service = django_filters.NumberFilter(field_name="services", distinct=True)

    class Meta:
        model = MajorIncident
        fields = ["state", "priority", "service"]


class MajorIncidentUpdateFilterSet(django_filters.FilterSet):
    major_incident = django_filters.NumberFilter(field_name="major_incident")

    class Meta:
        model = MajorIncidentUpdate
        fields = ["major_incident"]


class ReviewActionFilterSet(django_filters.FilterSet):
    review = django_filters.NumberFilter(field_name="review")
    owner = django_filters.NumberFilter(field_name="owner")
    state = django_filters.ChoiceFilter(choices=ActionState.choices())

    class Meta:
        model = ReviewAction
        fields = ["review", "owner", "state"]
