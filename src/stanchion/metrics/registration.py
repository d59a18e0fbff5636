"""What the KPI engine adds to the shell: the Insights section of the
navigation. The targets page is reached from the dashboard (a second entry
under /kpis/ would light up with every KPI page)."""


def register_nav():
    from stanchion.core.registry import NavItem, registry

    section = "Insights"
    registry.add_nav(NavItem("KPIs", "metrics:dashboard", "kpi.view", section, order=60, key="k"))


def register():
    register_nav()
