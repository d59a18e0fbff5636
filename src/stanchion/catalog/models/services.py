from django.db import models

from stanchion.core.models import BaseModel

from ..choices import LinkKind, ServiceStatus, ServiceTier
from ..querysets import ServiceQuerySet


class Service(BaseModel):
    """An IT service employees rely on (SSO, VPN, laptops...)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    tier = models.CharField(
        max_length=1, choices=ServiceTier.choices(), default=ServiceTier.values()[2]
    )
    status = models.CharField(
        max_length=ServiceStatus.max_length(),
        choices=ServiceStatus.choices(),
        default=ServiceStatus.LIVE,
    )
    owner_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="owned_services"
    )
    support_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="supported_services"
    )
    business_owner = models.ForeignKey(
        "accounts.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_services",
    )
    calendar = models.ForeignKey(
        "catalog.BusinessCalendar",
        on_delete=models.PROTECT,
        related_name="services",
        help_text="Support hours",
    )
    depends_on = models.ManyToManyField(
        "self",
        through="ServiceDependency",
        symmetrical=False,
        related_name="dependents",
        blank=True,
    )
    visible_in_portal = models.BooleanField(
        default=True, help_text="Shown to employees in the service catalog"
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["tier", "status"])]

    def __str__(self):
        return self.name

    @property
    def tier_label(self):
        return ServiceTier.label(self.tier)


class ServiceDependency(BaseModel):
    """``service`` needs ``depends_on`` to work. Cycles are rejected by
    catalog.services.add_dependency."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="dependency_links")
    depends_on = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="dependent_links"
    )

    class Meta:
        ordering = ["service__name", "depends_on__name"]
        verbose_name_plural = "service dependencies"
        constraints = [
            models.UniqueConstraint(fields=["service", "depends_on"], name="unique_dependency"),
            models.CheckConstraint(
                condition=~models.Q(service=models.F("depends_on")), name="no_self_dependency"
            ),
        ]

    def __str__(self):
        return f"{self.service} needs {self.depends_on}"


class ServiceLink(BaseModel):
    """A link from a service to its runbook, docs, status page or dashboard."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=LinkKind.max_length(), choices=LinkKind.choices())
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["service", "kind", "title"]

    def __str__(self):
        return self.title
