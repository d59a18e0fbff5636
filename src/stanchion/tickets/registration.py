"""What the service desk adds to the shell: navigation, demo steps and
receivers. Each part keeps its own function below."""


def register_agent_ui():
    pass


def register_portal():
    pass


def register_notifications():
    pass


def register_demo():
    pass


def register():
    register_agent_ui()
    register_portal()
    register_notifications()
    register_demo()
