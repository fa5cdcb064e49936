"""Writes about partnerships, projects and what projects carry (sectors, SDGs, budget, results, documents).

Keyword-only functions, each in a transaction; bad input raises ``ValidationError`` with a message
a person can act on, and nothing is written. The user making the change is recorded in the
history tables; every change of a partnership or a project, or of what it carries, is made in
``versioned_change``, which keeps its versions whole (relations included) for restoring them.
Access checks are the caller's job (``rules.py``), except that a non-coordinator creating a
partnership or a project must edit at least one of its parties (otherwise the record would be
orphaned for its own author).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coopdec.actors.models import EDITING_ROLES, Organisation
from coopdec.actors.selectors import is_coordinator, roles_of
from coopdec.actors.services import organisation_propose
from coopdec.common.i18n import clean_i18n
from coopdec.common.versions import check_version, save_with_history, versioned_change
from coopdec.territories.models import Country, Locality
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_exists

from .models import (
    ActivityStatus,
    Contribution,
    ContributionKind,
    ContributorRole,
    Document,
    Indicator,
    IndicatorValue,
    ParticipantRole,
    Partnership,
    PartnershipParty,
    PartyRole,
    Project,
    ProjectLocation,
    ProjectParticipant,
    ProjectSdg,
    ProjectSector,
    Result,
    SupportType,
)
from .selectors import party_ids

HUNDRED = Decimal("100")
SECTOR_CODELISTS = {"1": "Sector", "2": "SectorCategory"}

# Accepted documents: extension → (MIME type, accepted leading bytes). No SVG, no HTML, nothing executable.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
DOCUMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _check_dates(start, end, *, field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError(
            {
                field: _("The end date (%(end)s) is before the start date (%(start)s).")
                % {"end": end.isoformat(), "start": start.isoformat()}
            }
        )


def _check_author_is_party(user, organisation_ids: set[int]) -> None:
    if user is None or is_coordinator(user):
        return
    roles = roles_of(user)
    if not any(roles.get(org_id) in EDITING_ROLES for org_id in organisation_ids):
        raise ValidationError(
            _("You can only create records for an organisation you edit: make it one of the parties.")
        )


# Partnerships


def _normalise_parties(parties) -> list[tuple[Organisation, str]]:
    """Accept organisations or (organisation, role) pairs; refuse duplicates and fewer than two parties."""
    pairs = []
    for item in parties or []:
        organisation, role = item if isinstance(item, tuple) else (item, PartyRole.PARTNER)
        if role not in PartyRole.values:
            raise ValidationError({"parties": _("Unknown party role “%(role)s”.") % {"role": role}})
        pairs.append((organisation, role))
    ids = [organisation.pk for organisation, _role in pairs]
    if len(set(ids)) != len(ids):
        raise ValidationError({"parties": _("The same organisation is listed twice among the parties.")})
    if len(pairs) < 2:
        raise ValidationError(
            {
                "parties": _(
                    "A partnership needs at least two parties: add the partner organisation (create it first if it "
                    "is not "
                    "registered yet). For a project run by one organisation alone, create a project with a lead "
                    "organisation."
                )
            }
        )
    return pairs


PARTNERSHIP_FIELDS = {
    "title",
    "description",
    "kind",
    "status",
    "start_date",
    "end_date",
    "strategy_start_year",
    "strategy_end_year",
    "publication_status",
    "is_demo",
    "source",
    "source_ref",
}


def _set_partnership_fields(partnership: Partnership, fields: dict) -> None:
    unknown = set(fields) - PARTNERSHIP_FIELDS
    if unknown:
        raise TypeError(f"unknown partnership fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name in {"title", "description"}:
            value = clean_i18n(value)
        setattr(partnership, name, value)
    _check_dates(partnership.start_date, partnership.end_date)
    if partnership.strategy_start_year and partnership.strategy_end_year:
        if partnership.strategy_end_year < partnership.strategy_start_year:
            raise ValidationError({"strategy_end_year": _("The strategy ends before it starts.")})
    partnership.full_clean(exclude=["created_by"], validate_constraints=False)


@transaction.atomic
def partnership_create(*, user=None, parties, proposed_partner: dict | None = None, **fields) -> Partnership:
    """Create a partnership between two or more organisations (``parties``: organisations or (organisation, role)).

    ``proposed_partner``: the fields of a partner not yet registered (``organisation_propose``), recorded
    as a proposed draft and made a party; nothing is kept if the partnership is refused."""
    parties = list(parties or [])
    if proposed_partner:
        try:
            parties.append(organisation_propose(user=user, **proposed_partner))
        except ValidationError as error:  # shown on top: its fields are the partner's, not the partnership's
            raise ValidationError(error.messages) from None
    pairs = _normalise_parties(parties)
    _check_author_is_party(user, {organisation.pk for organisation, _role in pairs})
    partnership = Partnership(created_by=_user_or_none(user))
    _set_partnership_fields(partnership, fields)
    with versioned_change(partnership, user=user) as change:
        change.save()
        for organisation, role in pairs:
            save_with_history(
                PartnershipParty(partnership=partnership, organisation=organisation, role=role), user=user
            )
    return partnership


@transaction.atomic
def partnership_update(*, partnership: Partnership, user=None, version: str | None = None, **fields) -> Partnership:
    """``version``: the partnership's version the caller read (``check_version``)."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    check_version(partnership, version, fields=fields)
    with versioned_change(partnership, user=user) as change:
        _set_partnership_fields(partnership, fields)
        change.save()
    return partnership


@transaction.atomic
def partnership_delete(*, partnership: Partnership, user=None) -> None:
    """Delete a partnership; refused while some of its projects have no lead organisation to fall back on."""
    if partnership.projects.filter(lead_organisation__isnull=True).exists():
        raise ValidationError(
            _(
                "Some projects of this partnership have no lead organisation: delete them, or give each a lead "
                "organisation, before deleting the partnership."
            )
        )
    partnership._history_user = _user_or_none(user)
    partnership.delete()


@transaction.atomic
def party_add(
    *, partnership: Partnership, organisation: Organisation, role: str = PartyRole.PARTNER, joined_on=None, user=None
) -> PartnershipParty:
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Unknown party role “%(role)s”.") % {"role": role}})
    if partnership.party_links.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(name)s is already a party to this partnership.") % {"name": organisation.name}}
        )
    link = PartnershipParty(partnership=partnership, organisation=organisation, role=role, joined_on=joined_on)
    with versioned_change(partnership, user=user, reason="party added"):
        save_with_history(link, user=user)
    return link


@transaction.atomic
def party_update(*, party: PartnershipParty, role: str, joined_on=None, user=None) -> PartnershipParty:
    """Change a party's role or the date it joined the partnership (a new version of the partnership)."""
    party = PartnershipParty.objects.select_related("organisation", "partnership").get(pk=party.pk)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Unknown party role “%(role)s”.") % {"role": role}})
    partnership = party.partnership
    if joined_on is not None and partnership.end_date and joined_on > partnership.end_date:
        raise ValidationError(
            {
                "joined_on": _("%(name)s cannot join after the partnership ended (%(end)s).")
                % {"name": party.organisation.name, "end": partnership.end_date.isoformat()}
            }
        )
    if (party.role, party.joined_on) == (role, joined_on):
        return party
    with versioned_change(partnership, user=user, reason="party changed"):
        party.role, party.joined_on = role, joined_on
        save_with_history(party, user=user)
    return party


@transaction.atomic
def partnership_set_axes(*, partnership: Partnership, axes, user=None) -> Partnership:
    """Set the cooperation axes (themes) of a partnership, the imported twinnings' first themes:
    the atlas finds it by them from the next reindex (on commit)."""
    found = _axes(axes)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    with versioned_change(partnership, user=user, reason="themes changed"):
        partnership.axes.set(found)
    return partnership


@transaction.atomic
def party_remove(*, party: PartnershipParty, user=None) -> None:
    partnership = Partnership.objects.select_for_update().get(pk=party.partnership_id)
    if partnership.party_links.count() <= 2:
        raise ValidationError(
            _(
                "A partnership keeps at least two parties: add the new partner before removing this one, or end the "
                "partnership (status “ended”)."
            )
        )
    with versioned_change(partnership, user=user, reason="party removed"):
        party._history_user = _user_or_none(user)
        party.delete()


# Projects


def validate_sectors(sectors) -> list[tuple[str, str, Decimal | None]]:
    """``sectors``: (vocabulary, code, percentage) triples or {code: percentage} for DAC 5-digit codes.

    Codes must exist in their codelist; within each vocabulary the percentages sum to 100 (a single
    sector may leave it empty, meaning 100).
    """
    if isinstance(sectors, dict):
        sectors = [("1", code, percentage) for code, percentage in sectors.items()]
    rows, errors = [], []
    for vocabulary, code, percentage in sectors or []:
        vocabulary, code = str(vocabulary or "1").strip(), str(code).strip()
        codelist = SECTOR_CODELISTS.get(vocabulary)
        if codelist is None:
            errors.append(
                _("Sector vocabulary %(vocabulary)s is not supported: use DAC 5-digit (1) or 3-digit (2) codes.")
                % {"vocabulary": vocabulary}
            )
            continue
        if not code_exists(codelist, code):
            errors.append(_("“%(code)s” is not a DAC sector code; pick one from the list.") % {"code": code})
            continue
        if percentage in (None, ""):
            value = None
        else:
            try:
                value = Decimal(str(percentage))
            except InvalidOperation:
                errors.append(_("The percentage of sector %(code)s is not a number.") % {"code": code})
                continue
            if not Decimal(0) <= value <= HUNDRED:
                errors.append(_("The percentage of sector %(code)s must be between 0 and 100.") % {"code": code})
                continue
        rows.append((vocabulary, code, value))
    seen = set()
    for vocabulary, code, _value in rows:
        if (vocabulary, code) in seen:
            errors.append(_("Sector %(code)s is listed twice.") % {"code": code})
        seen.add((vocabulary, code))
    by_vocabulary = defaultdict(list)
    for vocabulary, _code, value in rows:
        by_vocabulary[vocabulary].append(value)
    for values in by_vocabulary.values():
        if len(values) == 1 and values[0] is None:
            continue
        if any(value is None for value in values):
            errors.append(_("Give a percentage for every sector (they must add up to 100)."))
            continue
        total = sum((value for value in values if value is not None), Decimal(0))  # none is None here
        if total != HUNDRED:
            errors.append(
                _("The sector percentages add up to %(total)s%%, not 100%%: adjust them so that they total 100.")
                % {"total": f"{total.normalize():f}"}
            )
    if errors:
        raise ValidationError({"sectors": errors})
    return [(vocabulary, code, value if value is not None else HUNDRED) for vocabulary, code, value in rows]


def validate_sdgs(targets) -> list[str]:
    """SDG goals ("6") or targets ("6.1") from the UNSDG-Goals and UNSDG-Targets codelists."""
    cleaned, errors = [], []
    for target in targets or []:
        target = str(target).strip()
        if not target:
            continue
        if not (code_exists("UNSDG-Targets", target) or code_exists("UNSDG-Goals", target)):
            errors.append(_("“%(code)s” is not an SDG goal or target (for example 6 or 6.1).") % {"code": target})
        elif target not in cleaned:
            cleaned.append(target)
    if errors:
        raise ValidationError({"sdgs": errors})
    return cleaned


def validate_currency(code: str, *, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if not code_exists("Currency", code):
        raise ValidationError(
            {
                field: _("“%(code)s” is not a known currency code (ISO 4217, for example EUR, XOF, BRL).")
                % {"code": code}
            }
        )
    return code


PROJECT_FIELDS = {
    "title",
    "summary",
    "description",
    "support_types",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "beneficiaries_count",
    "beneficiary_groups",
    "currency",
    "language",
    "iati_identifier",
    "partnership",
    "lead_organisation",
    "publication_status",
    "is_demo",
    "source",
    "source_ref",
}


def _set_project_fields(project: Project, fields: dict) -> None:
    unknown = set(fields) - PROJECT_FIELDS
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name in {"title", "summary", "description", "beneficiary_groups"}:
            value = clean_i18n(value)
        elif name == "support_types":
            value = [item for item in SupportType.values if item in set(value or [])]
            if len(value) != len(set(fields["support_types"] or [])):
                raise ValidationError({"support_types": _("Unknown support type.")})
        elif name == "currency":
            value = validate_currency(value)
        elif name == "iati_identifier":
            value = (value or "").strip()
        setattr(project, name, value)
    if not project.title:
        raise ValidationError({"title": _("Give the project a title, in at least one language.")})
    if not project.partnership_id and not project.lead_organisation_id:
        raise ValidationError(
            {"partnership": _("A project belongs to a partnership or is led by an organisation: choose one.")}
        )
    if project.status not in ActivityStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    _check_dates(project.planned_start, project.planned_end, field="planned_end")
    _check_dates(project.actual_start, project.actual_end, field="actual_end")
    if (
        project.iati_identifier
        and Project.objects.filter(iati_identifier=project.iati_identifier).exclude(pk=project.pk).exists()
    ):
        raise ValidationError(
            {
                "iati_identifier": _("Another project already has the IATI identifier %(identifier)s.")
                % {"identifier": project.iati_identifier}
            }
        )
    project.full_clean(
        exclude=["created_by", "partnership", "lead_organisation"], validate_unique=False, validate_constraints=False
    )


def _replace_sectors(project: Project, rows) -> None:
    project.sectors.all().delete()
    ProjectSector.objects.bulk_create(
        ProjectSector(project=project, vocabulary=vocabulary, code=code, percentage=percentage)
        for vocabulary, code, percentage in rows
    )


def _replace_sdgs(project: Project, targets: list[str]) -> None:
    project.sdgs.all().delete()
    ProjectSdg.objects.bulk_create(ProjectSdg(project=project, target=target) for target in targets)


def _axes(codes) -> list[Axis]:
    codes = [code.code if isinstance(code, Axis) else code for code in codes or []]
    found = list(Axis.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise ValidationError({"axes": _("Unknown cooperation axis.")})
    return found


def _replace_locations(project: Project, locations) -> None:
    """``locations``: Locality objects, geonameids, or dicts with name/latitude/longitude/country."""
    project.locations.all().delete()
    rows = []
    for item in locations or []:
        if isinstance(item, int):
            item = Locality.objects.filter(pk=item).first() or item
        if isinstance(item, Locality):
            rows.append(
                ProjectLocation(
                    project=project,
                    locality=item,
                    name=item.name,
                    latitude=item.latitude,
                    longitude=item.longitude,
                    country_id=item.country_id,
                )
            )
        elif isinstance(item, dict):
            latitude, longitude = item.get("latitude"), item.get("longitude")
            if latitude is None or longitude is None or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValidationError(
                    {"locations": _("A location needs valid coordinates (latitude −90…90, longitude −180…180).")}
                )
            country = item.get("country")
            if country and not Country.objects.filter(code=country).exists():
                raise ValidationError({"locations": _("Unknown country code “%(code)s”.") % {"code": country}})
            rows.append(
                ProjectLocation(
                    project=project,
                    name=(item.get("name") or "")[:255],
                    latitude=latitude,
                    longitude=longitude,
                    country_id=country or None,
                )
            )
        else:
            raise ValidationError({"locations": _("Unknown place: choose it from the gazetteer.")})
    ProjectLocation.objects.bulk_create(rows)


@transaction.atomic
def project_create(*, user=None, title, sectors=None, sdgs=None, axes=None, locations=None, **fields) -> Project:
    """Create a project within a partnership and/or led by an organisation.

    ``sectors``: see ``validate_sectors``; ``sdgs``: goal or target codes; ``axes``: axis codes;
    ``locations``: see ``_replace_locations``.
    """
    sector_rows = validate_sectors(sectors) if sectors is not None else []
    sdg_codes = validate_sdgs(sdgs)
    axis_objects = _axes(axes)
    project = Project(created_by=_user_or_none(user))
    _set_project_fields(project, {"title": title, **fields})
    _check_author_is_party(user, party_ids(project))
    with versioned_change(project, user=user) as change:
        change.save()
        _replace_sectors(project, sector_rows)
        _replace_sdgs(project, sdg_codes)
        project.axes.set(axis_objects)
        _replace_locations(project, locations)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    user=None,
    version: str | None = None,
    sectors=None,
    sdgs=None,
    axes=None,
    locations=None,
    **fields,
) -> Project:
    """Change a project; ``sectors``, ``sdgs``, ``axes``, ``locations`` replace the lists when given.
    ``version``: the project's version the caller read (``check_version``)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    lists = {"sectors": sectors, "sdgs": sdgs, "axes": axes, "locations": locations}
    check_version(project, version, fields=[*fields, *(name for name, value in lists.items() if value is not None)])
    sector_rows = validate_sectors(sectors) if sectors is not None else None
    sdg_codes = validate_sdgs(sdgs) if sdgs is not None else None
    axis_objects = _axes(axes) if axes is not None else None
    _set_project_fields(project, fields)
    with versioned_change(project, user=user) as change:
        change.save()
        if sector_rows is not None:
            _replace_sectors(project, sector_rows)
        if sdg_codes is not None:
            _replace_sdgs(project, sdg_codes)
        if axis_objects is not None:
            project.axes.set(axis_objects)
        if locations is not None:
            _replace_locations(project, locations)
    return project


@transaction.atomic
def project_delete(*, project: Project, user=None) -> None:
    project._history_user = _user_or_none(user)
    project.delete()


# Budget: contributions of parties and funders


@transaction.atomic
def contribution_add(
    *,
    project: Project,
    user=None,
    amount,
    currency: str = "",
    organisation: Organisation | None = None,
    contributor_name: str = "",
    role: str = ContributorRole.PARTY,
    kind: str = ContributionKind.CASH,
    year: int | None = None,
) -> Contribution:
    if organisation is None and not contributor_name.strip():
        raise ValidationError({"organisation": _("Say who contributes: a registered organisation or a name.")})
    if role not in ContributorRole.values:
        raise ValidationError({"role": _("Unknown contributor role.")})
    if kind not in ContributionKind.values:
        raise ValidationError({"kind": _("Unknown kind of contribution.")})
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        raise ValidationError({"amount": _("The amount is not a number.")}) from None
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    contribution = Contribution(
        project=project,
        organisation=organisation,
        contributor_name=contributor_name.strip(),
        role=role,
        kind=kind,
        amount=amount,
        currency=validate_currency(currency or project.currency),
        year=year,
    )
    contribution.full_clean()
    with versioned_change(project, user=user, reason="contribution added"):
        save_with_history(contribution, user=user)
    return contribution


@transaction.atomic
def contribution_remove(*, contribution: Contribution, user=None) -> None:
    with versioned_change(contribution.project, user=user, reason="contribution removed"):
        contribution._history_user = _user_or_none(user)
        contribution.delete()


# Participating organisations (IATI participating-org: funding, accountable, extending, implementing)


def _participant_clash(project: Project, organisation: Organisation, role: str, *, excluding=None) -> None:
    clash = ProjectParticipant.objects.filter(project=project, organisation=organisation, role=role)
    if excluding is not None:
        clash = clash.exclude(pk=excluding.pk)
    if clash.exists():
        raise ValidationError(
            {
                "role": _("%(name)s is already listed with the role “%(role)s”.")
                % {"name": organisation.name, "role": ParticipantRole(role).label}
            }
        )


def _participant_values(role: str, activity_id: str) -> tuple[str, str]:
    if role not in ParticipantRole.values:
        raise ValidationError({"role": _("Unknown role: choose funding, accountable, extending or implementing.")})
    activity_id = (activity_id or "").strip()
    if len(activity_id) > 200:
        raise ValidationError({"activity_id": _("The activity identifier is too long (200 characters at most).")})
    return role, activity_id


@transaction.atomic
def participant_add(
    *, project: Project, organisation: Organisation, role: str, activity_id: str = "", user=None
) -> ProjectParticipant:
    """List an organisation with a role in the project (one organisation may have several roles)."""
    role, activity_id = _participant_values(role, activity_id)
    _participant_clash(project, organisation, role)
    with versioned_change(project, user=user, reason="participant added"):
        participant = ProjectParticipant.objects.create(
            project=project, organisation=organisation, role=role, activity_id=activity_id
        )
    return participant


@transaction.atomic
def participant_update(
    *, participant: ProjectParticipant, role: str, activity_id: str = "", user=None
) -> ProjectParticipant:
    participant = ProjectParticipant.objects.select_related("project", "organisation").get(pk=participant.pk)
    role, activity_id = _participant_values(role, activity_id)
    if (participant.role, participant.activity_id) == (role, activity_id):
        return participant
    _participant_clash(participant.project, participant.organisation, role, excluding=participant)
    with versioned_change(participant.project, user=user, reason="participant changed"):
        participant.role, participant.activity_id = role, activity_id
        participant.save(update_fields=["role", "activity_id"])
    return participant


@transaction.atomic
def participant_remove(*, participant: ProjectParticipant, user=None) -> None:
    with versioned_change(participant.project, user=user, reason="participant removed"):
        participant.delete()


# Results, indicators and their values per territory


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _set_result(result: Result, *, title, description, type: str) -> None:
    result.title, result.description, result.type = clean_i18n(title), clean_i18n(description), type
    if not result.title:
        raise ValidationError({"title": _("Give the expected result a title.")})
    result.full_clean()


@transaction.atomic
def result_create(*, project: Project, title, description=None, type: str = "1", user=None) -> Result:
    result = Result(project=project, position=_next_position(project.results))
    _set_result(result, title=title, description=description, type=type)
    with versioned_change(project, user=user, reason="result added"):
        result.save()
    return result


@transaction.atomic
def result_update(*, result: Result, title, description=None, type: str = "1", user=None) -> Result:
    result = Result.objects.select_related("project").get(pk=result.pk)
    before = (result.title, result.description, result.type)
    _set_result(result, title=title, description=description, type=type)
    if (result.title, result.description, result.type) == before:
        return result  # nothing changed: no version
    with versioned_change(result.project, user=user, reason="result changed"):
        result.save()
    return result


@transaction.atomic
def result_remove(*, result: Result, user=None) -> None:
    """Remove an expected result with its indicators and their values (a restore brings them back)."""
    with versioned_change(result.project, user=user, reason="result removed"):
        result.delete()


def _set_indicator(indicator: Indicator, *, title, description, measure: str, ascending: bool) -> None:
    indicator.title, indicator.description = clean_i18n(title), clean_i18n(description)
    indicator.measure, indicator.ascending = measure, ascending
    if not indicator.title:
        raise ValidationError({"title": _("Give the indicator a title.")})
    indicator.full_clean()


@transaction.atomic
def indicator_create(
    *, result: Result, title, description=None, measure: str = "1", ascending: bool = True, user=None
) -> Indicator:
    indicator = Indicator(result=result, position=_next_position(result.indicators))
    _set_indicator(indicator, title=title, description=description, measure=measure, ascending=ascending)
    with versioned_change(result.project, user=user, reason="indicator added"):
        indicator.save()
    return indicator


@transaction.atomic
def indicator_update(
    *, indicator: Indicator, title, description=None, measure: str = "1", ascending: bool = True, user=None
) -> Indicator:
    indicator = Indicator.objects.select_related("result__project").get(pk=indicator.pk)
    before = (indicator.title, indicator.description, indicator.measure, indicator.ascending)
    _set_indicator(indicator, title=title, description=description, measure=measure, ascending=ascending)
    if (indicator.title, indicator.description, indicator.measure, indicator.ascending) == before:
        return indicator  # nothing changed: no version
    with versioned_change(indicator.result.project, user=user, reason="indicator changed"):
        indicator.save()
    return indicator


@transaction.atomic
def indicator_remove(*, indicator: Indicator, user=None) -> None:
    """Remove an indicator with the values measured (a restore brings them back)."""
    with versioned_change(indicator.result.project, user=user, reason="indicator removed"):
        indicator.delete()


@transaction.atomic
def indicator_value_set(
    *,
    indicator: Indicator,
    period_start,
    period_end,
    territory: Organisation | None = None,
    baseline=None,
    target=None,
    actual=None,
    comment=None,
    user=None,
) -> IndicatorValue:
    """Record baseline/target/actual for a period, measured in one party's territory (or project-wide)."""
    project = indicator.result.project
    if territory is not None and territory.pk not in party_ids(project):
        raise ValidationError(
            {"territory": _("Measure the indicator in the territory of one of the project's parties.")}
        )
    _check_dates(period_start, period_end, field="period_end")
    where = {"indicator": indicator, "territory": territory, "period_start": period_start, "period_end": period_end}
    figures = {"baseline": baseline, "target": target, "actual": actual, "comment": clean_i18n(comment)}
    existing = IndicatorValue.objects.filter(**where).first()
    if existing is not None and all(getattr(existing, name) == figure for name, figure in figures.items()):
        return existing  # the same values again: no version
    with versioned_change(project, user=user, reason="indicator value"):
        value, _created = IndicatorValue.objects.update_or_create(**where, defaults=figures)
    return value


@transaction.atomic
def indicator_value_remove(*, value: IndicatorValue, user=None) -> None:
    with versioned_change(value.indicator.result.project, user=user, reason="indicator value removed"):
        value.delete()


# Documents


def validate_upload(upload) -> str:
    """Check size, extension and leading bytes of an uploaded file; return its MIME type."""
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = Path(upload.name).suffix.lower().lstrip(".")
    accepted = DOCUMENT_TYPES.get(extension)
    if accepted is None:
        raise ValidationError(
            {
                "file": _(
                    "Files of type “%(extension)s” are not accepted. Upload a PDF, an office document (Word, Excel, "
                    "PowerPoint, OpenDocument) or an image (PNG, JPEG, GIF, WebP)."
                )
                % {"extension": extension or "?"}
            }
        )
    mime, signatures = accepted
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            {
                "file": _("The file's content does not match its “.%(extension)s” name; it was refused.")
                % {"extension": extension}
            }
        )
    return mime


@transaction.atomic
def document_add(
    *,
    title,
    project: Project | None = None,
    partnership: Partnership | None = None,
    file=None,
    url: str = "",
    user=None,
    category: str = "",
    language: str = "",
    document_date=None,
    is_agreement: bool = False,
    signed_on=None,
    renewal_on=None,
) -> Document:
    if (project is None) == (partnership is None):
        raise TypeError("attach a document to exactly one project or partnership")
    title = clean_i18n(title)
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    if not file and not url:
        raise ValidationError({"file": _("Upload a file or give the address of the document.")})
    mime = validate_upload(file) if file else ""
    if category and not code_exists("DocumentCategory", category):
        raise ValidationError({"category": _("Unknown document category.")})
    _check_dates(signed_on, renewal_on, field="renewal_on")
    document = Document(
        project=project,
        partnership=partnership,
        title=title,
        url=url or "",
        format=mime,
        category=category,
        language=language,
        document_date=document_date,
        is_agreement=is_agreement,
        signed_on=signed_on,
        renewal_on=renewal_on,
        uploaded_by=_user_or_none(user),
    )
    if file:
        document.file.save(Path(file.name).name, file, save=False)
    document.full_clean(exclude=["file", "uploaded_by"])
    with versioned_change(project or partnership, user=user, reason="document added"):
        save_with_history(document, user=user)
    return document


@transaction.atomic
def document_remove(*, document: Document, user=None) -> None:
    """Remove a document. Its stored file stays (served to no one: no document points to it) so that
    restoring an earlier version brings the document back whole, until ``documents_purge`` deletes it."""
    with versioned_change(document.project or document.partnership, user=user, reason="document removed"):
        document._history_user = _user_or_none(user)
        document.delete()


def documents_purge(*, older_than: timedelta, dry_run: bool = False) -> list[str]:
    """Delete the stored files that no document has pointed to for ``older_than`` (a document removed,
    or its project or partnership deleted, that long ago); return their names. Once a file is purged,
    restoring a version that had its document leaves that document out, and says so."""
    history = Document.history.model
    cutoff = timezone.now() - older_than
    in_use = set(Document.objects.exclude(file="").values_list("file", flat=True))
    last_seen = history.objects.exclude(file="").values("file").annotate(last=Max("history_date"))
    names = sorted(row["file"] for row in last_seen if row["last"] < cutoff and row["file"] not in in_use)
    storage = Document._meta.get_field("file").storage
    purged = [name for name in names if storage.exists(name)]
    if not dry_run:
        for name in purged:
            storage.delete(name)
    return purged
