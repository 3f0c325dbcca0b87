"""Plain helpers that make the agencies and users tests need, with the ORM and sensible defaults."""

from itertools import count

from mast.access.models import Agency, AgencyKind, Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"
_serial = count(1)


def make_agency(
    name: str | None = None, *, code: str | None = None, kind: str = AgencyKind.POLICE, **fields
) -> Agency:
    n = next(_serial)
    name = name or f"Northshire Agency {n}"
    return Agency.objects.create(name=name, code=code or f"agency-{n}", kind=kind, **fields)


def make_user(
    role: str = Role.PRACTITIONER,
    agency: Agency | None = None,
    *,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    **fields,
) -> User:
    n = next(_serial)
    fields.setdefault("first_name", "Sam")
    fields.setdefault("last_name", f"Tester{n}")
    return User.objects.create_user(
        username=username or f"user{n}",
        password=password,
        role=role,
        agency=agency if agency is not None else make_agency(),
        **fields,
    )
