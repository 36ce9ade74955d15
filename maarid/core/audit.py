"""The audit trail: every create, change and delete of registered models by a user.

Models opt in with ``audit.register(Model)``. The acting user comes from the request (set by
``AuditMiddleware``) or from ``acting_as(user)`` in tasks and commands; changes made with no
acting user (migrations, the demo loader) are not recorded.
"""

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import FileField
from django.db.models.signals import post_delete, post_init, post_save

# The actor: a user, or a function giving the request's user when a change is made.
_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("maarid_audit_actor", default=None)
_registry: dict[type, tuple[str, ...]] = {}
_files: dict[type, frozenset[str]] = {}  # the registered models' file fields
# Why the changes being made are made, when the person said (kept with each of them).
_reason: contextvars.ContextVar[str] = contextvars.ContextVar("maarid_audit_reason", default="")


def current_actor():
    actor = _actor.get()
    if callable(actor):  # the request's user, read when the change is made
        user = actor()
        return user if user is not None and user.is_authenticated else None
    return actor


@contextmanager
def acting_as(user):
    token = _actor.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def because(reason: str) -> Iterator[None]:
    """The changes made inside are recorded with the reason the person gave for them."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user is read at each change, not now: an API token is only checked later, in
        # the view, and its user must be the actor of what the request changes.
        token = _actor.set(lambda: getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _plain(value):
    """A JSON-safe form of a field value."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return value


def _snapshot(instance, skip=()) -> dict:
    return {
        name: _plain(getattr(instance, name, None))
        for name in _registry[type(instance)]
        if name not in skip
    }


def register(model, exclude: tuple[str, ...] = ()):
    # Timestamps that change on every save (auto_now) would make every save look like a change.
    fields = tuple(
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in exclude and not f.primary_key and not getattr(f, "auto_now", False)
    )
    _registry[model] = fields
    _files[model] = frozenset(
        f.attname for f in model._meta.concrete_fields if isinstance(f, FileField)
    )
    uid = f"audit-{model._meta.label_lower}"
    post_init.connect(_remember, sender=model, dispatch_uid=uid + "-init", weak=False)
    post_save.connect(_saved, sender=model, dispatch_uid=uid + "-save", weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid + "-delete", weak=False)
    return model


def record(action, instance, changes=None, user=None):
    from .models import AuditEvent

    actor = user or current_actor()
    if actor is None:
        return None
    if reason := _reason.get():
        changes = {**(changes or {}), "reason": [None, reason]}
    return AuditEvent.objects.create(
        user=actor,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes or {},
    )


def _remember(sender, instance, **kwargs):
    """What a row held when it was loaded: a copy of the instance's attributes, read only if
    it is saved (:func:`_before`). Every loaded row of a registered model passes here (a
    search page loads dozens it will never save): copying is all it costs. Deferred fields are
    not in the attributes, hence left out (reading them would cost a query each)."""
    instance._audit_before = instance.__dict__.copy() if instance.pk else {}


def _before(instance) -> dict:
    """The snapshot (:func:`_snapshot`'s form) of the values :func:`_remember` kept."""
    kept = getattr(instance, "_audit_before", {})
    files = _files[type(instance)]
    before = {}
    for name in _registry[type(instance)]:
        if name in kept:
            value = kept[name]
            if name in files:  # as the field's descriptor shows it: a FieldFile, or None
                value = getattr(value, "name", value) or None
            before[name] = _plain(value)
    return before


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = _snapshot(instance)
    before = {} if created else _before(instance)
    if created:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", False)}
        record("create", instance, changes)
    else:
        changes = {
            k: [before.get(k), v] for k, v in after.items() if k in before and before[k] != v
        }
        if changes:
            record("update", instance, changes)
    instance._audit_before = {
        name: instance.__dict__[name] for name in after if name in instance.__dict__
    }


def _deleted(sender, instance, **kwargs):
    record("delete", instance, {k: [v, None] for k, v in _snapshot(instance).items()})


def history(instance):
    from .models import AuditEvent

    return AuditEvent.objects.filter(
        model=instance._meta.label_lower, object_id=str(instance.pk)
    ).select_related("user")
