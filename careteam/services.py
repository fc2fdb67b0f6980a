"""Writes of the coordination core: staff accounts and role groups."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from . import audit
from .models import User
from .roles import ROLE_PERMISSIONS, Role
from .signals import staff_credentials_revoke

STAFF_FIELDS = ("username", "first_name", "last_name", "email", "role", "is_active")


def role_groups_sync() -> None:
    """Make each role's group hold exactly the permissions careteam/roles.py gives it."""
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in perm_names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:  # not created yet while earlier apps migrate
                wanted.append(perm)
        group.permissions.set(wanted)


def role_groups_sync_on_migrate(sender: Any, **kwargs: Any) -> None:
    role_groups_sync()


def _validate_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": [f"Unknown role. Choose one of: {', '.join(Role.values)}."]})


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def staff_create(
    *,
    actor: User | None,  # None: the demo seed creating the first admin
    username: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    _validate_role(role)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": ["A staff member with this username already exists."]})
    user = User(username=username, role=role, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="user",
        object_id=user.pk,
        changes={"role": [None, role]},
    )
    return user


@transaction.atomic
def staff_update(*, actor: User, user: User, **fields: Any) -> User:
    """Change a staff member's details, role or active state.

    Deactivation and a role change take effect on the very next request: the user's sessions
    and API tokens are deleted in this transaction (accounts handles the signal), so that
    reactivating them later brings no old session or token back.
    """
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise ValueError(f"not staff fields: {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {name: getattr(user, name) for name in STAFF_FIELDS}
    errors: dict[str, list[str]] = {}

    new_role = fields.get("role", user.role)
    if new_role not in Role.values:
        errors["role"] = [f"Unknown role. Choose one of: {', '.join(Role.values)}."]
    elif new_role != user.role:
        teams = user.care_team_memberships.count()
        if teams:
            errors["role"] = [
                f"This person is on {teams} care team(s) as {user.role_label.lower()}; "
                "remove them from those teams before changing the role."
            ]
        if user.role == Role.ADMIN and not _other_active_admins(user):
            errors.setdefault("role", []).append("CareTeam needs at least one active admin.")
    new_username = fields.get("username", user.username)
    if (
        new_username.lower() != user.username.lower()
        and User.objects.filter(username__iexact=new_username).exclude(pk=user.pk).exists()
    ):
        errors["username"] = ["A staff member with this username already exists."]
    if fields.get("is_active") is False and user.is_active:
        if user.pk == actor.pk:
            errors["is_active"] = ["You cannot deactivate your own account."]
        elif user.role == Role.ADMIN and not _other_active_admins(user):
            errors["is_active"] = ["CareTeam needs at least one active admin."]
    if errors:
        raise ValidationError(errors)

    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    changed = [name for name in STAFF_FIELDS if getattr(user, name) != before[name]]
    if not changed:
        return user
    user.save(update_fields=changed)

    after = {name: getattr(user, name) for name in STAFF_FIELDS}
    changes = audit.field_changes(before, after, values=("role", "is_active"))
    if before["is_active"] and not user.is_active:
        staff_credentials_revoke.send(sender=User, user=user, reason="deactivate")
        audit.record(
            actor=actor,
            action=audit.Action.DEACTIVATE,
            object_type="user",
            object_id=user.pk,
            changes=changes,
        )
    elif not before["is_active"] and user.is_active:
        audit.record(
            actor=actor,
            action=audit.Action.REACTIVATE,
            object_type="user",
            object_id=user.pk,
            changes=changes,
        )
    else:
        audit.record(
            actor=actor, action=audit.Action.UPDATE, object_type="user", object_id=user.pk, changes=changes
        )
    if before["role"] != user.role and user.is_active:
        staff_credentials_revoke.send(sender=User, user=user, reason="role_change")
    return user


@transaction.atomic
def notification_preference_set(*, actor: User, email_notifications: str) -> User:
    if email_notifications not in User.EmailPreference.values:
        raise ValidationError(
            {"email_notifications": [f"Choose one of: {', '.join(User.EmailPreference.values)}."]}
        )
    before = actor.email_notifications
    if before != email_notifications:
        actor.email_notifications = email_notifications
        actor.save(update_fields=["email_notifications"])
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            object_type="user",
            object_id=actor.pk,
            changes={"email_notifications": [before, email_notifications]},
        )
    return actor
