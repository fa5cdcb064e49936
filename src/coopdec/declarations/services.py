"""Writes about aid declarations: campaigns, declarations, their lines and their workflow.

Keyword-only functions, each in a transaction; bad input raises ``ValidationError`` with a message a
person can act on, and nothing is written. Every change of a declaration increments its
``revision``: a caller that read revision N passes ``revision=N`` and is refused, with who changed it
and when, if someone else saved in between (no silent overwrite). Access checks are the caller's
job (``rules.py``).

Workflow: draft → submitted (locked; who and when) → reopened by a coordinator with a reason →
submitted again. Every state is kept in the history tables.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopdec.actors.models import LOCAL_GOVERNMENT_KINDS, Organisation
from coopdec.common.rates import RateUnavailable, has_rates, year_average
from coopdec.common.versions import VersionedChange, save_with_history, versioned_change
from coopdec.territories.models import Country
from coopdec.vocabularies.selectors import codelist

from . import checks, prefill, totals
from .models import (
    POLICY_MARKERS,
    Campaign,
    Declaration,
    DeclarationLine,
    DeclarationStatus,
    LineSource,
    Recipient,
)

AMOUNT_LIMIT = Decimal("10000000000")  # 10 billion: no local government declares more in a year
FIRST_YEAR = 1999  # the ECB's reference rates start in 1999

LINE_CODE_FIELDS = {  # field → IATI codelist
    "sector": "Sector",
    "channel": "CRSChannelCode",
    "flow_type": "FlowType",
    "finance_type": "FinanceType",
    "aid_type": "AidType",
}
LINE_DEFAULTS = {"flow_type": "10", "finance_type": "110", "aid_type": "C01"}  # ODA, standard grant, project-type
LINE_FIELDS = {
    "recipient_type",
    "recipient_code",
    "sector",
    "channel",
    "flow_type",
    "finance_type",
    "aid_type",
    "original_amount",
    "original_currency",
    "cofinancing",
    "cofinancing_confirmed",
    "description",
    "project",
    *POLICY_MARKERS,
}


def _user(user):
    return user if user is not None and user.is_authenticated else None


# Campaigns


def _check_campaign(*, year: int, opens_on: date, closes_on: date, currency: str, today: date) -> None:
    errors: dict[str, str] = {}
    if year >= today.year:
        errors["year"] = _("%(year)s is not over yet: a campaign declares a past year (at most %(last)s).") % {
            "year": year,
            "last": today.year - 1,
        }
    elif year < FIRST_YEAR:
        errors["year"] = _("Declarations start with %(first)s.") % {"first": FIRST_YEAR}
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = _("The closing date is before the opening date.")
    if not has_rates(currency):
        errors["currency"] = _(
            "“%(code)s” has no European Central Bank rate: choose EUR or a currency it publishes."
        ) % {"code": currency}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(
    *,
    user,
    country: Country,
    year: int,
    opens_on: date,
    closes_on: date,
    currency: str = "EUR",
    is_demo: bool = False,
    today: date | None = None,
) -> Campaign:
    currency = (currency or "EUR").upper()
    _check_campaign(year=year, opens_on=opens_on, closes_on=closes_on, currency=currency, today=today or date.today())
    if Campaign.objects.filter(country=country, year=year).exists():
        raise ValidationError(
            {
                "year": _("A campaign for %(year)s in %(country)s exists already.")
                % {"year": year, "country": country.name}
            }
        )
    campaign = Campaign(
        country=country,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        currency=currency,
        is_demo=is_demo,
        created_by=_user(user),
    )
    with versioned_change(campaign, user=user, reason="created") as change:
        change.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, user, opens_on: date, closes_on: date) -> Campaign:
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The closing date is before the opening date.")})
    with versioned_change(campaign, user=user, reason="dates changed") as change:
        campaign.opens_on, campaign.closes_on = opens_on, closes_on
        change.save()
    return campaign


# Declarations


def _locked(declaration: Declaration, revision: int | None) -> Declaration:
    """The declaration, locked for the transaction; refused when submitted or changed since ``revision``."""
    current = Declaration.objects.select_for_update().select_related("campaign").get(pk=declaration.pk)
    if revision is not None and int(revision) != current.revision:
        last = current.history.select_related("history_user").first()
        who = (
            (last.history_user.get_full_name() or last.history_user.username)
            if last and last.history_user
            else _("someone")
        )
        when = date_format(timezone.localtime(last.history_date), "DATETIME_FORMAT") if last else ""
        raise ValidationError(
            _(
                "%(who)s changed this declaration (%(when)s) after you opened it; your change was not "
                "saved. Reload the page to see their change, then make yours again."
            )
            % {"who": who, "when": when},
            code="stale",
        )
    return current


def _editable(declaration: Declaration, revision: int | None) -> Declaration:
    current = _locked(declaration, revision)
    if current.is_locked:
        raise ValidationError(
            _("This declaration was submitted: it cannot change unless a coordinator reopens it."), code="locked"
        )
    return current


def _lines_total(declaration: Declaration):
    return declaration.lines.aggregate(total=Sum("net_amount"))["total"] or 0


def _bump(declaration: Declaration, change: VersionedChange) -> Declaration:
    """The declaration's new version, ending a change of it or of its lines: the next revision, the new total."""
    declaration.revision += 1
    declaration.total = _lines_total(declaration)
    change.save()
    return declaration


def can_declare(organisation: Organisation, campaign: Campaign) -> str | None:
    """Why ``organisation`` cannot declare in ``campaign`` (None when it can)."""
    if organisation.country_id != campaign.country_id:
        return _("%(organisation)s is not in %(country)s.") % {
            "organisation": organisation.name,
            "country": campaign.country.name,
        }
    if organisation.kind not in LOCAL_GOVERNMENT_KINDS:
        return _("Only local and regional governments declare their development assistance.")
    return None


@transaction.atomic
def declaration_start(
    *, campaign: Campaign, organisation: Organisation, user, with_prefill: bool = True, is_demo: bool = False
) -> Declaration:
    """The organisation's declaration for ``campaign``, created pre-filled from the register when new."""
    reason = can_declare(organisation, campaign)
    if reason:
        raise ValidationError(reason)
    existing = Declaration.objects.filter(campaign=campaign, organisation=organisation).first()
    if existing is not None:
        return existing
    declaration = Declaration(campaign=campaign, organisation=organisation, is_demo=is_demo)
    with versioned_change(declaration, user=user, reason="created") as change:
        change.save()
        if with_prefill:
            _save_proposal(
                declaration,
                prefill.propose(organisation=organisation, year=campaign.year, currency=campaign.currency),
                user=user,
            )
            declaration.total = _lines_total(declaration)
            # The "created" version stands: its total is the proposal's.
            Declaration.objects.filter(pk=declaration.pk).update(total=declaration.total)
    return declaration


def _save_proposal(declaration: Declaration, proposal: prefill.Proposal, *, user, start: int = 0) -> int:
    rows = []
    for position, line in enumerate(proposal.lines, start=start + 1):
        row = DeclarationLine(
            declaration=declaration,
            position=position,
            recipient_type=line.recipient_type,
            recipient_code=line.recipient_code,
            sector=line.sector,
            channel=line.channel,
            flow_type=line.flow_type,
            finance_type=line.finance_type,
            aid_type=line.aid_type,
            amount=line.amount,
            original_amount=line.original_amount,
            original_currency=line.original_currency,
            exchange_rate=line.exchange_rate,
            rate_source=line.rate_source,
            cofinancing=line.cofinancing,
            cofinancing_confirmed=None if line.cofinancing else False,
            description=line.description[:500],
            project_id=line.project,
            source=line.source,
            source_ref=line.source_ref,
        )
        row.net_amount = row.compute_net_amount()
        rows.append(row)
    DeclarationLine.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def declaration_refresh(*, declaration: Declaration, user, revision: int | None = None) -> int:
    """Propose the register's lines again: lines that came from the register are replaced, lines entered
    by hand or imported are kept. Returns the number of lines proposed."""
    declaration = _editable(declaration, revision)
    with versioned_change(declaration, user=user, reason="refreshed from the register") as change:
        declaration.lines.filter(source__in=[LineSource.TRANSACTION, LineSource.CONTRIBUTION]).delete()
        last = declaration.lines.aggregate(last=Max("position"))["last"] or 0
        proposal = prefill.propose(
            organisation=declaration.organisation,
            year=declaration.campaign.year,
            currency=declaration.campaign.currency,
        )
        count = _save_proposal(declaration, proposal, user=user, start=last)
        if count:
            declaration.is_nil = False
        _bump(declaration, change)
    return count


def _decimal(value, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}}) from error
    if not number.is_finite():
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    if number < 0:
        raise ValidationError({field: _("An amount cannot be negative (%(value)s).") % {"value": number}})
    if number >= AMOUNT_LIMIT:
        raise ValidationError(
            {
                field: _(
                    "%(value)s is implausibly large for a year's declaration: check the amount "
                    "(a decimal separator typed as a thousands separator?)."
                )
                % {"value": number}
            }
        )
    return number.quantize(Decimal("0.01"))


def clean_line(fields: dict, *, campaign: Campaign) -> dict:
    """Checked and completed line fields: codes current in their codelists, amounts converted."""
    unknown = set(fields) - LINE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    data = dict(fields)
    errors: dict[str, str] = {}
    recipient_type = data.get("recipient_type") or Recipient.COUNTRY
    code: str = (data.get("recipient_code") or "").strip().upper()
    if recipient_type not in Recipient.values:
        errors["recipient_type"] = _("Choose a country, a region or “unallocated”.")
    elif recipient_type == Recipient.UNALLOCATED:
        code = ""
    else:
        message = checks.code_problem("Country" if recipient_type == Recipient.COUNTRY else "Region", code)
        if message:
            errors["recipient_code"] = message
    data["recipient_type"], data["recipient_code"] = recipient_type, code
    for name, list_name in LINE_CODE_FIELDS.items():
        code_value = (str(data.get(name) or "")).strip().upper() or LINE_DEFAULTS.get(name, "")
        data[name] = code_value
        message = checks.code_problem(list_name, code_value)
        if message:
            errors[name] = message
    for name in POLICY_MARKERS:
        marker = data.get(name)
        if marker is None or marker == "":
            data[name] = None
            continue
        try:
            number = int(marker)
        except (TypeError, ValueError):
            number = -1
        if number not in (0, 1, 2):
            errors[name] = _(
                "A policy marker is 0 (not targeted), 1 (significant) or 2 (principal), or empty when not screened."
            )
        data[name] = number
    try:
        data["original_amount"] = _decimal(data.get("original_amount", ""), "original_amount")
        data["cofinancing"] = _decimal(data.get("cofinancing") or 0, "cofinancing")
    except ValidationError as error:
        errors.update({key: value[0] for key, value in error.message_dict.items()})
    currency = (data.get("original_currency") or campaign.currency).strip().upper()
    data["original_currency"] = currency
    if not errors:
        try:
            rate = year_average(currency, campaign.currency, campaign.year)
        except RateUnavailable as error:
            errors["original_currency"] = str(error)
        else:
            data["amount"] = rate.convert(data["original_amount"])
            data["exchange_rate"] = None if rate.value == 1 else rate.value
            data["rate_source"] = rate.source
            if data["cofinancing"] > data["amount"]:
                errors["cofinancing"] = _(
                    "The co-financing deducted (%(cofinancing)s) is larger than the amount (%(amount)s)."
                ) % {"cofinancing": data["cofinancing"], "amount": data["amount"]}
    if errors:
        raise ValidationError(errors)
    data["description"] = " ".join(str(data.get("description") or "").split())[:500]
    if not data["cofinancing"]:
        data["cofinancing_confirmed"] = (
            False if data.get("cofinancing_confirmed") is None else data["cofinancing_confirmed"]
        )
    return data


@transaction.atomic
def line_add(
    *, declaration: Declaration, user, revision: int | None = None, source: str = LineSource.MANUAL, **fields
) -> DeclarationLine:
    declaration = _editable(declaration, revision)
    data = clean_line(fields, campaign=declaration.campaign)
    position = (declaration.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    line = DeclarationLine(declaration=declaration, position=position, source=source, **data)
    with versioned_change(declaration, user=user, reason="line added") as change:
        save_with_history(line, user=user)
        declaration.is_nil = False
        _bump(declaration, change)
    return line


@transaction.atomic
def line_update(*, line: DeclarationLine, user, revision: int | None = None, **fields) -> DeclarationLine:
    declaration = _editable(line.declaration, revision)
    current = {name: getattr(line, name) for name in LINE_FIELDS if name != "project"}
    current["project"] = line.project
    data = clean_line({**current, **fields}, campaign=declaration.campaign)
    with versioned_change(declaration, user=user, reason="line changed") as change:
        for name, value in data.items():
            setattr(line, name, value)
        save_with_history(line, user=user)
        _bump(declaration, change)
    return line


@transaction.atomic
def line_remove(*, line: DeclarationLine, user, revision: int | None = None) -> None:
    declaration = _editable(line.declaration, revision)
    with versioned_change(declaration, user=user, reason="line removed") as change:
        line._history_user = _user(user)
        line.delete()
        _bump(declaration, change)


@transaction.atomic
def lines_replace(
    *,
    declaration: Declaration,
    user,
    rows: list[dict],
    revision: int | None = None,
    source: str = LineSource.SPREADSHEET,
) -> int:
    """Replace every line with ``rows`` (a spreadsheet import): all are checked first, and any error
    refuses the whole import, naming the row."""
    declaration = _editable(declaration, revision)
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=2):  # row 1 holds the column names
        try:
            cleaned.append(clean_line(row, campaign=declaration.campaign))
        except ValidationError as error:
            details = (
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
                if hasattr(error, "error_dict")
                else " ".join(error.messages)
            )
            errors.append(_("Row %(row)s: %(details)s") % {"row": number, "details": details})
    if errors:
        raise ValidationError(errors[:50])
    with versioned_change(declaration, user=user, reason="lines imported") as change:
        declaration.lines.all().delete()
        DeclarationLine.objects.bulk_create(
            [
                DeclarationLine(declaration=declaration, position=position, source=source, **{**data, "net_amount": 0})
                for position, data in enumerate(cleaned, start=1)
            ]
        )
        for line in declaration.lines.all():
            line.save(update_fields=["net_amount"])
        declaration.is_nil = not cleaned and declaration.is_nil
        _bump(declaration, change)
    return len(cleaned)


@transaction.atomic
def declaration_set_nil(*, declaration: Declaration, user, is_nil: bool, revision: int | None = None) -> Declaration:
    declaration = _editable(declaration, revision)
    if is_nil and declaration.lines.exists():
        raise ValidationError(
            _(
                "Remove the lines first: a nil declaration states that no development assistance "
                "was paid out of own funds in %(year)s."
            )
            % {"year": declaration.campaign.year}
        )
    with versioned_change(
        declaration, user=user, reason="nil declaration" if is_nil else "not a nil declaration"
    ) as change:
        declaration.is_nil = is_nil
        return _bump(declaration, change)


@transaction.atomic
def declaration_submit(
    *, declaration: Declaration, user, revision: int | None = None, today: date | None = None
) -> Declaration:
    declaration = _editable(declaration, revision)
    today = today or timezone.localdate()
    if today > declaration.closes_on:
        raise ValidationError(
            _("The campaign closed on %(date)s: ask the coordinator to extend it for your organisation.")
            % {"date": date_format(declaration.closes_on)},
            code="closed",
        )
    if today < declaration.campaign.opens_on:
        raise ValidationError(
            _("The campaign opens on %(date)s: declarations can be submitted from then.")
            % {"date": date_format(declaration.campaign.opens_on)},
            code="not_open",
        )
    problems = [issue for issue in checks.check(declaration) if issue.level == checks.ERROR]
    if problems:
        raise ValidationError([issue.message for issue in problems], code="checks")
    with versioned_change(declaration, user=user, reason="submitted") as change:
        declaration.status = DeclarationStatus.SUBMITTED
        declaration.submitted_at = timezone.now()
        declaration.submitted_by = _user(user)
        totals.add(declaration, sign=1)
        return _bump(declaration, change)


@transaction.atomic
def declaration_reopen(*, declaration: Declaration, user, reason: str) -> Declaration:
    declaration = _locked(declaration, None)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the declaration is reopened: its editors read it.")})
    if declaration.status != DeclarationStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted declaration can be reopened."))
    with versioned_change(declaration, user=user, reason="reopened") as change:
        totals.add(declaration, sign=-1)
        declaration.status = DeclarationStatus.REOPENED
        declaration.reopened_at = timezone.now()
        declaration.reopened_by = _user(user)
        declaration.reopen_reason = reason[:2000]
        return _bump(declaration, change)


@transaction.atomic
def declaration_extend(*, declaration: Declaration, user, until: date) -> Declaration:
    declaration = _locked(declaration, None)
    if until < declaration.campaign.closes_on:
        raise ValidationError(
            {
                "until": _("An extension ends after the campaign closes (%(date)s).")
                % {"date": date_format(declaration.campaign.closes_on)}
            }
        )
    with versioned_change(declaration, user=user, reason="extended") as change:
        declaration.deadline = until
        return _bump(declaration, change)


def codes_in_use() -> dict[str, dict]:
    """The codelists a line uses (for forms)."""
    return {name: codelist(name) for name in ("Country", "Region", *LINE_CODE_FIELDS.values())}
