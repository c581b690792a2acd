"""Forms of the committee pages. They shape the input; the services validate and save it. The meeting
form is the one a secretary fills in right after a meeting: the number is suggested, the time is now,
every serving member is ticked present, resolutions are a few rows left blank when unused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lakthan.committees.models import Member, Resolution
from lakthan.core.dayfield import DayField, InstantField, set_choices

RESOLUTION_ROWS = 3
DEFAULT_NAME = "คณะกรรมการบริหารและจัดหาระบบคอมพิวเตอร์และสารสนเทศ"


class CommitteeForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"))
    name = forms.CharField(label=_("Committee name"), max_length=255, initial=DEFAULT_NAME)
    duties = forms.CharField(
        label=_("Duties (as the order states them)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    meetings_per_round = forms.IntegerField(
        label=_("Meetings required per round"), min_value=1, max_value=366, initial=2
    )
    order_file = forms.FileField(label=_("Appointing order (file)"), required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=120, required=False)
    order_date = DayField(label=_("Order date"), label_th="วันที่คำสั่ง", label_en="order date", required=False)
    appointed_on = DayField(
        label=_("Appointed on (default: the order's date)"),
        label_th="วันที่แต่งตั้ง",
        label_en="appointed on",
        required=False,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["unit"], [(u.code, f"{u.code} · {u.name_th}") for u in units])

    def clean(self):
        data = super().clean()
        if data.get("order_file") and not (data.get("order_no") or "").strip():
            self.add_error("order_no", _("The order's number is needed with its file."))
        if data.get("order_file") and not data.get("order_date"):
            self.add_error("order_date", _("The order's date is needed with its file."))
        return data


class MemberForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices, initial=Member.Role.MEMBER)
    position = forms.CharField(label=_("Position named in the order"), max_length=255, required=False)
    since = DayField(label=_("Since"), label_th="วันเริ่ม", label_en="since", required=False)
    until = DayField(label=_("Until"), label_th="วันสิ้นสุด", label_en="until", required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["person"], [(str(p.pk), p.display_name) for p in people])


class MeetingForm(forms.Form):
    number = forms.CharField(label=_("Meeting number"), max_length=40)
    held_at = InstantField(
        label=_("Held at (day and time)"), label_th="วันเวลาประชุม", label_en="the meeting's time"
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    minutes_file = forms.FileField(label=_("Minutes (file)"), required=False)
    minutes_no = forms.CharField(label=_("Minutes number"), max_length=120, required=False)
    minutes_date = DayField(
        label=_("Minutes date"), label_th="วันที่รายงานการประชุม", label_en="minutes date", required=False
    )

    def __init__(self, *args, members: list[Member], people, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            self.fields[f"present_{m.pk}"] = forms.BooleanField(
                required=False, initial=True, label=m.person.display_name
            )
            self.fields[f"reason_{m.pk}"] = forms.CharField(
                required=False, max_length=255, label=_("Reason for absence")
            )
        owners = [("", "—"), *((str(p.pk), p.display_name) for p in people)]
        for i in range(1, RESOLUTION_ROWS + 1):
            self.fields[f"res_text_{i}"] = forms.CharField(
                required=False, label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"res_owner_{i}"] = forms.ChoiceField(
                required=False, label=_("Owner"), choices=owners
            )
            self.fields[f"res_due_{i}"] = DayField(
                required=False, label=_("Due"), label_th="กำหนดเสร็จ", label_en="due"
            )

    def attendance_rows(self):
        return [
            {"member": m, "present": self[f"present_{m.pk}"], "reason": self[f"reason_{m.pk}"]}
            for m in self.members
        ]

    def resolution_rows(self):
        return [
            {
                "no": i,
                "text": self[f"res_text_{i}"],
                "owner": self[f"res_owner_{i}"],
                "due": self[f"res_due_{i}"],
            }
            for i in range(1, RESOLUTION_ROWS + 1)
        ]

    def attendance(self) -> tuple[list[Member], dict[Member, str]]:
        present = [m for m in self.members if self.cleaned_data.get(f"present_{m.pk}")]
        absent = {
            m: self.cleaned_data.get(f"reason_{m.pk}", "")
            for m in self.members
            if not self.cleaned_data.get(f"present_{m.pk}")
        }
        return present, absent

    def resolutions(self) -> list[dict]:
        """The rows filled in, numbered 1, 2, … in order."""
        rows = []
        for i in range(1, RESOLUTION_ROWS + 1):
            text = (self.cleaned_data.get(f"res_text_{i}") or "").strip()
            if text:
                owner = self.cleaned_data.get(f"res_owner_{i}") or ""
                rows.append(
                    {
                        "text": text,
                        "owner": int(owner) if owner else None,
                        "due": self.cleaned_data.get(f"res_due_{i}"),
                    }
                )
        return rows


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Resolution.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
