from django.db import models


class RestrictedQuerySet(models.QuerySet):
    """Querysets that know who may see which rows.

    Each model's queryset overrides ``visible_to``; views and API viewsets
    never list ``Model.objects.all()`` but ``Model.objects.visible_to(user)``.
    The default shows nothing to anyone lacking the model's view permission,
    so a model that forgets to decide is closed rather than open.
    """

    view_permission: str | None = None

    def visible_to(self, user):
        from stanchion.accounts.roles import has_perm

        if user is None or not user.is_authenticated:
            return self.none()
        permission = self.view_permission or f"{self.model._meta.model_name}.view"
        if has_perm(user, permission):
            return self
        return self.none()
