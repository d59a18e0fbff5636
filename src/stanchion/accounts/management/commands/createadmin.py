import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from stanchion.accounts import services
from stanchion.accounts.models import User
from stanchion.accounts.roles import Role


class Command(BaseCommand):
    help = "Create an IT administrator login (prints a generated password unless one is given)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="IT Administrator")
        parser.add_argument("--password", help="default: a generated password, printed once")

    def handle(self, *args, email, name, password, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"email: {error.messages[0]}") from error
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"email: a user with {email} already exists.")
        password = password or secrets.token_urlsafe(12)
        try:
            services.create_user(
                actor=None, email=email, full_name=name, role=Role.IT_ADMIN, password=password
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(
                    f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
                )
            ) from error
        self.stdout.write(f"Created IT administrator {email} with password: {password}")
