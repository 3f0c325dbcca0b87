"""The analytics dashboard's filters, checked at the edge: every choice must be one of those offered."""

from django import forms
from django.utils import timezone

from mast.access.models import Agency
from mast.analytics.facts import window
from mast.analytics.filters import Filters, month_label, next_month
from mast.canonical import CATEGORIES

EVERY = ("", "All")


def _months() -> list:
    first, last = window(timezone.localdate())
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


class FiltersForm(forms.Form):
    first = forms.ChoiceField(label="From", required=False)
    last = forms.ChoiceField(label="To", required=False)
    agency = forms.ChoiceField(label="Agency", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    area = forms.ChoiceField(label="Area (postcode district)", required=False)
    age_band = forms.ChoiceField(label="Age band", required=False)
    sex = forms.ChoiceField(label="Sex", required=False)

    def __init__(self, data, *, areas: list[str], age_bands: list[str], sexes: list[str]):
        super().__init__(data)
        self.months = _months()
        months = [(m.strftime("%Y-%m"), month_label(m)) for m in self.months]
        self.fields["first"].choices = months
        self.fields["last"].choices = months
        agencies = Agency.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        self.fields["agency"].choices = [EVERY, *((str(pk), name) for pk, name in agencies)]
        self.fields["category"].choices = [EVERY, *CATEGORIES.items()]
        self.fields["area"].choices = [EVERY, *((a, a) for a in areas)]
        self.fields["age_band"].choices = [EVERY, *((a, a) for a in age_bands)]
        self.fields["sex"].choices = [EVERY, *((s, s.capitalize()) for s in sexes)]
        for name, default in (("first", months[-12][0]), ("last", months[-1][0])):
            self.fields[name].initial = default

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            self.add_error("last", "The last month must be the same as or after the first month")
        return data

    def filters(self) -> Filters:
        """The filters chosen, or the last 12 months of everything when the form is empty or wrong."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        by_key = {m.strftime("%Y-%m"): m for m in self.months}
        return Filters(
            first_month=by_key.get(data.get("first") or "", self.months[-12]),
            last_month=by_key.get(data.get("last") or "", self.months[-1]),
            agency_id=int(data["agency"]) if data.get("agency") else None,
            category=data.get("category", ""),
            district=data.get("area", ""),
            age_band=data.get("age_band", ""),
            sex=data.get("sex", ""),
        )

    def query(self) -> str:
        """The filters as a query string, for the CSV links and the other sections."""
        return self.data.urlencode() if self.is_bound and self.is_valid() else ""
