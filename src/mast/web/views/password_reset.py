"""'Forgotten your password?': ask for a link by work email (mast.administration.password_reset), then the
page that says to look for it, the same whether or not the address has an account."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mast.administration import password_reset
from mast.web.forms.sign_in import PasswordResetForm
from mast.web.permissions import public


@public
def ask(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset.request_link(
            form.cleaned_data["email"], ip_address=request.META.get("REMOTE_ADDR") or None
        )
        return redirect("web:password-reset-sent")
    return render(request, "web/password_reset.html", {"form": form})


@public
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/password_reset_sent.html", {"minutes": password_reset.RESEND_MINUTES})
