"""The administrator's pages for users: the list, adding someone, their page, changing their details,
switching them off and on, sending a set-password link, resetting their second factor, and importing a CSV
of a whole agency. The work is done in mast.administration; these views only show and ask."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mast.access import factors, sessions
from mast.access.models import User
from mast.administration import accounts, user_import
from mast.administration.actor import Actor, RefusedChange
from mast.gate.policy import Action
from mast.web.forms.administration import ImportForm, UserForm, UserSearchForm
from mast.web.permissions import requires

IMPORT_SESSION_KEY = "mast_user_import"


@requires(Action.MANAGE_USERS)
def users(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    text, agency = "", None
    if form.is_valid():
        text, agency = form.cleaned_data["q"], form.cleaned_data["agency"]
    page = Paginator(accounts.search(text, agency), 50).get_page(request.GET.get("page"))
    rows = [(user, accounts.status(user)) for user in page]
    return render(request, "web/administration/users.html", {"form": form, "page": page, "rows": rows})


@requires(Action.MANAGE_USERS)
def user_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = accounts.create(actor, form.cleaned_data)
        messages.success(
            request, f"{user.get_full_name()} has been added and sent an invitation to {user.email}."
        )
        return redirect("web:admin-user", pk=user.pk)
    return render(
        request,
        "web/administration/user_form.html",
        {"form": form, "errors": form.error_summary(), "editing": None},
    )


@requires(Action.MANAGE_USERS)
def user(request: HttpRequest, pk: int) -> HttpResponse:
    someone = get_object_or_404(User.objects.select_related("agency"), pk=pk)
    context = {
        "someone": someone,
        "status": accounts.status(someone),
        "has_factor": factors.has_second_factor(someone),
        "recovery_codes_left": factors.recovery_codes_left(someone),
        "live_sessions": sessions.live_count(someone),
        "owned_sources": someone.owned_sources.order_by("name"),
        "is_self": someone.pk == request.user.pk,
    }
    return render(request, "web/administration/user.html", context)


@requires(Action.MANAGE_USERS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request)
    someone = get_object_or_404(User, pk=pk)
    initial = {name: getattr(someone, name) for name in accounts.CHANGEABLE}
    form = UserForm(request.POST or None, initial=initial, editing=someone)
    if request.method == "POST" and form.is_valid():
        try:
            changed = accounts.change(actor, someone, form.cleaned_data)
        except RefusedChange as refusal:
            form.add_error("role", str(refusal))
        else:
            messages.success(request, "Changes saved." if changed else "Nothing was changed.")
            return redirect("web:admin-user", pk=someone.pk)
    context = {"form": form, "errors": form.error_summary(), "editing": someone}
    return render(request, "web/administration/user_form.html", context)


def _confirmed_action(request, pk, *, template, perform, done):
    """A GET shows what the change will do and asks to confirm; a POST does it."""
    actor = Actor.of(request)
    someone = get_object_or_404(User.objects.select_related("agency"), pk=pk)
    if request.method == "POST":
        try:
            result = perform(actor, someone)
        except RefusedChange as refusal:
            messages.warning(request, str(refusal))
        else:
            messages.success(request, done(someone, result))
        return redirect("web:admin-user", pk=someone.pk)
    return render(request, template, {"someone": someone, "is_self": someone.pk == request.user.pk})


@requires(Action.MANAGE_USERS)
def user_disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(
        request,
        pk,
        template="web/administration/user_disable.html",
        perform=accounts.disable,
        done=lambda u, ended: (
            f"{u.get_full_name() or u.username} is switched off and cannot sign in. "
            f"Signed-in sessions ended: {ended}."
        ),
    )


@requires(Action.MANAGE_USERS)
@require_POST
def user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request)
    someone = get_object_or_404(User, pk=pk)
    accounts.enable(actor, someone)
    messages.success(request, f"{someone.get_full_name() or someone.username} can sign in again.")
    return redirect("web:admin-user", pk=someone.pk)


@requires(Action.MANAGE_USERS)
@require_POST
def user_invite(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.of(request)
    someone = get_object_or_404(User, pk=pk)
    if not someone.is_active or not someone.email:
        messages.warning(
            request, "Links are sent only to accounts that are switched on and have an email address."
        )
    elif accounts.invite_again(actor, someone):
        messages.success(request, f"A link to choose a password has been sent to {someone.email}.")
    else:
        messages.warning(request, f"The email to {someone.email} could not be sent. Try again later.")
    return redirect("web:admin-user", pk=someone.pk)


@requires(Action.MANAGE_USERS)
def user_reset_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(
        request,
        pk,
        template="web/administration/user_reset_factor.html",
        perform=accounts.reset_second_factor,
        done=lambda u, ended: (
            f"{u.get_full_name() or u.username}'s second factor is reset and they have been "
            "emailed a link to choose a new password. They will set up a new authenticator app when they "
            "next sign in."
        ),
    )


@requires(Action.MANAGE_USERS)
def users_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row checked) → confirm. The file's text waits in the session between the
    two, and is checked again on confirming, so the preview cannot go stale."""
    actor = Actor.of(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("confirm"):
        text = request.session.pop(IMPORT_SESSION_KEY, None)
        if text is None:
            messages.warning(request, "Upload the file again: the preview had expired.")
            return redirect("web:admin-users-import")
        preview = user_import.read(text.encode())
        if preview.ready:
            count = user_import.create_all(actor, preview)
            added = (
                "1 person added and sent an invitation"
                if count == 1
                else f"{count} people added and sent invitations"
            )
            messages.success(request, f"{added}.")
            return redirect("web:admin-users")
        return render(request, "web/administration/import_preview.html", {"preview": preview})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(user_import.MAX_BYTES + 1)
        try:
            preview = user_import.read(data)
        except user_import.UnreadableFile as problem:
            form.add_error("file", str(problem))
        else:
            if preview.ready:
                request.session[IMPORT_SESSION_KEY] = data.decode("utf-8-sig")
            return render(request, "web/administration/import_preview.html", {"preview": preview})
    context = {
        "form": form,
        "errors": form.error_summary(),
        "columns": user_import.REQUIRED + user_import.OPTIONAL,
    }
    return render(request, "web/administration/import.html", context)
