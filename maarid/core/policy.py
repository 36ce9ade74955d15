"""The Content-Security-Policy header, as django-csp writes it, built once per process for the
responses that keep the site's policy as it is (nearly all of them).

django-csp builds the header from the settings on every response: a tenth of a gate phone's
check-in went into writing the same string again. A response that changes the policy (a
scanner page's ``csp_update``, a served file's own header) or a request that used a nonce
takes django-csp's way; the string is built again when the settings change (tests)."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Attributes django-csp's decorators set on a response that changes its policy.
_CHANGES = (
    "_csp_exempt",
    "_csp_exempt_ro",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class PolicyMiddleware(CSPMiddleware):
    _built: dict[str, str] | None = None

    def _plain(self, request: HttpRequest, response: HttpResponseBase) -> bool:
        """Whether the response keeps the site's policy as it is (and the site excludes no
        address from it)."""
        return not (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or any(hasattr(response, name) for name in _CHANGES)
            or any(
                (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            )
        )

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        built = PolicyMiddleware._built
        if built is None or not self._plain(request, response):
            plain = built is None and self._plain(request, response)
            response = super().process_response(request, response)
            if plain:  # what django-csp writes on such a response, kept
                PolicyMiddleware._built = {
                    name: response[name]
                    for name in (HEADER, HEADER_REPORT_ONLY)
                    if name in response
                }
            return response
        for name, value in built.items():
            response[name] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        PolicyMiddleware._built = None
