"""The programme's forms: they shape input; the rules live in ``services``. Choices come from
the selectors."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.fairs.models import Edition

from . import selectors
from .models import Language, Session


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    title_ar = forms.CharField(label=_("Title in Arabic"), max_length=200, required=False)
    title_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    description_ar = forms.CharField(
        label=_("Description in Arabic"), max_length=3000, required=False, widget=forms.Textarea
    )
    description_fr = forms.CharField(
        label=_("Description in French"), max_length=3000, required=False, widget=forms.Textarea
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    room = forms.TypedChoiceField(label=_("Room"), coerce=int)
    track = forms.TypedChoiceField(label=_("Track"), coerce=int, required=False, empty_value=None)
    speakers = forms.TypedMultipleChoiceField(
        label=_("Speakers"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Empty: the room's seats."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms = {r.pk: r for r in selectors.rooms_of(edition)}
        self.tracks = {t.pk: t for t in selectors.tracks_of(edition)}
        self.speaker_rows = {s.pk: s for s in selectors.speakers_of(edition)}
        choices: dict[str, list[tuple[object, str]]] = {
            "room": [(pk, str(r)) for pk, r in self.rooms.items()],
            "track": [("", "—")] + [(pk, str(t)) for pk, t in self.tracks.items()],
            "speakers": [(pk, str(s)) for pk, s in self.speaker_rows.items()],
        }
        for name, values in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = values

    @staticmethod
    def initial_for(session: Session) -> dict:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "kind": session.kind,
            "title_ar": session.title_ar,
            "title_fr": session.title_fr,
            "description_ar": session.description_ar,
            "description_fr": session.description_fr,
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "room": session.room_id,
            "track": session.track_id,
            "speakers": [s.pk for s in session.speakers.all()],
            "capacity": session.capacity,
            "language": session.language,
            "published": session.published,
        }

    def service_fields(self) -> tuple[dict, list]:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        fields = {
            "kind": data["kind"],
            "title_ar": data["title_ar"],
            "title_fr": data["title_fr"],
            "description_ar": data["description_ar"],
            "description_fr": data["description_fr"],
            "room": self.rooms[data["room"]],
            "track": self.tracks.get(data["track"]) if data["track"] else None,
            "capacity": data["capacity"],
            "language": data["language"],
            "starts_at": datetime.datetime.combine(data["day"], data["start"], tzinfo=zone),
            "ends_at": datetime.datetime.combine(data["day"], data["end"], tzinfo=zone),
            "published": data["published"],
        }
        return fields, [self.speaker_rows[pk] for pk in data["speakers"]]


class RoomForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100_000)


class TrackForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, required=False)


class SpeakerForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=150, required=False)
    name_fr = forms.CharField(label=_("Name in Latin letters"), max_length=150, required=False)
    affiliation_ar = forms.CharField(
        label=_("Organisation in Arabic"), max_length=200, required=False
    )
    affiliation_fr = forms.CharField(
        label=_("Organisation in French"), max_length=200, required=False
    )
    bio_ar = forms.CharField(
        label=_("Short bio in Arabic"), max_length=800, required=False, widget=forms.Textarea
    )
    bio_fr = forms.CharField(
        label=_("Short bio in French"), max_length=800, required=False, widget=forms.Textarea
    )
    photo = forms.FileField(label=_("Photo"), required=False)


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea)
    include_waiting = forms.BooleanField(label=_("Also those on the waiting list"), required=False)


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    past_capacity = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DoorPhoneForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the phone"),
        max_length=60,
        help_text=_("For example: Tent A door, Amina's phone."),
    )
