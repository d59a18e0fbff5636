"""Where each app plugs into the shell: navigation entries, demo data, KPIs,
periodic jobs and panels on the agent's ticket page. Apps register from
their ``AppConfig.ready``."""

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


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: object  # callable() run by core.scheduler every ``every_seconds``
    every_seconds: float


@dataclass(frozen=True)
class TicketPanel:
    name: str
    func: object  # callable(request, ticket) -> HTML string, "" when it has nothing to show
    order: int


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    demo: list[DemoStep] = field(default_factory=list)
    kpis: dict = field(default_factory=dict)
    periodic: list[PeriodicJob] = field(default_factory=list)
    ticket_panels: list[TicketPanel] = field(default_factory=list)

    def add_nav(self, item):
        if all(existing.url_name != item.url_name for existing in self.nav):
            self.nav.append(item)
            self.nav.sort(key=lambda i: (i.order, i.label))

    def add_demo(self, name, func, *, order):
        if all(step.name != name for step in self.demo):
            self.demo.append(DemoStep(name, func, order))
            self.demo.sort(key=lambda s: s.order)

    def add_periodic(self, name, func, every_seconds):
        """A job the in-process scheduler (``stanchion run``/``worker``) runs
        every ``every_seconds``; registering a name twice keeps the first."""
        if every_seconds <= 0:
            raise ValueError(f"{name}: every_seconds must be positive.")
        if all(job.name != name for job in self.periodic):
            self.periodic.append(PeriodicJob(name, func, every_seconds))

    def add_ticket_panel(self, name, func, *, order):
        """A card in the side column of the agent's ticket page, rendered by
        ``func(request, ticket)`` each time the ticket workspace is (so it
        stays current after every quick action). Other apps show what they
        know about the ticket there (its major incident, known errors,
        suggested articles) without the service desk importing them."""
        if all(panel.name != name for panel in self.ticket_panels):
            self.ticket_panels.append(TicketPanel(name, func, order))
            self.ticket_panels.sort(key=lambda p: p.order)

    def ticket_panels_for(self, request, ticket):
        return [html for panel in self.ticket_panels if (html := panel.func(request, ticket))]

    def nav_for(self, user):
        from stanchion.accounts.roles import has_perm

        return [i for i in self.nav if i.permission is None or has_perm(user, i.permission)]


registry = Registry()
