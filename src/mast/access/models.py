"""Agencies, users and roles: who someone is and which partner they work for."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULTS_SOCIAL_CARE = "adults_social_care", "Adults' social care"
    HEALTH = "health", "Health"
    FIRE = "fire", "Fire and rescue"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A partner organisation with a safeguarding duty that shares headline data or uses MAST."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    # Shown when a restricted record hides details: "known to <agency> — contact <this>".
    contact_point = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    FEED_OWNER = "feed_owner", "Feed owner"
    IG_OFFICER = "ig_officer", "Information-governance officer"
    ADMINISTRATOR = "administrator", "Administrator"
    ANALYST = "analyst", "Analyst"


class User(AbstractUser):
    """A person who signs in to MAST. Every user works for one agency and holds one role."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    job_title = models.CharField(max_length=120, blank=True)
    team = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AccessPurpose(models.Model):
    """Why a user is looking: the case or referral they are working on and the reason, stated before the first
    search of a session or of a new case, and stored with every audit event that follows."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="purposes")
    reference = models.CharField(max_length=100, help_text="The referral or case reference.")
    # A purpose code from the data-sharing agreement (governance.Purpose), kept as text so the audit record
    # reads the same if the agreement's list changes later.
    reason = models.CharField(max_length=60)
    reason_label = models.CharField(max_length=200)
    stated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stated_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.reason_label}"


class Team(models.Model):
    """A team in a partner agency, as its users' `team` names it: who manages it (overdue requests are
    escalated to them) and its shared mailbox, if any (the team's notices go there and to its members)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120, help_text="As users' team and partners' feeds name it.")
    manager = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="managed_teams"
    )
    email = models.EmailField(blank=True, help_text="The team's shared mailbox, if it has one.")

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="access_team_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class SignedInSession(models.Model):
    """One live sign-in: which session is whose, so switching off a leaver (or their agency) can end every
    session they have at once instead of waiting for it to expire."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


def hash_recovery_code(code: str) -> str:
    """Recovery codes carry 80 random bits, so one SHA-256 is enough: nobody can guess their way back from
    the hash, and unlike a password there is no human choice to protect with a slow hash."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """A user's single-use recovery codes, for the day their phone is lost: only their hashes are kept, and a
    code is struck off the moment it is used. A django-otp device, so a session signed in with one counts as
    having passed the second factor like any other."""

    hashes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "recovery codes"

    @property
    def remaining(self) -> int:
        return len(self.hashes)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        wanted = hash_recovery_code(str(token))
        with transaction.atomic():
            # Locked and read again, so two requests racing with the same code cannot both use it.
            fresh = RecoveryCodes.objects.select_for_update().get(pk=self.pk)
            if wanted in fresh.hashes:
                fresh.hashes = [h for h in fresh.hashes if h != wanted]
                fresh.throttle_reset(commit=False)
                fresh.save()
                self.hashes = fresh.hashes
                return True
            fresh.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return 1


class CaseReferenceShape(models.Model):
    """One shape of case reference an agency's own systems issue (a MASH contact number, a crime reference),
    as a regular expression and an example. A practitioner's stated reference must fit one of their agency's
    shapes, so "x" or "." cannot stand for a case; the example is what they are shown when it does not."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="case_reference_shapes")
    name = models.CharField(max_length=100, help_text='What the agency calls it: "Crime reference".')
    pattern = models.CharField(
        max_length=200, help_text=r"A regular expression the whole reference must match: CR/\d{6}/\d{2}"
    )
    example = models.CharField(max_length=100, help_text="A made-up reference of this shape: CR/123456/26")

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="access_case_reference_shape_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency}), e.g. {self.example}"

    def clean(self) -> None:
        from mast.access.case_reference import check_shape

        check_shape(self.pattern, self.example)


class SecurityKey(ThrottlingMixin, Device):
    """A security key or passkey (WebAuthn) a user registered as a second factor, beside or instead of an
    authenticator app. Only the credential's id and public key are kept: the private key never leaves the
    key, and a sign-in is the key signing a fresh challenge (access/security_keys.py). A django-otp device,
    so a session signed in with one counts as having passed the second factor like any other."""

    credential_id = models.CharField(
        max_length=1400, unique=True, help_text="base64url, as the browser sends it"
    )
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def verify_token(self, token) -> bool:
        # A key answers a challenge, not a typed code: see access/security_keys.verify.
        return False

    def get_throttle_factor(self) -> int:
        return 1


class SingleSignOn(models.Model):
    """An agency's own identity provider (Microsoft Entra ID, or any OpenID Connect provider): its people
    sign in to MAST with their work account instead of a MAST password. Nobody is created by it: the
    provider's verified email must belong to an account an administrator made, in this agency, at one of
    the allowed email domains. The client secret is never stored: `secret_variable` names the environment
    variable that holds it, so it lives with the server's other secrets (docs/deployment.md)."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="single_sign_on")
    issuer = models.URLField(help_text="https://login.microsoftonline.com/<tenant id>/v2.0")
    client_id = models.CharField(max_length=200)
    secret_variable = models.CharField(
        max_length=100, help_text="The environment variable that holds the client secret"
    )
    email_domains = models.CharField(max_length=500, help_text="Comma-separated: police.example, nhs.example")
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Single sign-on for {self.agency}"

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


class BreakGlassGrant(models.Model):
    """A practitioner named by an IG officer (or an administrator) as one who may break the glass: open
    another agency's restricted records when it cannot wait. Their role alone does not let them
    (mast.gate.policy NAMED_ONLY). A grant is withdrawn, never deleted, so who could break glass on any day
    stays answerable."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    why = models.CharField(max_length=300, help_text="Why their work needs it: an emergency duty worker.")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="access_one_live_break_glass_grant",
            )
        ]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_at else "in force"
        return f"break glass for {self.user} ({state})"


def may_break_glass(user) -> bool:
    """Whether this user holds a break-glass grant in force (their role is checked by the policy)."""
    if not getattr(user, "pk", None):
        return False
    return BreakGlassGrant.objects.filter(user_id=user.pk, withdrawn_at__isnull=True).exists()
