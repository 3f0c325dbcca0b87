"""The sharing agreement's versions: an IG officer drafts, changes and sends one; each partner's nominated
approver approves or rejects it; anyone with the role reads earlier versions and compares two. The rules are
mast.governance.lifecycle's; these views only carry forms to it and show what it says."""

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mast.access.models import Agency
from mast.gate.policy import Action
from mast.governance import lifecycle, mais
from mast.governance.diff import changes
from mast.governance.lifecycle import AgreementError
from mast.governance.models import AgreementPartner, Purpose, SharingAgreement
from mast.governance.services import current_agreement, fields_by_group, purpose_terms
from mast.web.forms.governance import DecisionForm, DetailsForm, PartnerForm
from mast.web.permissions import requires
from mast.wording import possessive


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _as_typed(value):
    """A date as a date input holds it (YYYY-MM-DD), whatever the site's display format; else as it is."""
    return value.isoformat() if isinstance(value, date) else value


def _number(value: str | None) -> int:
    """A version's id from the query string; 0 (no such version) for anything that is not one."""
    return int(value) if value and value.isdigit() and len(value) < 12 else 0


def _show_problems(request: HttpRequest, error: AgreementError) -> None:
    for problem in error.problems:
        messages.error(request, problem)


@requires(Action.MANAGE_AGREEMENT)
def versions(request: HttpRequest) -> HttpResponse:
    in_force = current_agreement()
    rows = SharingAgreement.objects.order_by("-start_date", "-pk")
    waiting = [
        entry.agreement
        for entry in AgreementPartner.objects.filter(
            approver=request.user,
            decision=AgreementPartner.Decision.PENDING,
            agreement__status=SharingAgreement.Status.AWAITING,
        ).select_related("agreement")
    ]
    context = {"versions": rows, "in_force": in_force, "open": lifecycle.open_version(), "waiting": waiting}
    return render(request, "web/governance/versions.html", context)


@requires(Action.MANAGE_AGREEMENT)
@require_POST
def draft(request: HttpRequest) -> HttpResponse:
    try:
        version = lifecycle.start_draft(request.user, ip_address=_ip(request))
    except AgreementError as error:
        _show_problems(request, error)
        return redirect("web:agreement-versions")
    messages.success(
        request, f"Version {version.version} is a new draft, copied from the latest approved one."
    )
    return redirect("web:agreement-version", pk=version.pk)


def _partners(version: SharingAgreement) -> list[dict]:
    return [
        {"entry": entry, "shares": fields_by_group(entry.fields_shared)}
        for entry in version.partners.select_related("agency", "approver", "decided_by").order_by(
            "agency__name"
        )
    ]


@requires(Action.MANAGE_AGREEMENT)
def version(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(SharingAgreement, pk=pk)
    editable = shown.status == SharingAgreement.Status.DRAFT
    party_ids = shown.partners.values_list("agency_id", flat=True)
    mine = lifecycle.entry_for_approver(shown, request.user)
    context = {
        "version": shown,
        "in_force": current_agreement(),
        "editable": editable,
        "problems": lifecycle.problems(shown) if editable else [],
        "purposes": purpose_terms(shown),
        "partners": _partners(shown),
        "others": Agency.objects.filter(is_active=True).exclude(pk__in=party_ids).order_by("name"),
        "my_entry": mine,
        "may_decide": mine is not None
        and shown.status == SharingAgreement.Status.AWAITING
        and mine.decision == AgreementPartner.Decision.PENDING,
        "other_versions": SharingAgreement.objects.exclude(pk=shown.pk).order_by("-start_date", "-pk"),
    }
    return render(request, "web/governance/version.html", context)


def _draft_or_back(request: HttpRequest, pk: int) -> SharingAgreement | HttpResponse:
    shown = get_object_or_404(SharingAgreement, pk=pk)
    if shown.status != SharingAgreement.Status.DRAFT:
        messages.error(
            request,
            f"Version {shown.version} is {shown.get_status_display().lower()}: only a draft can be changed.",
        )
        return redirect("web:agreement-version", pk=shown.pk)
    return shown


@requires(Action.MANAGE_AGREEMENT)
def details(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _draft_or_back(request, pk)
    if isinstance(shown, HttpResponse):
        return shown
    initial = {name: _as_typed(getattr(shown, name)) for name in lifecycle.DETAIL_FIELDS}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.change_details(shown, request.user, form.cleaned_data, ip_address=_ip(request))
        except AgreementError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, "The agreement's terms are saved.")
            return redirect("web:agreement-version", pk=shown.pk)
    return render(request, "web/governance/details_form.html", {"form": form, "version": shown})


@requires(Action.MANAGE_AGREEMENT)
def partner(request: HttpRequest, pk: int, agency_pk: int) -> HttpResponse:
    shown = _draft_or_back(request, pk)
    if isinstance(shown, HttpResponse):
        return shown
    agency = get_object_or_404(Agency, pk=agency_pk)
    entry = AgreementPartner.objects.filter(agreement=shown, agency=agency).first()
    initial = (
        {
            "role": entry.role,
            "fields_shared": entry.fields_shared,
            "approver": entry.approver_id,
            "participation_ends": _as_typed(entry.participation_ends),
        }
        if entry
        else {"role": AgreementPartner.Role.USER}
    )
    form = PartnerForm(request.POST or None, initial=initial, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lifecycle.set_partner(
                shown,
                request.user,
                agency,
                role=data["role"],
                fields_shared=data["fields_shared"],
                approver=data["approver"],
                participation_ends=data["participation_ends"],
                ip_address=_ip(request),
            )
        except AgreementError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, f"{possessive(agency.name)} part in the agreement is saved.")
            return redirect("web:agreement-version", pk=shown.pk)
    context = {
        "form": form,
        "version": shown,
        "agency": agency,
        "has_approvers": form.fields["approver"].queryset.exists(),
    }
    return render(request, "web/governance/partner_form.html", context)


@requires(Action.MANAGE_AGREEMENT)
def purposes(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _draft_or_back(request, pk)
    if isinstance(shown, HttpResponse):
        return shown
    agreed = {term["code"]: term["legislation"] for term in shown.purpose_terms}
    rows = [
        {"purpose": p, "chosen": p.code in agreed, "legislation": agreed.get(p.code, p.legislation)}
        for p in Purpose.objects.filter(is_active=True).order_by("order", "label")
    ]
    errors: list[str] = []
    if request.method == "POST":
        chosen = set(request.POST.getlist("purpose"))
        wording = {code: request.POST.get(f"legislation-{code}", "") for code in chosen}
        for row in rows:
            row["chosen"] = row["purpose"].code in chosen
            row["legislation"] = request.POST.get(f"legislation-{row['purpose'].code}", row["legislation"])
        if not chosen:
            errors.append("Choose at least one purpose the partners share data for")
        else:
            try:
                lifecycle.set_purposes(shown, request.user, wording, ip_address=_ip(request))
            except AgreementError as error:
                errors += error.problems
            else:
                messages.success(request, "The purposes are saved.")
                return redirect("web:agreement-version", pk=shown.pk)
    return render(
        request, "web/governance/purposes_form.html", {"version": shown, "rows": rows, "errors": errors}
    )


@requires(Action.MANAGE_AGREEMENT)
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(SharingAgreement, pk=pk)
    try:
        asked = lifecycle.send_for_approval(shown, request.user, ip_address=_ip(request))
    except AgreementError as error:
        _show_problems(request, error)
    else:
        messages.success(
            request, f"Version {shown.version} has been sent to {asked} approver{'s' if asked != 1 else ''}."
        )
    return redirect("web:agreement-version", pk=shown.pk)


@requires(Action.MANAGE_AGREEMENT)
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(SharingAgreement, pk=pk)
    try:
        lifecycle.withdraw(shown, request.user, ip_address=_ip(request))
    except AgreementError as error:
        _show_problems(request, error)
    else:
        messages.success(request, f"Version {shown.version} has been withdrawn. It is kept, read-only.")
    return redirect("web:agreement-version", pk=shown.pk)


@requires(Action.APPROVE_AGREEMENT)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(SharingAgreement, pk=pk)
    entry = lifecycle.entry_for_approver(shown, request.user)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.decide(
                shown,
                request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                ip_address=_ip(request),
            )
        except AgreementError as error:
            _show_problems(request, error)
        else:
            shown.refresh_from_db()
            if shown.status == SharingAgreement.Status.APPROVED:
                messages.success(
                    request,
                    f"Every partner has approved version {shown.version}: it is in force from "
                    f"{shown.start_date:%-d %B %Y}.",
                )
            elif form.cleaned_data["decision"] == "approve":
                messages.success(request, f"You approved version {shown.version} for {entry.agency.name}.")
            else:
                messages.success(
                    request,
                    f"You rejected version {shown.version}. The IG officer who drafted it has been told.",
                )
        return redirect("web:agreement-version", pk=shown.pk)
    return render(request, "web/governance/decide.html", {"version": shown, "entry": entry, "form": form})


@requires(Action.MANAGE_AGREEMENT)
def compare(request: HttpRequest) -> HttpResponse:
    earlier = get_object_or_404(SharingAgreement, pk=_number(request.GET.get("from")))
    later = get_object_or_404(SharingAgreement, pk=_number(request.GET.get("to")))
    context = {"earlier": earlier, "later": later, "changes": changes(earlier, later)}
    return render(request, "web/governance/compare.html", context)


@requires(Action.MANAGE_AGREEMENT)
def version_json(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(SharingAgreement, pk=pk)
    response = JsonResponse(mais.agreement_document(shown), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{shown.reference}-v{shown.version}.json"'
    return response
