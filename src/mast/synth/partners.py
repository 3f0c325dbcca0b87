"""The six synthetic partners' export files, written the way each partner's own system writes them.

Column names, code lists, date formats and encodings come from the partners' feed mappings (the same TOML
files MAST loads them with), so the generator and the loader cannot drift apart. What a mapping does not say —
upper-case surnames in Niche, a byte-order mark from Liquidlogic, spaced NHS numbers, how a partial date of
birth is written, who the workers are — is each partner's house style, kept here.
"""

import csv
import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mast.feeds.mapping import Mapping, load_mapping
from mast.synth import names
from mast.synth.involvements import ADULTS, CHILDRENS, COMMUNITY, FIRE, HOSPITALS, POLICE, Involvement
from mast.synth.partner_records import PartnerPerson


@dataclass(frozen=True)
class HouseStyle:
    file_name: str  # strftime pattern for the export's name
    person_ref: str  # format with {n}
    record_id: str  # format with {n}
    teams: tuple[str, ...]
    upper_case_surname: bool = False
    byte_order_mark: bool = False
    spaced_nhs_number: bool = False
    json_booleans: bool = False


HOUSE_STYLES: dict[str, HouseStyle] = {
    POLICE: HouseStyle(
        "niche_safeguarding_nominals_%Y%m%d.csv",
        "NOM{n:08d}",
        "NS/{n:09d}",
        ("Northby Safeguarding Hub", "Kelworth Neighbourhood Policing", "Domestic Abuse Investigation Unit"),
        upper_case_surname=True,
    ),
    CHILDRENS: HouseStyle(
        "lcs_mash_headline_%Y-%m-%d.csv",
        "{n:07d}",
        "WS{n:08d}",
        ("MASH", "Assessment Team North", "Assessment Team South", "Children in Care Team", "Family Support"),
        byte_order_mark=True,
        spaced_nhs_number=True,
    ),
    ADULTS: HouseStyle(
        "mosaic_adults_headline_%Y%m%d.txt",
        "{n:08d}",
        "{n:09d}",
        (
            "Adult Safeguarding Hub",
            "Older People's Team",
            "Learning Disability Team",
            "Mental Health Social Work",
        ),
    ),
    COMMUNITY: HouseStyle(
        "systmone_caseload_%Y%m%d.csv",
        "S1{n:09d}",
        "RF{n:09d}",
        ("Health Visiting North", "Health Visiting South", "School Nursing", "Family Nurse Partnership"),
        spaced_nhs_number=True,
    ),
    HOSPITALS: HouseStyle(
        "ed_maternity_attendances_%Y%m%d.jsonl",
        "RNS{n:07d}",
        "ATT{n:09d}",
        ("Emergency Department", "Paediatric ED", "Maternity Unit"),
        json_booleans=True,
    ),
    FIRE: HouseStyle(
        "hfsv_export_%d%m%Y.tsv",
        "OCC-{n:07d}",
        "HFSV-{n:07d}",
        ("Northby Fire Station", "Kelworth Fire Station", "Prevention Team"),
    ),
}
DOMAINS = {
    POLICE: "northshire-police.example",
    CHILDRENS: "northshire-childrens.example",
    ADULTS: "northshire-adults.example",
    COMMUNITY: "northshire-community-health.example",
    HOSPITALS: "northshire-hospitals.example",
    FIRE: "northshire-fire.example",
}


@dataclass(frozen=True)
class Worker:
    name: str
    team: str
    phone: str
    email: str


def _json_empty(value: object) -> object:
    """JSON exports write null for an empty field, but keep false as false."""
    return value if value is False else None


def scrambled(n: int, modulus: int) -> int:
    """A one-to-one scrambling of 0..modulus-1, so references are unique but not in household order."""
    return (n * 7_919_993 + 12_345) % modulus


class PartnerFile:
    """One partner's export, written row by row as records arrive."""

    def __init__(self, source: str, out: Path, as_of: date, rng: random.Random, people: int):
        self.source = source
        self.mapping: Mapping = load_mapping(source)
        self.style = HOUSE_STYLES[source]
        self.rng = rng
        self.codes = self._codes()
        # Each partner numbers its records its own way: no reference means anything in another system.
        self.people_refs = rng.randrange(1_000_000)
        self.record_ids = rng.randrange(100_000_000)
        self.rows = 0
        self.records = 0
        self.workers = self._workers(max(8, people // 300))
        directory = out / "feeds" / source
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / as_of.strftime(self.style.file_name)
        encoding = "utf-8-sig" if self.style.byte_order_mark else self.mapping.encoding
        # Partners' systems replace characters their code page lacks; so does this one.
        self.handle = self.path.open("w", encoding=encoding, errors="replace", newline="")
        self.columns = list(self.mapping.columns.values())
        self.writer = None
        if self.mapping.format == "csv":
            self.writer = csv.writer(self.handle, delimiter=self.mapping.delimiter, lineterminator="\r\n")
            self.writer.writerow(self.columns)

    def _codes(self) -> dict[str, dict[object, list[str]]]:
        """The mapping's code lists turned round: MAST's value -> the partner's codes for it."""
        codes: dict[str, dict[object, list[str]]] = {}
        for field_name, table in self.mapping.values.items():
            for theirs, ours in table.items():
                codes.setdefault(field_name, {}).setdefault(ours, []).append(theirs)
        return codes

    def _workers(self, count: int) -> list[Worker]:
        rng = self.rng
        workers = []
        for i in range(count):
            given = names.given_name(rng, rng.choice(("female", "male")))
            family = names.surname(rng)
            # Ofcom's numbers reserved for drama: 01632 960000-960999 and 07700 900000-900999.
            phone = f"01632 960{i % 1000:03d}" if rng.random() < 0.6 else f"07700 900{i % 1000:03d}"
            local = f"{given}.{family}".lower().replace("'", "").replace(" ", "")
            local = local.encode("ascii", "ignore").decode()
            workers.append(
                Worker(
                    f"{given} {family}",
                    rng.choice(self.style.teams),
                    phone,
                    f"{local}@{DOMAINS[self.source]}",
                )
            )
        return workers

    def next_person_ref(self) -> str:
        self.people_refs += 1
        return self.style.person_ref.format(n=scrambled(self.people_refs, 10_000_000))

    def _next_record_id(self) -> str:
        self.record_ids += 1
        return self.style.record_id.format(n=scrambled(self.record_ids, 1_000_000_000))

    def write(self, record: PartnerPerson) -> None:
        """One row per involvement, each repeating the person's details as the partner's export does."""
        self.records += 1
        person_values = self._person_values(record)
        for involvement in record.involvements:
            values = dict(person_values)
            values.update(self._involvement_values(involvement))
            row = {self.mapping.columns[k]: v for k, v in values.items() if k in self.mapping.columns}
            if self.writer is not None:
                self.writer.writerow([row.get(c, "") for c in self.columns])
            else:
                self.handle.write(
                    json.dumps(
                        {c: row.get(c) or _json_empty(row.get(c)) for c in self.columns}, ensure_ascii=False
                    )
                    + "\n"
                )
            self.rows += 1

    def close(self) -> None:
        self.handle.close()

    # -- values --------------------------------------------------------------------------------------

    def _code(self, field_name: str, value: object) -> str:
        options = self.codes[field_name][value]
        return options[0] if len(options) == 1 else self.rng.choice(options)

    def _date(self, value: date | None, precision: str = "day") -> str:
        if value is None or precision == "none":
            return ""
        pattern = self.mapping.date_formats[0]
        if precision == "year":
            return str(value.year)
        if precision == "month":
            for separator in ("/", "-", ""):
                pattern = pattern.replace("%d" + separator, "").replace(separator + "%d", "")
        return value.strftime(pattern)

    def _person_values(self, record: PartnerPerson) -> dict[str, object]:
        style = self.style
        nhs = record.nhs_number
        if nhs and style.spaced_nhs_number:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        family = record.family_name.upper() if style.upper_case_surname else record.family_name
        address = record.address
        return {
            "person_ref": record.person_ref,
            "given_name": record.given_name,
            "middle_names": record.middle_names,
            "family_name": family,
            "other_names": record.other_names,
            "date_of_birth": self._date(record.date_of_birth, record.dob_precision),
            "sex": self._code("sex", record.sex) if record.sex and "sex" in self.codes else "",
            "address_line_1": record.address_lines[0],
            "address_line_2": record.address_lines[1],
            "town": address.town,
            "postcode": record.postcode,
            "uprn": address.uprn,
            "nhs_number": nhs,
        }

    def _involvement_values(self, involvement: Involvement) -> dict[str, object]:
        rng = self.rng
        is_open = involvement.is_open
        worker = rng.choice(self.workers) if is_open or rng.random() < 0.7 else None
        restricted = self._code("restricted", involvement.restricted) if "restricted" in self.codes else ""
        if self.style.json_booleans:
            restricted = involvement.restricted
        return {
            "record_id": self._next_record_id(),
            "involvement_type": self._code("involvement_type", involvement.category),
            "start_date": self._date(involvement.start),
            "end_date": self._date(involvement.end),
            "status": self._code("status", "open" if is_open else "closed"),
            "lead_practitioner": worker.name if worker else "",
            "team": worker.team if worker else "",
            "contact_phone": worker.phone if worker else "",
            "contact_email": worker.email if worker else "",
            "restricted": restricted,
        }
