"""The shared kernel's models: users, API tokens and the audit trail."""

import hashlib
import secrets
import time
import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MaaridUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person. Signs in with an e-mail address or a Moroccan mobile number.

    The username is kept (Django's admin and the demo use it) but people never need to type it.
    """

    # Null, not "", when absent: unique, and a person may sign up with a number only.
    email = models.EmailField(  # type: ignore[assignment]
        _("e-mail address"), blank=True, null=True, unique=True
    )
    phone = models.CharField(
        _("mobile number"),
        max_length=16,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Moroccan mobile number, stored as +212…"),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    # Law 09-08: consent to the processing notice, and separately to public contact details.
    consent_at = models.DateTimeField(_("accepted the data notice on"), null=True, blank=True)
    show_contact_publicly = models.BooleanField(
        _("show my contact details publicly"), default=False
    )
    erased_at = models.DateTimeField(_("personal data erased on"), null=True, blank=True)

    objects: ClassVar[MaaridUserManager] = MaaridUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email or self.phone or self.username

    @property
    def display_name(self):
        return str(self)


class ApiToken(models.Model):
    """A bearer token for a user or one of their devices. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    device = models.BooleanField(_("device token"), default=False)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, device: bool = False) -> tuple["ApiToken", str]:
        """Creates a token and returns it with its secret, which is shown only once."""
        raw = "mrd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, device=device, prefix=raw[4:12], digest=cls.hash(raw)
        )
        return token, raw


class AuditEvent(models.Model):
    """One change by a user to shared data: who, when, what, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        ERASE = "erase", _("erased")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100, db_index=True)  # "registry.organisation"
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)  # {field: [before, after]}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "-at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"


class OutboxMessage(models.Model):
    """An e-mail or SMS on its way out. Sent by a background task; kept for the outbox view."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    language = models.CharField(max_length=5, default="fr")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    series_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("outbox")

    def __str__(self):
        return f"{self.channel} → {self.to}: {self.subject or self.body[:40]}"


class Job(models.Model):
    """A long piece of work running as a background task, with the progress its page shows.

    Created by ``maarid.core.jobs.start``; the task moves it along with ``jobs.running``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("in progress")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=50, db_index=True)  # "registry.import.preview"
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    series_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # The messages are written in this language (the one the user was reading when it started).
    language = models.CharField(max_length=5, default="fr")
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.CharField(max_length=300, blank=True)  # for the user, already translated
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)  # for the staff: what went wrong, from the log
    task_id = models.CharField(max_length=64, blank=True)  # the tasks backend's id
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker's last sign of life while running: a job whose worker was killed would
    # otherwise stay "in progress" for ever (see jobs.get_for).
    alive_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.kind} {self.get_status_display()} {self.progress}%"

    def get_absolute_url(self):
        return reverse("core:job", args=[self.pk])

    @property
    def active(self) -> bool:
        """Still waiting or running: its page keeps polling."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def report(self, progress, message=None):
        """Saves the progress (0-100) and, if given, a new message, with one cheap UPDATE.
        Calls closer than a quarter of a second apart are skipped unless the message changes."""
        progress = max(0, min(100, int(progress)))
        now = time.monotonic()
        changed = message is not None and message != self.message
        if not changed and (
            progress == self.progress or now - getattr(self, "_reported_at", 0) < 0.25
        ):
            return
        self.progress, self._reported_at = progress, now
        fields = {"progress": progress, "alive_at": timezone.now()}
        if message is not None:
            self.message = fields["message"] = str(message)[:300]
        Job.objects.filter(pk=self.pk).update(**fields)


# --- Certificates ------------------------------------------------------------------------------


class Certificate(models.Model):
    """A certificate given to a person (participation, speaker, appreciation, award), which
    anyone can check at ``/<lang>/verify/<code>/`` from the QR code printed on it.

    What it shows is kept on the row as it was issued (the holder's name in Arabic and Latin
    letters, its title and lines in Arabic and French, the issuer's identity as data: core
    imports no app), so a certificate printed again years later reads the same. It is never
    edited nor deleted: a corrected name makes a new version (``replaced_by``) and the old
    code then says it was replaced; a certificate withdrawn is revoked with the date and reason.

    ``group`` names the batch's scope in the app that issues it (``programme:<edition pk>``),
    ``subject`` what it is given for there (``attendee:<registration pk>``): one certificate in
    force per group, kind and subject, so a batch made twice issues nothing twice.
    """

    code = models.CharField(_("verification code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=50, db_index=True)  # "programme.speaker"
    series_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    group = models.CharField(max_length=60, db_index=True)
    subject = models.CharField(max_length=80)
    holder_name_ar = models.CharField(_("name in Arabic letters"), max_length=200, blank=True)
    holder_name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    title_ar = models.CharField(_("title in Arabic"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    # [{"ar": "…", "fr": "…"}, …]: what it is given for, line by line.
    lines = models.JSONField(default=list, blank=True)
    # {"name_ar", "name_fr", "place_ar", "place_fr", "logo", "partners": [{"name_ar",
    # "name_fr", "logo"}]}; logos are storage names of uploaded images.
    issuer = models.JSONField(default=dict, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )
    issued_at = models.DateTimeField(_("issued on"), default=timezone.now)
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason"), max_length=300, blank=True)
    replaced_at = models.DateTimeField(_("replaced on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        ordering = ["group", "kind", "holder_name_latin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind", "subject"],
                condition=models.Q(revoked_at__isnull=True, replaced_at__isnull=True),
                name="one_certificate_in_force",
            )
        ]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return f"{self.title_fr}: {self.holder_name_latin or self.holder_name_ar} ({self.code})"

    def get_absolute_url(self):
        return reverse("core:verify", args=[self.display_code])

    @property
    def in_force(self) -> bool:
        return self.revoked_at is None and self.replaced_at is None

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed and typed: ``K7QM-X3PA-9HTR-WDZE``."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def access_scope(self):
        from .access import Scope

        return Scope(series_ids=frozenset({self.series_id}) if self.series_id else frozenset())
