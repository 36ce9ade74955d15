"""The call for exhibitors over JSON: the same operations as the pages, through the selectors
and services. One router, mounted by ``maarid/urls.py``, gathers the areas:

- ``api_calls``: the call of an edition and its exhibitors;
- ``api_applications``: applications, their products and documents;
- ``api_reviews``: reviewers' marks, and the organisers' assignment and progress;
- ``api_selection``: the selection, overrides and the publication of the decisions.

Edition-wide operations live under ``/editions/{series}/{number}/…``; an application, a review
and what hangs from them are addressed by their id. What a caller may see follows
``core.access``: an application is shown to its organisation's members, to the reviewers
assigned to it and to the series' organisers, and is a 404 for anyone else. Applicants never
receive scores, ranks or reviews, and read their decision only once it is published
(``selectors.visible_decision``). Money is a decimal string (``"125.50"``).
"""

from ninja import Router

from . import api_applications, api_calls, api_reviews, api_selection

router = Router(tags=["exhibitors"])
for area in (api_calls, api_applications, api_reviews, api_selection):
    router.add_router("", area.router)
