"""``assistant patients`` (add, list, show, edit, merge, coverage-add), ``assistant payers`` (add, list) and
``assistant providers`` (add, list).

Every command that reads or writes a patient appends a PHI audit entry (actor ``cli:<os user>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from assistant.cli.common import console, handles_errors, print_json
from assistant.config import Settings, get_settings
from assistant.core.errors import InvalidInput
from assistant.core.money import dollars
from assistant.core.validation import validated
from assistant.parties import service
from assistant.parties.schemas import CoverageIn, PatientIn, PatientOut, PayerIn, ProviderIn
from assistant.security import audit
from assistant.security.cli_support import cli_actor, tx

patients_app = typer.Typer(
    help="Patients: register, search, show, edit, merge duplicates.", no_args_is_help=True
)
payers_app = typer.Typer(
    help="The payer list (payer ID, name, claim address, filing indicator).", no_args_is_help=True
)
providers_app = typer.Typer(
    help="Billing and rendering providers (NPI checked, taxonomy, tax ID, address).", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]
Opt = Annotated[str | None, typer.Option()]


def load_settings() -> Settings:
    """The environment's settings (tests replace this to point at their own database)."""
    return get_settings()


def _tx() -> AbstractContextManager[Session]:
    return tx(load_settings())  # migrated on first use; one transaction


def _audit(session: Session, action: str, patient_id: int | None, what: str) -> None:
    audit.record(session, cli_actor(), action, "patient", patient_id, None, {"via": "cli", "what": what})


def _answer(out: Any, as_json: bool, lines: Iterable[str]) -> None:
    """What a command answers: ``out`` as JSON, or the lines for people."""
    if as_json:
        print_json(out)
        return
    for line in lines:
        console.print(line)


def _patient_lines(p: PatientOut) -> Iterator[str]:
    merged = f"  (merged into #{p.merged_into_id})" if p.merged_into_id else ""
    yield f"[bold]#{p.id} {p.first_name} {p.last_name}[/]  born {p.dob}  sex {p.sex}{merged}"
    a = p.address
    if a.line1 or a.city:
        yield f"  {a.line1 or ''} {a.line2 or ''}, {a.city or ''} {a.state or ''} {a.zip or ''}"
    yield f"  phone {p.phone or '—'}  email {p.email or '—'}  prefers {p.preferred_contact or '—'}"
    g = p.guarantor
    who = "self" if g.relationship == "self" else f"{g.first_name} {g.last_name} ({g.relationship})"
    yield f"  guarantor: {who}"
    for c in p.coverages:
        copay = f", copay {dollars(c.copay_cents)}" if c.copay_cents is not None else ""
        ended = "" if c.active else " (not in force today)"
        yield (
            f"  {c.order_name}: {c.payer.name} ({c.payer.payer_id}) member {c.member_id}"
            f" rel {c.relationship_code}{copay}{ended}"
        )


ADDRESS_OPTIONS = ("line1", "line2", "city", "state", "zip")


def _address(**options: str | None) -> dict[str, str] | None:
    """The address options given on the command line (None when none is)."""
    given = {key: value for key, value in options.items() if value}
    return given or None


def _patient_data(base: dict[str, Any], options: dict[str, Any]) -> PatientIn:
    data = dict(base)
    address = dict(data.get("address") or {})
    address.update({k: options[k] for k in ADDRESS_OPTIONS if options.get(k) is not None})
    data["address"] = address or None
    for key in ("first_name", "last_name", "dob", "sex", "phone", "email", "preferred_contact"):
        if options.get(key) is not None:
            data[key] = options[key]
    return validated(PatientIn, **data)


@patients_app.command("add")
@handles_errors
def add_patient(
    first_name: Annotated[str, typer.Option("--first")],
    last_name: Annotated[str, typer.Option("--last")],
    dob: Annotated[str, typer.Option("--dob", help="YYYY-MM-DD")],
    sex: Annotated[str, typer.Option("--sex", help="M, F or U")],
    line1: Opt = None,
    line2: Opt = None,
    city: Opt = None,
    state: Opt = None,
    zip: Opt = None,  # noqa: A002 - the form's name
    phone: Opt = None,
    email: Opt = None,
    preferred_contact: Annotated[
        str | None, typer.Option("--contact", help="phone, text, email, mail")
    ] = None,
    confirm_duplicate: Annotated[
        bool, typer.Option("--confirm-duplicate", help="Register even if the name and birth date exist")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Register a patient (warns and stops on the same name and birth date unless --confirm-duplicate)."""
    data = _patient_data({}, locals())
    with _tx() as s:
        saved = service.register_patient(s, data, confirm_duplicate=confirm_duplicate)
        _audit(s, audit.PHI_WRITE, saved.patient.id, "register")
    _answer(saved, as_json, _patient_lines(saved.patient))


@patients_app.command("list")
@handles_errors
def list_patients(
    query: Annotated[str, typer.Argument(help="Name words, a birth date or a member ID")] = "",
    dob: Annotated[str | None, typer.Option("--dob", help="YYYY-MM-DD")] = None,
    member_id: Annotated[str | None, typer.Option("--member-id")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Search patients by name, date of birth or member ID."""
    born = None
    if dob is not None:
        born = service.parse_date(dob)
        if born is None:
            raise InvalidInput(f"--dob is not a date: {dob!r}", field="--dob", fix="use YYYY-MM-DD")
    with _tx() as s:
        found = service.search_patients(s, query, dob=born, member_id=member_id)
        _audit(s, audit.PHI_READ, None, f"search ({len(found)} found)")
    lines = [
        f"#{p.id:<5} {p.last_name}, {p.first_name:<20} {p.dob}  {p.sex}  "
        + (f"{p.primary_payer} {p.primary_member_id}" if p.primary_payer else "self-pay")
        for p in found
    ]
    _answer(found, as_json, lines or ["No patient found."])


@patients_app.command("show")
@handles_errors
def show_patient(patient_id: int, as_json: JsonOpt = False) -> None:
    """One patient with address, guarantor and coverages in order."""
    with _tx() as s:
        p = service.get_patient(s, patient_id)
        _audit(s, audit.PHI_READ, patient_id, "show")
    _answer(p, as_json, _patient_lines(p))


@patients_app.command("edit")
@handles_errors
def edit_patient(
    patient_id: int,
    first_name: Annotated[str | None, typer.Option("--first")] = None,
    last_name: Annotated[str | None, typer.Option("--last")] = None,
    dob: Annotated[str | None, typer.Option("--dob")] = None,
    sex: Annotated[str | None, typer.Option("--sex")] = None,
    line1: Opt = None,
    line2: Opt = None,
    city: Opt = None,
    state: Opt = None,
    zip: Opt = None,  # noqa: A002
    phone: Opt = None,
    email: Opt = None,
    preferred_contact: Annotated[str | None, typer.Option("--contact")] = None,
    confirm_duplicate: Annotated[bool, typer.Option("--confirm-duplicate")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Change the given fields of a patient (the others stay)."""
    options = locals()
    with _tx() as s:
        current = service.get_patient(s, patient_id).model_dump(
            include={
                "first_name",
                "last_name",
                "dob",
                "sex",
                "address",
                "phone",
                "email",
                "preferred_contact",
            }
        )
        guarantor = service.get_patient(s, patient_id).guarantor
        if guarantor.relationship != "self":
            current["guarantor"] = guarantor.model_dump()
        saved = service.update_patient(
            s, patient_id, _patient_data(current, options), confirm_duplicate=confirm_duplicate
        )
        _audit(s, audit.PHI_WRITE, patient_id, "edit")
    _answer(saved, as_json, _patient_lines(saved.patient))


@patients_app.command("merge")
@handles_errors
def merge(
    survivor_id: Annotated[int, typer.Argument(help="The record to keep")],
    duplicate_id: Annotated[int, typer.Argument(help="The duplicate; its records move to the survivor")],
    yes: Annotated[bool, typer.Option("--yes", help="Do it (without --yes, only show both records)")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Merge a duplicate patient into the survivor (coverages, encounters, claims, ledger), audited."""
    with _tx() as s:
        keep, dup = service.get_patient(s, survivor_id), service.get_patient(s, duplicate_id)
        _audit(s, audit.PHI_READ, survivor_id, f"merge preview with #{duplicate_id}")
    if not yes:
        again = f"Run again with --yes to merge #{duplicate_id} into #{survivor_id}."
        _answer(None, False, [*_patient_lines(keep), *_patient_lines(dup), again])
        return
    with _tx() as s:
        result = service.merge_patients(s, survivor_id, duplicate_id, actor=cli_actor())
    moved = ", ".join(f"{n} {t}" for t, n in sorted(result.moved.items())) or "no other rows"
    said = (
        f"Merged #{duplicate_id} into #{survivor_id}: {result.coverages_moved} coverage(s) moved, "
        f"{result.coverages_combined} combined; {moved}."
    )
    _answer(result, as_json, [said])


@patients_app.command("coverage-add")
@handles_errors
def coverage_add(
    patient_id: int,
    payer_id: Annotated[str, typer.Option("--payer", help="Payer ID from `assistant payers list`")],
    member_id: Annotated[str, typer.Option("--member-id")],
    group_number: Annotated[str | None, typer.Option("--group")] = None,
    order: Annotated[int | None, typer.Option("--order", help="1 primary, 2 secondary, 3 tertiary")] = None,
    relationship: Annotated[
        str, typer.Option("--relationship", help="18 self, 01 spouse, 19 child, G8 other")
    ] = "18",
    sub_first: Annotated[str | None, typer.Option("--subscriber-first")] = None,
    sub_last: Annotated[str | None, typer.Option("--subscriber-last")] = None,
    sub_dob: Annotated[str | None, typer.Option("--subscriber-dob")] = None,
    sub_sex: Annotated[str | None, typer.Option("--subscriber-sex")] = None,
    effective_from: Annotated[str | None, typer.Option("--from")] = None,
    effective_to: Annotated[str | None, typer.Option("--to")] = None,
    copay_cents: Annotated[int | None, typer.Option("--copay-cents")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a coverage to a patient (after the existing ones unless --order)."""
    subscriber = None
    if any((sub_first, sub_last, sub_dob, sub_sex)):
        subscriber = {"first_name": sub_first, "last_name": sub_last, "dob": sub_dob, "sex": sub_sex}
    data = validated(
        CoverageIn,
        payer_id=payer_id,
        member_id=member_id,
        group_number=group_number,
        order=order,
        relationship=relationship,
        subscriber=subscriber,
        effective_from=effective_from,
        effective_to=effective_to,
        copay_cents=copay_cents,
    )
    with _tx() as s:
        out = service.add_coverage(s, patient_id, data)
        _audit(s, audit.PHI_WRITE, patient_id, "coverage add")
    _answer(out, as_json, [f"#{patient_id} {out.order_name}: {out.payer.name} member {out.member_id}"])


@payers_app.command("add")
@handles_errors
def add_payer(
    payer_id: Annotated[str, typer.Option("--payer-id", help="The payer's electronic ID (NM109)")],
    name: Annotated[str, typer.Option("--name")],
    filing_indicator: Annotated[str, typer.Option("--filing", help="SBR09: CI, MB, MC, BL, HM...")] = "CI",
    line1: Opt = None,
    line2: Opt = None,
    city: Opt = None,
    state: Opt = None,
    zip: Opt = None,  # noqa: A002
    as_json: JsonOpt = False,
) -> None:
    """Add a payer to the payer list."""
    data = validated(
        PayerIn,
        payer_id=payer_id,
        name=name,
        filing_indicator=filing_indicator,
        address=_address(line1=line1, line2=line2, city=city, state=state, zip=zip),
    )
    with _tx() as s:
        out = service.add_payer(s, data)
    _answer(out, as_json, [f"{out.payer_id}  {out.name}  ({out.filing_indicator})"])


@payers_app.command("list")
@handles_errors
def list_payers(as_json: JsonOpt = False) -> None:
    """The payer list."""
    with _tx() as s:
        found = service.list_payers(s)
    lines = [
        f"{p.payer_id:<12} {p.name:<30} {p.filing_indicator}  "
        + ", ".join(x for x in (p.address.line1, p.address.city, p.address.state, p.address.zip) if x)
        for p in found
    ]
    _answer(found, as_json, lines or ["No payers yet: assistant payers add --payer-id ID --name NAME"])


@providers_app.command("add")
@handles_errors
def add_provider(
    npi: Annotated[str, typer.Option("--npi", help="10 digits; the check digit is verified")],
    entity_type: Annotated[
        str, typer.Option("--entity-type", help="1 a person (rendering), 2 an organisation (billing)")
    ] = "1",
    name: Annotated[str | None, typer.Option("--name", help="Organisation name (entity type 2)")] = None,
    first_name: Annotated[str | None, typer.Option("--first", help="Entity type 1")] = None,
    last_name: Annotated[str | None, typer.Option("--last", help="Entity type 1")] = None,
    taxonomy: Annotated[str | None, typer.Option("--taxonomy", help="NUCC code, e.g. 207Q00000X")] = None,
    tax_id: Annotated[str | None, typer.Option("--tax-id", help="EIN or SSN, 9 digits")] = None,
    line1: Opt = None,
    line2: Opt = None,
    city: Opt = None,
    state: Opt = None,
    zip: Opt = None,  # noqa: A002
    as_json: JsonOpt = False,
) -> None:
    """Register a billing or rendering provider (refused when the NPI is already registered)."""
    data = validated(
        ProviderIn,
        npi=npi,
        entity_type=entity_type,
        name=name,
        first_name=first_name,
        last_name=last_name,
        taxonomy=taxonomy,
        tax_id=tax_id,
        address=_address(line1=line1, line2=line2, city=city, state=state, zip=zip),
    )
    with _tx() as s:
        out = service.add_provider(s, data)
    _answer(out, as_json, [f"#{out.id} {out.npi}  {out.display_name}  ({out.entity_name})"])


@providers_app.command("list")
@handles_errors
def list_providers(as_json: JsonOpt = False) -> None:
    """The providers: organisations (billing) first, then people (rendering)."""
    with _tx() as s:
        found = service.list_providers(s)
    lines = [
        f"#{p.id:<4} {p.npi}  {p.display_name:<30} {p.entity_name:<12} {p.taxonomy or ''}" for p in found
    ]
    empty = "No providers yet: assistant providers add --npi NPI --first NAME --last NAME"
    _answer(found, as_json, lines or [empty])
