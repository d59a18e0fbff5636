"""Which SLA and OLA targets apply, and the frozen copy a ticket keeps.

A ticket keeps the targets it was opened under (``frozen_sla``): changing a
policy affects new tickets only, unless an administrator explicitly reapplies
it to open tickets.
"""

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db.models import Q

from .models import OlaPolicy, SlaPolicy


def sla_policy_for(service, priority):
    """The service's own policy for the priority, else its tier's, else None."""
    policies = SlaPolicy.objects.filter(priority=priority).select_related("calendar")
    own = policies.filter(service=service).first()
    return own or policies.filter(service__isnull=True, tier=service.tier).first()


def effective_sla_policies(service):
    """{priority: (policy, "service" | "tier")} for every priority that has a
    policy: the service's own, else its tier's. One query."""
    policies = SlaPolicy.objects.filter(
        Q(service=service) | Q(service__isnull=True, tier=service.tier)
    ).order_by("priority")
    chosen = {}
    for policy in policies:
        source = "service" if policy.service_id else "tier"
        if policy.priority not in chosen or source == "service":
            chosen[policy.priority] = (policy, source)
    return chosen


def ola_policy_for(team, priority):
    """The team's OLA for the priority, else its all-priorities OLA, else None."""
    policies = {
        p.priority: p for p in OlaPolicy.objects.filter(team=team).select_related("calendar")
    }
    return policies.get(priority) or policies.get("")


@dataclass(frozen=True)
class FrozenTargets:
    """What a ticket stores when it opens (JSON-friendly via ``as_dict``)."""

    policy_id: int
    policy_name: str
    response_seconds: int
    resolution_seconds: int
    calendar_id: int
    pause_states: tuple[str, ...]

    @property
    def response_target(self):
        return timedelta(seconds=self.response_seconds)

    @property
    def resolution_target(self):
        return timedelta(seconds=self.resolution_seconds)

    def as_dict(self):
        data = asdict(self)
        data["pause_states"] = list(self.pause_states)
        return data

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "pause_states": tuple(data["pause_states"])})


def freeze_sla(service, priority):
    policy = sla_policy_for(service, priority)
    if policy is None:
        return None
    return FrozenTargets(
        policy_id=policy.pk,
        policy_name=policy.name,
        response_seconds=int(policy.response_target.total_seconds()),
        resolution_seconds=int(policy.resolution_target.total_seconds()),
        calendar_id=policy.calendar_id or service.calendar_id,
        pause_states=tuple(policy.pause_states),
    )


def freeze_ola(team, priority):
    policy = ola_policy_for(team, priority)
    if policy is None:
        return None
    return FrozenTargets(
        policy_id=policy.pk,
        policy_name=str(policy),
        response_seconds=int(policy.response_target.total_seconds()),
        resolution_seconds=int(policy.resolution_target.total_seconds()),
        calendar_id=policy.calendar_id,
        pause_states=(),
    )


# Records that keep frozen SLA targets (the service desk's tickets) register
# here how to reapply a changed policy to their open records, so the catalog
# offers the action without depending on the apps that use it.
REAPPLIERS = []


def reapply_policy(policy, *, actor):
    """The explicit "reapply to open tickets" action: every registered
    reapplier brings its open records under the policy's current targets.
    Returns how many records changed."""
    return sum(reapplier(policy, actor=actor) for reapplier in REAPPLIERS)
