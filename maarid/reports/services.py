"""Writes of the reports app: freezing an edition's closing report."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maarid.core import access
from maarid.core.models import User
from maarid.fairs.models import Edition

from . import selectors
from .models import ClosingReport


def freeze(*, actor: User | None, edition: Edition) -> ClosingReport:
    """Freezes the edition's report as its figures stand now, as a new version.

    Called when an organiser closes the edition (``hooks.edition_moved``), and by the report's
    page for an edition found closed with no frozen report (closed before reports existed, or
    loaded closed): ``actor`` is then None. A version made at the same moment by another
    request is taken as it is, not doubled."""
    if actor is not None:
        access.require_organiser(actor, edition.series_id)
    if edition.status != Edition.Status.CLOSED:
        raise ValidationError(_("A report is frozen when its edition closes."))
    figures = selectors.compute(edition)
    version = selectors.last_version(edition) + 1
    try:
        with transaction.atomic():
            return ClosingReport.objects.create(
                edition=edition, version=version, figures=figures, frozen_by=actor
            )
    except IntegrityError:
        found = selectors.frozen(edition)
        if found is None:
            raise
        return found


def freeze_apart(*, actor: User, edition: Edition) -> ClosingReport:
    """``freeze`` in a savepoint of its own: when it fails, whatever transaction the closing
    runs in goes on unharmed."""
    with transaction.atomic():
        return freeze(actor=actor, edition=edition)


def frozen_or_freeze(edition: Edition) -> tuple[ClosingReport | None, bool]:
    """The frozen report of a closed edition, frozen now if it has none (then True: its
    figures are those of this moment, with nothing to correct yet); None while the edition is
    not closed."""
    report = selectors.frozen(edition)
    if report is not None or edition.status != Edition.Status.CLOSED:
        return report, False
    return freeze(actor=None, edition=edition), True
