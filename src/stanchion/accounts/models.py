import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from stanchion.core.models import BaseModel
from stanchion.core.querysets import RestrictedQuerySet

from .choices import EmploymentStatus, SupportTier, TokenScope
from .querysets import ApiTokenQuerySet, PersonQuerySet, TeamMembershipQuerySet, UserQuerySet
from .roles import Role
from .timezones import validate_time_zone


class Location(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    country = models.CharField(
        max_length=2,
        help_text="ISO 3166-1 alpha-2, e.g. DE",
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use a two-letter country code such as DE.")],
    )
    subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY, CA")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(BaseModel):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(BaseModel):
    """An employee in the directory. Most people never log in to the agent UI;
    a ``User`` may be linked to one person."""

    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    employee_id = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=120, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    employment_status = models.CharField(
        max_length=EmploymentStatus.max_length(),
        choices=EmploymentStatus.choices(),
        default=EmploymentStatus.ACTIVE,
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["employment_status", "name"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.manager_id and self.manager_id == self.pk:
            raise ValidationError({"manager": "A person cannot be their own manager."})
        # Walk up the chain to reject cycles (A manages B manages A).
        seen, current = {self.pk}, self.manager
        while current is not None:
            if current.pk in seen:
                raise ValidationError({"manager": "This would make a management cycle."})
            seen.add(current.pk)
            current = current.manager


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, BaseModel):
    """A login. Signs in with email; the role decides what it may do."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=Role.max_length(), choices=Role.choices(), default=Role.REQUESTER
    )
    person = models.OneToOneField(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    is_active = models.BooleanField(default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    AUDIT_EXCLUDE = ("last_login",)
    AUDIT_REDACT = ("password",)

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_label(self):
        return Role.label(self.role)


class Team(BaseModel):
    """An assignment group: tickets are assigned to teams, then to members."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    email = models.EmailField(blank=True)
    tier = models.CharField(
        max_length=SupportTier.max_length(), choices=SupportTier.choices(), default=SupportTier.L1
    )
    manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")
    is_active = models.BooleanField(default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamMembership(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_member"),
        ]

    def __str__(self):
        return f"{self.user} in {self.team}"


def hash_token(raw):
    # Tokens carry 256 bits of randomness, so a fast hash is safe here and
    # keeps per-request authentication cheap (unlike passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(BaseModel):
    """An API token. Only its hash is stored; the raw token is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=PREFIX_LENGTH, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        max_length=TokenScope.max_length(), choices=TokenScope.choices(), default=TokenScope.READ
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    AUDIT_EXCLUDE = ("last_used_at",)
    AUDIT_REDACT = ("key_hash",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def generate():
        return "stn_" + secrets.token_urlsafe(32)

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired else "active"
