from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from stanchion.core.models import BaseModel

from ..choices import ApprovalMode
from ..querysets import CatalogItemQuerySet
from .policies import LONGEST_TARGET


class CatalogItem(BaseModel):
    """Something an employee can ask for ("New laptop"), with the form they
    fill in, who approves it, the tasks that fulfil it and the promised
    delivery time (business time on the service's calendar)."""

    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="catalog_items"
    )
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=5000)
    form_definition = models.JSONField(
        default=list,
        blank=True,
        help_text="The fields the requester fills in (see docs/catalog.md)",
    )
    approval = models.CharField(
        max_length=ApprovalMode.max_length(),
        choices=ApprovalMode.choices(),
        default=ApprovalMode.NONE,
    )
    approval_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_items",
    )
    delivery_target = models.DurationField(
        default=timedelta(days=1), help_text="Promised delivery, in business time"
    )
    is_active = models.BooleanField(default=True)

    objects = CatalogItemQuerySet.as_manager()

    class Meta:
        ordering = ["service__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="unique_item_per_service"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from ..formdefs import FormDefinitionError, parse_form_definition

        errors = {}
        if self.approval == ApprovalMode.TEAM and not self.approval_team_id:
            errors["approval_team"] = "Choose the team that approves this item."
        if self.approval != ApprovalMode.TEAM and self.approval_team_id:
            errors["approval_team"] = "Only items approved by a team name an approval team."
        if self.delivery_target is not None and self.delivery_target <= timedelta(0):
            errors["delivery_target"] = "The promised delivery time must be positive."
        elif self.delivery_target is not None and self.delivery_target > LONGEST_TARGET:
            errors["delivery_target"] = f"At most {LONGEST_TARGET.days} days."
        if self.service_id and self.name:
            same_name = CatalogItem.objects.filter(service_id=self.service_id, name=self.name)
            if same_name.exclude(pk=self.pk).exists():
                errors["name"] = f"{self.service} already offers an item named “{self.name}”."
        try:
            parse_form_definition(self.form_definition)
        except FormDefinitionError as error:
            errors["form_definition"] = str(error)
        if errors:
            raise ValidationError(errors)


class FulfilmentTaskTemplate(BaseModel):
    """A task created when a request for the item is approved. Tasks of the
    same stage run in parallel; stage 2 starts when stage 1 is done."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="task_templates")
    stage = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item", "stage", "id"]

    def __str__(self):
        return f"{self.stage}. {self.title}"
