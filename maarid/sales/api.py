"""The point of sale's API: what the sales app on a phone calls, and the turnover figures.

A device signs with its device token (``Authorization: Bearer mrd_…``, shown as a QR code when
the exhibitor registers the phone); that token opens the device endpoints and nothing else.
Money travels as decimal strings (``"125.50"``), never as JSON numbers; the server recomputes
every total. Sales carry a UUID made on the device: sending one again (from any phone of the
stand) answers ``200`` with ``"created": false`` and what the server already had.
"""

import datetime
import uuid as uuidlib
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import (
    AfterValidator,
    AwareDatetime,
    StrictBool,
    StrictInt,
    StringConstraints,
    create_model,
)

from maarid.api.api import AUTH, DEVICE_AUTH, InputSchema
from maarid.api.schemas import FIRST_DAY, LAST_DAY, Day, Error, FieldErrors, Id
from maarid.core.params import MAX_INT
from maarid.core.services import absolute_url
from maarid.fairs.selectors import with_edition
from maarid.floorplan import selectors as floorplan_selectors

from . import selectors, services
from .models import Payment, Sale

router = Router(tags=["sales"], auth=AUTH)

# Amounts are strings with at most two decimals: a JSON number would go through a float.
Money = Annotated[str, StringConstraints(pattern=r"^\d{1,9}(\.\d{1,2})?$")]


class OutOfStockError(Schema):
    detail: str
    product: int
    left: int


# --- The device ---------------------------------------------------------------------------


class SaleProductOut(Schema):
    id: int
    name_ar: str
    name_fr: str
    price: Decimal | None
    unit: str
    left: int | None = Field(None, description="units left at this edition; null: not counted")


class PaymentOut(Schema):
    code: str
    label: str


class DeviceOut(Schema):
    device: int
    name: str
    exhibitor: int
    organisation: str
    edition: str
    booth: str = Field("", description="the number of the exhibitor's booth; empty: none yet")
    last_sequence: int = Field(description="the highest receipt sequence the server has seen")
    products: list[SaleProductOut]
    payments: list[PaymentOut]


@router.get(
    "/device",
    response={200: DeviceOut, 403: Error},
    auth=DEVICE_AUTH,
    summary="The signed-in device, its catalogue",
)
def device_info(request):
    """What the sales app needs to sell offline: the exhibitor's products with price and stock
    left, the payment methods, and where its receipt numbering stands."""
    device = selectors.device_for(request.user)
    return {
        "device": device.number,
        "name": device.name,
        "exhibitor": device.exhibitor_id,
        "organisation": device.exhibitor.organisation.name,
        "edition": device.exhibitor.edition.name,
        "booth": floorplan_selectors.booth_number_of(device.exhibitor),
        "last_sequence": selectors.last_sequence(device),
        "products": selectors.catalogue_for(device.exhibitor),
        "payments": [{"code": p.value, "label": str(p.label)} for p in Payment],
    }


# --- Sales --------------------------------------------------------------------------------


class LineIn(InputSchema):
    product: StrictInt | None = Field(
        None, ge=1, le=MAX_INT, description="a product of the exhibitor's catalogue"
    )
    label: str = Field("", max_length=150, description="what a free amount is for")
    quantity: StrictInt
    unit_price: Money


def _storable(clock: datetime.datetime) -> datetime.datetime | None:
    """A phone whose clock says year 1 or 9999 still sells: that clock, which no database
    column can hold (a 500), is recorded as unknown, as the server treats any wrong clock."""
    return clock if FIRST_DAY <= clock.date() <= LAST_DAY else None


DeviceClock = Annotated[AwareDatetime, AfterValidator(_storable)]


class SaleIn(InputSchema):
    uuid: uuidlib.UUID = Field(description="made on the device; a sale is recorded once")
    sequence: StrictInt = Field(description="the device's receipt counter")
    payment: str = Field(max_length=10, description="cash, card, mobile or transfer")
    lines: list[LineIn] = Field(max_length=services.MAX_LINES)
    discount: Money = "0"
    total: Money | None = Field(None, description="the device's total, checked by the server")
    buyer_phone: str = Field("", max_length=30)
    language: str = Field("fr", max_length=2, description="of the receipt: ar, fr or en")
    offline: StrictBool = Field(False, description="made while the device had no network")
    device_clock: DeviceClock | None = Field(None, description="the device's time of sale")


class BatchIn(InputSchema):
    sales: list[SaleIn] = Field(max_length=services.MAX_BATCH)


class SaleOut(Schema):
    uuid: uuidlib.UUID
    number: str
    kind: str
    total: Decimal
    oversold: bool
    created: bool = Field(description="false: the server already had this sale")
    sold_at: datetime.datetime
    receipt: str


class BatchOut(Schema):
    results: list[SaleOut]


def _sale_in(payload: SaleIn) -> services.SaleIn:
    return services.SaleIn(
        uuid=payload.uuid,
        sequence=payload.sequence,
        payment=payload.payment,
        lines=[
            services.LineIn(
                quantity=line.quantity,
                unit_price=Decimal(line.unit_price),
                product_id=line.product,
                label=line.label,
            )
            for line in payload.lines
        ],
        discount=Decimal(payload.discount),
        total=Decimal(payload.total) if payload.total is not None else None,
        buyer_phone=payload.buyer_phone,
        language=payload.language,
        offline=payload.offline,
        device_clock=payload.device_clock,
    )


def _out(sale: Sale, created: bool) -> dict:
    return {
        "uuid": sale.uuid,
        "number": sale.number,
        "kind": sale.kind,
        "total": sale.total,
        "oversold": sale.oversold,
        "created": created,
        "sold_at": sale.sold_at,
        "receipt": absolute_url(services.receipt_path(sale)),
    }


@router.post(
    "/sales",
    response={200: SaleOut, 201: SaleOut, 403: Error, 409: OutOfStockError, 422: FieldErrors},
    auth=DEVICE_AUTH,
    summary="Record one sale",
)
def create_sale(request, payload: SaleIn):
    """Records a sale made now. When the stock left does not cover it the answer is ``409``
    and nothing is recorded; a sale marked ``offline`` is accepted and flagged instead."""
    device = selectors.device_for(request.user)
    try:
        recorded = services.record_sale(actor=request.user, device=device, sale=_sale_in(payload))
    except services.OutOfStock as refusal:
        return Status(
            409, {"detail": str(refusal), "product": refusal.product.pk, "left": refusal.left}
        )
    return Status(201 if recorded.created else 200, _out(recorded.sale, recorded.created))


@router.post(
    "/sync",
    response={200: BatchOut, 403: Error, 422: FieldErrors},
    auth=DEVICE_AUTH,
    summary="Send the queued sales",
)
def sync(request, payload: BatchIn):
    """Records the sales a device queued while offline, in one go (at most 200). Each result
    says whether the server already had the sale. If any sale is invalid, none is recorded."""
    device = selectors.device_for(request.user)
    recorded = services.sync(
        actor=request.user, device=device, sales=[_sale_in(s) for s in payload.sales]
    )
    return {"results": [_out(r.sale, r.created) for r in recorded]}


# --- Corrections --------------------------------------------------------------------------


class VoidIn(InputSchema):
    uuid: uuidlib.UUID = Field(description="made on the device for this correction")
    reason: str = Field(max_length=200)


class ReturnedLine(InputSchema):
    line: StrictInt = Field(ge=1, le=MAX_INT)
    quantity: StrictInt


class RefundIn(VoidIn):
    lines: list[ReturnedLine] = Field(max_length=services.MAX_LINES)


@router.post(
    "/sales/{uuid}/void",
    response={201: SaleOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=DEVICE_AUTH,
)
def void_sale(request, uuid: uuidlib.UUID, payload: VoidIn):
    """Cancels what is left of a sale of the exhibitor: a new entry with the reason."""
    device = selectors.device_for(request.user)
    entry = services.void(
        actor=request.user,
        sale=selectors.own_sale(device, uuid),
        reason=payload.reason,
        uuid=payload.uuid,
    )
    return Status(201, _out(entry, True))


@router.post(
    "/sales/{uuid}/refund",
    response={201: SaleOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=DEVICE_AUTH,
)
def refund_sale(request, uuid: uuidlib.UUID, payload: RefundIn):
    """Takes back some lines of a sale (``line`` is the line's id in the receipt)."""
    device = selectors.device_for(request.user)
    returned: dict[int, int] = {}
    for item in payload.lines:
        returned[item.line] = returned.get(item.line, 0) + item.quantity
    entry = services.refund(
        actor=request.user,
        sale=selectors.own_sale(device, uuid),
        returned=returned,
        reason=payload.reason,
        uuid=payload.uuid,
    )
    return Status(201, _out(entry, True))


# --- Receipts -----------------------------------------------------------------------------


class ReceiptLineOut(Schema):
    id: int
    label: str
    quantity: int
    unit_price: Decimal
    total: Decimal


class ReceiptOut(Schema):
    number: str
    kind: str
    exhibitor: str
    edition: str
    sold_at: datetime.datetime
    payment: str
    subtotal: Decimal
    discount: Decimal
    total: Decimal
    lines: list[ReceiptLineOut]
    url: str
    pdf: str


@router.get(
    "/receipts/{key}", response={200: ReceiptOut, 404: Error}, auth=None, summary="A receipt"
)
def receipt(request, key: str):
    """A receipt, for whoever has its link (the key in the link is unguessable)."""
    sale = selectors.sale_by_receipt(key)
    url = absolute_url(services.receipt_path(sale))
    return {
        "number": sale.number,
        "kind": sale.kind,
        "exhibitor": sale.exhibitor.organisation.name,
        "edition": sale.edition.name,
        "sold_at": sale.sold_at,
        "payment": sale.payment,
        "subtotal": sale.subtotal,
        "discount": sale.discount,
        "total": sale.total,
        "lines": selectors.lines_of(sale),
        "url": url,
        "pdf": url + "pdf/",
    }


# --- Figures ------------------------------------------------------------------------------


class Slice(Schema):
    key: str
    label: str
    total: Decimal
    sales: int


# The fields of selectors.Turnover: the totals, then each way of slicing them.
_slicings: dict[str, Any] = dict.fromkeys(selectors.SLICINGS, (list[Slice], ...))
TurnoverOut = create_model(
    "TurnoverOut",
    __base__=Schema,
    total=(Decimal, ...),
    sales=(int, ...),
    average_basket=(Decimal, ...),
    offline_total=(Decimal, ...),
    offline_sales=(int, ...),
    **_slicings,
)


@router.get(
    "/editions/{series}/{number}/turnover",
    response={200: TurnoverOut, 403: Error, 404: Error},
    summary="An edition's turnover",
)
@with_edition(need="organise")
def turnover(request, series: str, number: int):
    """The edition's turnover from the ledger, for its organisers."""
    return selectors.turnover(request.edition)


class DayOut(Schema):
    day: datetime.date
    total: Decimal
    cash: Decimal
    sales: int
    corrections: int
    by_payment: list[Slice]
    expected_cash: Decimal | None
    counted_cash: Decimal | None


def _day_out(summary: selectors.DaySummary) -> dict:
    return {
        "day": summary.day,
        "total": summary.total,
        "cash": summary.cash,
        "sales": summary.sales,
        "corrections": summary.corrections,
        "by_payment": [
            {"key": p.value, "label": str(p.label), "total": t, "sales": 0}
            for p, t in summary.by_payment
        ],
        "expected_cash": summary.close.expected_cash if summary.close else None,
        "counted_cash": summary.close.counted_cash if summary.close else None,
    }


@router.get(
    "/exhibitors/{exhibitor_id}/days/{day}",
    response={200: DayOut, 404: Error},
    summary="An exhibitor's day",
)
def exhibitor_day(request, exhibitor_id: Id, day: Day):
    """An exhibitor's sales of one day by payment method, with the cash count if done."""
    exhibitor = selectors.exhibitor_by_id(request.user, exhibitor_id)
    return _day_out(selectors.day_summary(exhibitor, day))


@router.get(
    "/device/today",
    response={200: DayOut, 403: Error},
    auth=DEVICE_AUTH,
    summary="The device's stand, today",
)
def device_today(request):
    """The stand's sales so far today, from every device of the stand. "Today" is the fair's
    day as the server counts it (Casablanca's), never the phone's: at 23:30 UTC it is already
    tomorrow in Tétouan."""
    device = selectors.device_for(request.user)
    return _day_out(selectors.day_summary(device.exhibitor, timezone.localdate()))
