"""E-mail and SMS, queued in the outbox and delivered by a background task.

E-mail goes through Django's e-mail backends; SMS through the class named by
``MAARID_SMS_BACKEND`` (console in the demo, an HTTP gateway in production).
"""

import json
import logging
import sys
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import OutboxMessage

log = logging.getLogger(__name__)


class ConsoleSMSBackend:
    def send(self, to: str, text: str):
        sys.stdout.write(f"SMS to {to}: {text}\n")
        sys.stdout.flush()


class HttpSMSBackend:
    """Posts JSON {to, from, text} to MAARID_SMS_URL with a bearer token (most gateways)."""

    def send(self, to: str, text: str):
        if not settings.MAARID_SMS_URL.startswith(("https://", "http://")):
            raise RuntimeError("MAARID_SMS_URL must be an http(s) address")
        body = json.dumps({"to": to, "from": settings.MAARID_SMS_SENDER, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
            settings.MAARID_SMS_URL,
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.MAARID_SMS_TOKEN}",
            },
        )
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


class LocmemSMSBackend:
    """Keeps messages in memory, for tests."""

    outbox: list = []

    def send(self, to: str, text: str):
        self.outbox.append({"to": to, "text": text})


def sms_backend():
    return import_string(settings.MAARID_SMS_BACKEND)()


def queue(channel, to, body, subject="", language="fr", series_id=None) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        channel=channel,
        to=to,
        subject=subject[:200],
        body=body,
        language=language,
        series_id=series_id,
    )
    deliver.enqueue(message.pk)
    return message


def email(to, subject, body, **kwargs):
    return queue(OutboxMessage.Channel.EMAIL, to, body, subject=subject, **kwargs)


def sms(to, body, **kwargs):
    return queue(OutboxMessage.Channel.SMS, to, body, **kwargs)


@task()
def deliver(message_id: int):
    message = OutboxMessage.objects.get(pk=message_id)
    if message.status == OutboxMessage.Status.SENT:
        return  # a retried task must not send twice
    try:
        if message.channel == OutboxMessage.Channel.EMAIL:
            send_mail(message.subject, message.body, None, [message.to])
        else:
            sms_backend().send(message.to, message.body)
    except Exception as exc:  # a gateway or SMTP failure is recorded, not raised
        log.warning("message %s failed: %s", message.pk, exc)
        message.status, message.error = OutboxMessage.Status.FAILED, str(exc)[:2000]
    else:
        message.status, message.sent_at = OutboxMessage.Status.SENT, timezone.now()
    message.save(update_fields=["status", "error", "sent_at"])
