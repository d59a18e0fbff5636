"""Employees see the live, published part of the catalog; IT sees it all."""

from stanchion.accounts.roles import has_perm, is_staff_role
from stanchion.core.querysets import RestrictedQuerySet

from .choices import ServiceStatus


class ServiceQuerySet(RestrictedQuerySet):
    def in_portal(self):
        return self.filter(status=ServiceStatus.LIVE, visible_in_portal=True)

    def visible_to(self, user):
        if not has_perm(user, "service.view"):
            return self.none()
        return self if is_staff_role(user) else self.in_portal()


class CatalogItemQuerySet(RestrictedQuerySet):
    def in_portal(self):
        return self.filter(
            is_active=True, service__status=ServiceStatus.LIVE, service__visible_in_portal=True
        )

    def visible_to(self, user):
        if not has_perm(user, "catalogitem.view"):
            return self.none()
        return self if is_staff_role(user) else self.in_portal()
