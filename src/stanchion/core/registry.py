"""Where each app plugs into the shell: navigation entries, demo data and
(later) KPIs. Apps register from their ``AppConfig.ready``."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None  # None: every signed-in user
    section: str = "Main"
    order: int = 100
    key: str = ""


@dataclass(frozen=True)
class DemoStep:
    name: str
    func: object  # callable(rng, context: dict, options: dict)
    order: int


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    demo: list[DemoStep] = field(default_factory=list)
    kpis: dict = field(default_factory=dict)

    def add_nav(self, item):
        if all(existing.url_name != item.url_name for existing in self.nav):
            self.nav.append(item)
            self.nav.sort(key=lambda i: (i.order, i.label))

    def add_demo(self, name, func, *, order):
        if all(step.name != name for step in self.demo):
            self.demo.append(DemoStep(name, func, order))
            self.demo.sort(key=lambda s: s.order)

    def nav_for(self, user):
        from stanchion.accounts.roles import has_perm

        return [i for i in self.nav if i.permission is None or has_perm(user, i.permission)]


registry = Registry()
