"""What is on now at an edition, for its home page (an app below the programme): asked through
``core.hooks.whats_on``, answered by the programme when it is installed, None otherwise.

    {% load whats_on %}
    {% whats_on edition as on %}   on.running, on.later (``hooks.SessionNow``), on.programme_url
"""

from django import template

from maarid.core import hooks

register = template.Library()


@register.simple_tag
def whats_on(edition) -> hooks.OnNow | None:
    return hooks.whats_on(edition)
