from django.db import models

from stanchion.core.models import BaseModel
from stanchion.core.querysets import RestrictedQuerySet


class SavedViewQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        """Saved views are personal: each user sees only their own."""
        from stanchion.accounts.roles import is_staff_role

        if not is_staff_role(user):
            return self.none()
        return self.filter(user=user)


class SavedView(BaseModel):
    """A queue with the filters and sort an agent chose, kept under a name
    (shown in the queue switcher). ``params`` is the query string without
    any page cursor."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    queue = models.SlugField(max_length=32)
    params = models.CharField(max_length=2000, blank=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_saved_view_name"),
        ]

    def __str__(self):
        return self.name
