"""What the KPI engine adds to the shell: the Insights section of the
navigation. The targets page is reached from the dashboard (a second entry
under /kpis/ would light up with every KPI page)."""


def register_nav():
    from stanchion.core.registry import NavItem, registry

    section = "Insights"
    registry.add_nav(NavItem("KPIs", "metrics:dashboard", "kpi.view", section, order=60, key="k"))


def register_jobs():
    """Days that are over are rolled up every five minutes, a hundred at
    most at a time so the other jobs on the scheduler's thread are not held
    up by a first roll-up of years of tickets (metrics.rollups)."""
    from stanchion.core.registry import registry

    from . import rollups

    registry.add_periodic("kpi-rollups", rollups.run_job, 300)


def roll_up_demo(rng, ctx, options):
    """The demo company's past days rolled up, as the periodic job would
    have kept them: its dashboards read sums from the first page view."""
    from . import rollups

    ctx["kpi_days_rolled_up"] = rollups.build(now=options.get("now"))


def register_demo():
    from stanchion.core.registry import registry

    # After every app that writes tickets, clocks and surveys.
    registry.add_demo("kpi-rollups", roll_up_demo, order=90)


def register():
    register_nav()
    register_jobs()
    register_demo()
