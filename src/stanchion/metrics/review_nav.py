"""The monthly service review's place in the navigation (Insights, beside
the KPIs), registered from the metrics app's ready()."""


def register():
    from stanchion.core.registry import NavItem, registry

    registry.add_nav(
        NavItem("Monthly review", "metrics-review:latest", "kpi.view", "Insights", order=62)
    )
