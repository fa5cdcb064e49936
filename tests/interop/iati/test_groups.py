"""The element groups of an activity (groups.py): each has a reader and a writer, side by side."""

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from coopdec.cooperation.models import (
    Budget,
    Contribution,
    ContributorRole,
    Document,
    Indicator,
    IndicatorValue,
    ProjectCountry,
    ProjectLocation,
    ProjectSdg,
    Result,
    Transaction,
)
from coopdec.interop.iati import exporter, read
from coopdec.interop.iati.groups import GROUPS
from coopdec.interop.iati.xmlsafe import XML_LANG
from coopdec.interop.models import IatiActivity
from tests.factories import make_organisation, make_partnership, make_project

XML_LANG_ATTRIBUTE = "@xml:lang"

# An activity with an element of every group that coopdec reads.
FULL_ACTIVITY = """
<iati-activity xml:lang="fr" default-currency="EUR" humanitarian="0" hierarchy="1">
  <iati-identifier>FR-RNA-W751-1</iati-identifier>
  <reporting-org ref="FR-RNA-W751" type="11"><narrative>Paris</narrative></reporting-org>
  <title><narrative>Eau potable</narrative></title>
  <description type="1"><narrative>Un puits</narrative></description>
  <description type="3"><narrative>Les habitants</narrative></description>
  <description type="2"><narrative>Un village</narrative></description>
  <participating-org ref="SN-NIN-1" role="4" type="11"><narrative>Dakar</narrative></participating-org>
  <other-identifier ref="ABC-1" type="A1"><owner-org ref="FR-RNA-W751"><narrative>Paris</narrative></owner-org>
  </other-identifier>
  <activity-status code="2"/>
  <activity-date iso-date="2025-01-01" type="1"/>
  <activity-scope code="4"/>
  <recipient-country code="SN" percentage="100"/>
  <recipient-region code="289" vocabulary="1"/>
  <location ref="L1"><location-id vocabulary="G1" code="2253354"/><name><narrative>Dakar</narrative></name>
    <point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>14.69 -17.44</pos></point></location>
  <sector vocabulary="1" code="14030" percentage="100"/>
  <sector vocabulary="99" code="W1"><narrative>Eau</narrative></sector>
  <tag vocabulary="3" code="6.1"/>
  <tag vocabulary="99" code="T1" vocabulary-uri="https://example.org/tags"><narrative>Jumelage</narrative></tag>
  <policy-marker vocabulary="1" code="1" significance="1"/>
  <collaboration-type code="1"/>
  <default-flow-type code="10"/>
  <default-finance-type code="110"/>
  <default-aid-type code="C01" vocabulary="1"/>
  <default-tied-status code="5"/>
  <budget type="1" status="1"><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>
    <value value-date="2025-01-01">1000</value></budget>
  <transaction ref="T-1"><transaction-type code="3"/><transaction-date iso-date="2025-03-01"/>
    <value value-date="2025-03-01">500</value><description><narrative>Forage</narrative></description>
    <provider-org ref="FR-RNA-W751"><narrative>Paris</narrative></provider-org>
    <receiver-org><narrative>Dakar</narrative></receiver-org></transaction>
  <document-link url="https://example.org/report.pdf" format="application/pdf"><title><narrative>Rapport</narrative>
    </title><category code="A01"/><language code="fr"/><document-date iso-date="2025-06-01"/></document-link>
  <result type="1"><title><narrative>Puits</narrative></title>
    <indicator measure="1" ascending="1"><title><narrative>Puits creusés</narrative></title>
      <baseline year="2024" iso-date="2024-01-01" value="0"/>
      <period><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/>
        <target value="3"/><actual value="2"/></period></indicator></result>
</iati-activity>
"""


def test_groups_have_distinct_names_elements_and_record_keys():
    names = [group.name for group in GROUPS]
    elements = [element for group in GROUPS for element in group.elements]
    keys = [key for group in GROUPS for key in group.record_keys]
    assert (len(set(names)), len(set(elements)), len(set(keys))) == (len(names), len(elements), len(keys))


def test_every_group_has_a_reader_and_a_writer_in_the_order_of_the_groups():
    assert [reader.__name__ for reader in read.READERS] == [f"read_{group.name}" for group in GROUPS]
    assert [writer.__name__ for writer in exporter.WRITERS] == [f"write_{group.name}" for group in GROUPS]
    for group, reader, writer in zip(GROUPS, read.READERS, exporter.WRITERS, strict=True):
        assert getattr(read, f"read_{group.name}") is reader
        assert getattr(exporter, f"write_{group.name}") is writer
        # Each names the other, so that a field added to one is looked for in the other.
        assert f"exporter.write_{group.name}" in reader.__doc__
        assert f"read.read_{group.name}" in writer.__doc__


def test_each_reader_fills_exactly_the_record_keys_of_its_group():
    activity = etree.fromstring(FULL_ACTIVITY)
    for group, reader in zip(GROUPS, read.READERS, strict=True):
        record: dict = {}
        reader(read.Source(activity, root_lang="", root_currency=""), record)
        assert (group.name, sorted(record)) == (group.name, sorted(group.record_keys))


def test_the_record_is_the_keys_of_the_groups():
    parsed = read.read_activity(etree.fromstring(FULL_ACTIVITY))
    record = parsed["record"]
    assert sorted(record) == sorted(key for group in GROUPS for key in group.record_keys)
    assert sorted(parsed["organisations"]) == ["ref:FR-RNA-W751", "ref:SN-NIN-1"]
    assert (record["identifier"], record["language"], record["humanitarian"], record["hierarchy"]) == (
        "FR-RNA-W751-1",
        "fr",
        False,
        1,
    )
    assert (record["sdgs"], record["scope"], record["default_tied_status"]) == (["6.1"], "4", "5")


def test_the_first_failing_group_says_why_the_activity_cannot_be_imported():
    activity = etree.fromstring(FULL_ACTIVITY)
    activity.remove(activity.find("title"))
    activity.find("budget/value").text = "1e20"
    with pytest.raises(read.ActivityError, match="^the activity has no title$"):
        read.read_activity(activity)
    activity.insert(2, etree.fromstring("<title><narrative>Eau</narrative></title>"))
    with pytest.raises(read.ActivityError, match="^the budget 1e20 is too large$"):
        read.read_activity(activity)


def _project_with_every_group():
    paris = make_organisation(iati_identifier="FR-RNA-W751")
    dakar = make_organisation(geonameid=2253354)
    project = make_project(
        partnership=make_partnership(paris, dakar),
        planned_start=datetime.date(2025, 1, 1),
        sectors={"14030": 100},
    )
    project.language, project.currency = "fr", "EUR"
    project.save()
    ProjectSdg.objects.create(project=project, target="6.1")
    ProjectCountry.objects.create(project=project, country_id="SN", percentage=100)
    ProjectLocation.objects.create(project=project, name="Dakar", latitude=14.69, longitude=-17.44)
    day = datetime.date(2025, 3, 1)
    Budget.objects.create(project=project, period_start=day, period_end=datetime.date(2025, 12, 31), value=1000)
    Transaction.objects.create(project=project, type="3", date=day, value=500, provider_name="Paris")
    Contribution.objects.create(project=project, role=ContributorRole.FUNDER, contributor_name="Fondation", amount=50)
    Document.objects.create(project=project, url="https://example.org/report.pdf", title={"fr": "Rapport"})
    result = Result.objects.create(project=project, title={"fr": "Puits"})
    indicator = Indicator.objects.create(result=result, title={"fr": "Puits creusés"})
    IndicatorValue.objects.create(
        indicator=indicator, period_start=day, period_end=datetime.date(2025, 12, 31), target=Decimal(3)
    )
    IatiActivity.objects.create(
        project=project,
        humanitarian=False,
        hierarchy=1,
        scope="4",
        collaboration_type="1",
        default_flow_type="10",
        default_finance_type="110",
        default_tied_status="5",
        default_aid_types=[{"vocabulary": "1", "code": "C01"}],
        other_identifiers=[{"ref": "ABC-1", "type": "A1", "owner_ref": "", "owner_name": {}}],
        recipient_regions=[{"code": "289", "vocabulary": "1", "percentage": None}],
        tags=[{"vocabulary": "99", "code": "T1", "vocabulary_uri": "", "narrative": {}}],
        policy_markers=[{"vocabulary": "1", "code": "1", "significance": "1"}],
    )
    return paris, project


def _attributes(element) -> set[str]:
    return {XML_LANG_ATTRIBUTE if name == XML_LANG else f"@{name}" for name in element.attrib}


@pytest.mark.django_db
def test_each_writer_writes_only_the_elements_of_its_group_and_every_group_is_written():
    paris, project = _project_with_every_group()
    project = exporter._projects([project.pk]).get()
    target = exporter.Target(project, project.iati, exporter.reporter_of(project, paris))
    for group, writer in zip(GROUPS, exporter.WRITERS, strict=True):
        activity = etree.Element("iati-activity")
        writer(activity, target)
        written = _attributes(activity) | {child.tag for child in activity}
        assert (group.name, written) == (group.name, set(group.elements))


@pytest.mark.django_db
def test_an_activity_element_has_its_children_in_the_order_of_the_groups():
    paris, project = _project_with_every_group()
    activity = exporter.activity_element(exporter._projects([project.pk]).get(), paris)
    position = {element: index for index, group in enumerate(GROUPS) for element in group.elements}
    order = [position[child.tag] for child in activity]
    assert order == sorted(order)
    assert sorted(set(order)) == list(range(len(GROUPS)))
    again = read.read_activity(activity)["record"]
    assert (again["scope"], again["sdgs"], len(again["results"]), len(again["transactions"])) == ("4", ["6.1"], 1, 2)
