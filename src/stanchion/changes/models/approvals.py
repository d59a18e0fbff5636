from django.core.exceptions import ValidationError
from django.db import models

from stanchion.core.models import BaseModel

from ..choices import ApprovalState, ApproverKind
from ..querysets import ApprovalDelegationQuerySet, ChangeApprovalQuerySet


class ChangeApproval(BaseModel):
    """One approval a change needs, as its risk level's policy decides
    (changes.approvals). ``approvers`` is who may decide it; a decision by a
    delegate records both the delegate and whom they stood in for."""

    change = models.ForeignKey("changes.Change", on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=ApproverKind.max_length(), choices=ApproverKind.choices())
    # The team whose managers decide (team manager, service owner) or the
    # approver group (CAB, emergency approvers); null for the CAB as a body.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approvers = models.ManyToManyField("accounts.User", blank=True, related_name="+")
    state = models.CharField(
        max_length=ApprovalState.max_length(),
        choices=ApprovalState.choices(),
        default=ApprovalState.PENDING,
        editable=False,
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    on_behalf_of = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    comment = models.TextField(blank=True, max_length=5000, editable=False)

    objects = ChangeApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["change", "id"]
        indexes = [models.Index(fields=["state", "change"])]

    def __str__(self):
        return f"{ApproverKind.label(self.kind)} for change {self.change_id}"


class ApprovalDelegation(BaseModel):
    """While ``delegator`` is away (``starts_at`` to ``ends_at``), ``delegate``
    may decide the change approvals addressed to them."""

    delegator = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="change_delegations"
    )
    delegate = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    objects = ApprovalDelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["delegator", "ends_at"])]

    def __str__(self):
        return f"{self.delegator_id} → {self.delegate_id}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})
        if self.delegator_id and self.delegator_id == self.delegate_id:
            raise ValidationError({"delegate": "Choose someone other than yourself."})
