from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stanchion.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from stanchion.core.registry import NavItem, registry

        from .demo import create_directory

        registry.add_nav(
            NavItem(
                "People",
                "accounts:person-list",
                "person.view",
                section="Directory",
                order=50,
                key="p",
            )
        )
        registry.add_nav(
            NavItem(
                "Teams", "accounts:team-list", "team.view", section="Directory", order=51, key="t"
            )
        )
        registry.add_nav(
            NavItem("Users", "accounts:user-list", "user.view", section="Administration", order=90)
        )
        registry.add_nav(
            NavItem(
                "API tokens",
                "accounts:token-list",
                "apitoken.view",
                section="Administration",
                order=91,
            )
        )
        registry.add_demo("directory", create_directory, order=10)
