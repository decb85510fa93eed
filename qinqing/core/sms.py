"""The SMS edge: one interface, a console adapter for development and an HTTP adapter
for a provider's gateway. Callers use send_sms(); the backend comes from settings."""

import json
import logging
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from qinqing.lib.masking import mask_phone

logger = logging.getLogger("qinqing.sms")


@dataclass(frozen=True)
class SmsResult:
    accepted: bool
    provider_id: str = ""
    error: str = ""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> SmsResult: ...


class ConsoleSmsBackend:
    """Development adapter: writes the message to the log instead of sending it."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> SmsResult:
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        self.sent.append((phone, text))
        return SmsResult(accepted=True, provider_id=f"console-{len(self.sent)}")


class HttpGatewaySmsBackend:
    """Adapter for a provider (or a government SMS platform) that takes JSON over HTTP:
    POST {"phone": ..., "text": ...} with an API key, answering {"id": ...}."""

    def __init__(self, url: str | None = None, key: str | None = None, timeout: float = 5.0):
        self.url = url or settings.SMS_GATEWAY_URL
        self.key = key or settings.SMS_GATEWAY_KEY
        self.timeout = timeout

    def send(self, phone: str, text: str) -> SmsResult:
        body = json.dumps({"phone": phone, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's own setting)
            self.url,
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:
            logger.warning("SMS gateway failed for %s: %s", mask_phone(phone), exc)
            return SmsResult(accepted=False, error=str(exc))
        return SmsResult(accepted=True, provider_id=str(answer.get("id", "")))


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_sms(phone: str, text: str) -> SmsResult:
    return get_sms_backend().send(phone, text)
