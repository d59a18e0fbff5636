"""The only code that writes directory records (see core.services)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from stanchion.core.services import create_record, lock, save_validated, service

from .models import ApiToken, Person, Team, TeamMembership, User, hash_token
from .roles import has_perm


@service
def create_person(*, actor, **fields):
    return create_record(Person, fields)


@service
def create_team(*, actor, **fields):
    return create_record(Team, fields)


def can_manage_members(user, team):
    """IT administrators manage every team; a team manager manages their own."""
    if has_perm(user, "teammembership.add") and has_perm(user, "team.change"):
        return True
    return has_perm(user, "teammembership.add") and team.manager_id == user.pk


@service
def add_team_member(team, user, *, actor):
    if actor is not None and not can_manage_members(actor, team):
        raise PermissionDenied(f"You cannot change the members of {team}.")
    if not user.is_active:
        raise ValidationError({"user": f"{user} is deactivated and cannot join a team."})
    if TeamMembership.objects.filter(team=team, user=user).exists():
        raise ValidationError({"user": f"{user} is already a member of {team}."})
    return create_record(TeamMembership, {"team": team, "user": user})


@service
def remove_team_member(membership, *, actor):
    if actor is not None and not can_manage_members(actor, membership.team):
        raise PermissionDenied(f"You cannot change the members of {membership.team}.")
    lock(membership).delete()


@service
def create_user(*, actor, email, full_name, role, password=None, person=None, is_active=True):
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"A user with email {email} already exists."})
    user = User(email=email, full_name=full_name, role=role, person=person, is_active=is_active)
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    return save_validated(user)


def _check_password(password, user):
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


@service
def set_password(user, password, *, actor):
    locked = lock(user)
    _check_password(password, locked)
    locked.set_password(password)
    return save_validated(locked)


@service
def issue_token(*, actor, user, name, scope, expires_at=None):
    """Returns (token, raw_key). The raw key exists only in this return value."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    raw = ApiToken.generate()
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        key_prefix=raw[: ApiToken.PREFIX_LENGTH],
        key_hash=hash_token(raw),
    )
    return save_validated(token), raw


@service
def revoke_token(token, *, actor):
    locked = lock(token)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        save_validated(locked)
    return locked


def authenticate_token(raw):
    """The user and token for a raw API key, or None. Not a service: it only
    stamps ``last_used_at``, which is excluded from the audit trail."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    # Stamp at most once a minute: a busy integration must not write per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
