"""IATI results beyond their figures: document links of results, indicators, baselines, targets and actuals,
the locations they refer to, values published as text, and baselines of several years; read, kept, exported
back in the schema's order, shown on the project's page; hostile input fails its activity with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from lxml import etree

from coopdec.cooperation import monitoring, selectors
from coopdec.cooperation.models import Indicator, IndicatorDisaggregation, IndicatorValue, Project, Result
from coopdec.cooperation.result_links import validate_document_links, validate_other_baselines
from coopdec.interop.iati.exporter import activities_xml
from coopdec.interop.iati.importer import iati_files_import
from coopdec.interop.iati.validate import validate_file
from tests.factories import make_member
from tests.interop.iati.test_importer import WATER, activities_file

pytestmark = pytest.mark.django_db


def _link(name: str, url: str | None = None) -> str:
    url = url if url is not None else f"https://example.org/{name}.pdf"
    return (
        f'<document-link url="{url}" format="application/pdf"><title><narrative>{name}</narrative></title>'
        f'<category code="A07"/><language code="fr"/><document-date iso-date="2024-06-30"/></document-link>'
    )


RESULT = f"""<result type="1">
   <title><narrative>Bornes-fontaines</narrative></title>
   {_link("rapport")}
   <reference vocabulary="99" code="B1" vocabulary-uri="https://example.org/codes"/>
   <indicator measure="1" ascending="1">
    <title><narrative>Bornes installées</narrative></title>
    {_link("methode")}
    <baseline year="2023" value="2"><location ref="DKR"/>{_link("base-2023")}
     <comment><narrative>Recensement</narrative></comment></baseline>
    <baseline year="2020" iso-date="2020-06-01" value="N=35;P=55"><dimension name="sex" value="female"/>
     <comment><narrative>Enquête ancienne</narrative></comment></baseline>
    <period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
     <target value="10"><location ref="DKR"/><comment><narrative>Cible</narrative></comment>{_link("cible")}</target>
     <actual value="Sept bornes, dont deux en service partiel"/>
     <actual value="4"><dimension name="sex" value="female"/>{_link("femmes")}</actual>
    </period>
   </indicator>
  </result>"""


def _activity(n: int, result: str = RESULT) -> str:
    start = WATER.index("<result")
    end = WATER.index("</result>") + len("</result>")
    return (WATER[:start] + result + WATER[end:]).format(n=n)


def _import(tmp_path, *activities: str):
    return iati_files_import(paths=[activities_file(tmp_path, *activities)])


def test_result_links_text_values_and_other_baselines_are_kept(tmp_path):
    assert _import(tmp_path, _activity(1)).failed == 0
    result = Result.objects.get()
    assert [(d["url"], d["title"], d["categories"], d["languages"], d["date"]) for d in result.documents] == [
        ("https://example.org/rapport.pdf", {"fr": "rapport"}, ["A07"], ["fr"], "2024-06-30")
    ]
    assert result.references == [{"vocabulary": "99", "code": "B1", "uri": "https://example.org/codes"}]
    indicator = Indicator.objects.get()
    assert [d["url"] for d in indicator.documents] == ["https://example.org/methode.pdf"]
    assert indicator.baseline_year == 2023
    assert indicator.baseline_links["locations"] == ["DKR"]
    assert [d["url"] for d in indicator.baseline_links["documents"]] == ["https://example.org/base-2023.pdf"]
    assert indicator.other_baselines == [
        {
            "year": 2020,
            "date": "2020-06-01",
            "value": None,
            "value_text": "N=35;P=55",
            "comment": {"fr": "Enquête ancienne"},
            "dimensions": {"sex": "female"},
            "locations": [],
            "documents": [],
        }
    ]
    value = IndicatorValue.objects.get()
    assert (value.baseline, value.target, value.actual) == (Decimal(2), Decimal(10), None)
    assert value.actual_value_text == "Sept bornes, dont deux en service partiel"
    assert value.target_links["locations"] == ["DKR"]
    assert [d["url"] for d in value.target_links["documents"]] == ["https://example.org/cible.pdf"]
    assert value.actual_links == {}
    (part,) = IndicatorDisaggregation.objects.all()
    assert (part.measure, part.value, part.value_text) == ("actual", Decimal(4), "")
    assert [d["url"] for d in part.links["documents"]] == ["https://example.org/femmes.pdf"]


def _exported_result(tmp_path):
    project = Project.objects.get()
    document = b"".join(activities_xml(project.lead_organisation))
    out = tmp_path / "export.xml"
    out.write_bytes(document)
    assert validate_file(out).errors == []
    (activity,) = etree.fromstring(document).iterchildren("iati-activity")
    return activity.find("result")


def test_export_writes_them_back_in_schema_order(tmp_path):
    _import(tmp_path, _activity(1))
    result = _exported_result(tmp_path)
    assert [child.tag for child in result] == ["title", "document-link", "reference", "indicator"]
    assert result.find("reference").get("vocabulary-uri") == "https://example.org/codes"
    indicator = result.find("indicator")
    assert [child.tag for child in indicator] == ["title", "document-link", "baseline", "baseline", "period"]
    first, other = indicator.iterchildren("baseline")
    assert [child.tag for child in first] == ["location", "document-link", "comment"]
    assert (first.get("year"), first.get("value")) == ("2023", "2")
    assert (other.get("year"), other.get("iso-date"), other.get("value")) == ("2020", "2020-06-01", "N=35;P=55")
    assert [child.tag for child in other] == ["dimension", "comment"]
    period = indicator.find("period")
    target = period.find("target")
    assert [child.tag for child in target] == ["location", "comment", "document-link"]
    assert [(a.get("value"), [c.tag for c in a]) for a in period.iterchildren("actual")] == [
        ("Sept bornes, dont deux en service partiel", []),
        ("4", ["dimension", "document-link"]),
    ]


def test_importing_the_export_again_changes_nothing(tmp_path):
    _import(tmp_path, _activity(1))
    project = Project.objects.get()
    document = b"".join(activities_xml(project.lead_organisation))
    again = tmp_path / "again.xml"
    again.write_bytes(document)
    assert iati_files_import(paths=[again]).counts()["unchanged"] == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            ('<document-link url="https://example.org/cible.pdf"', '<document-link url=""'),
            "a document-link of a result, indicator, baseline, target or actual has no url",
        ),
        (
            ("https://example.org/rapport.pdf", "javascript:alert(1)"),
            "the document-link url javascript:alert(1) is not an http, https or ftp address of at most 1000 characters",
        ),
        (
            ('<target value="10"><location ref="DKR"/>', '<target value="10"><location ref="NOWHERE"/>'),
            "a location of a result refers to NOWHERE, which names none of the activity's locations",
        ),
        (
            ('value="N=35;P=55"', 'value="' + "N" * 5000 + '"'),
            "an indicator value that is not a number is longer than 1000 characters",
        ),
    ],
)
def test_hostile_result_input_fails_its_activity_with_a_reason(tmp_path, change, reason):
    bad = _activity(2).replace(*change)
    assert bad != _activity(2)
    summary = _import(tmp_path, _activity(1), bad)
    assert [(f.identifier, f.reason) for f in summary.failures] == [("FR-RNA-W751-2", reason)]
    assert list(Project.objects.values_list("iati_identifier", flat=True)) == ["FR-RNA-W751-1"]
    assert Result.objects.count() == 1


def test_text_values_are_never_counted(tmp_path):
    _import(tmp_path, _activity(1))
    assert IndicatorValue.objects.get().status == "approved"
    assert list(selectors.counted_values()) == []


def test_entering_a_number_replaces_the_published_text(tmp_path):
    _import(tmp_path, _activity(1))
    value = IndicatorValue.objects.get()
    editor = make_member(Project.objects.get().lead_organisation)
    monitoring.update_save(value=value, actual="7", user=editor)
    value.refresh_from_db()
    assert (value.actual, value.actual_value_text) == (Decimal(7), "")


def test_project_page_shows_documents_as_links_and_text_values_as_text(client, tmp_path):
    _import(tmp_path, _activity(1))
    project = Project.objects.get()
    project.publication_status = "published"
    project.save(update_fields=["publication_status"])
    with translation.override("fr"):
        page = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<a href="https://example.org/rapport.pdf" rel="nofollow noopener">rapport</a>' in page
    assert '<a href="https://example.org/cible.pdf" rel="nofollow noopener">cible</a>' in page
    assert '<span class="value-text">Sept bornes, dont deux en service partiel</span>' in page
    assert '<span class="value-text">N=35;P=55</span>' in page
    assert "Lieux : Dakar" in page
    assert "Autres valeurs de référence :" in page


def test_validators_refuse_links_that_could_not_be_published():
    link = {
        "url": "javascript:alert(1)",
        "format": "text/html",
        "title": {"fr": "x"},
        "description": {},
        "categories": ["A01"],
        "languages": [],
        "date": None,
    }
    with pytest.raises(ValidationError):
        validate_document_links([link])
    validate_document_links([{**link, "url": "https://example.org/x"}])
    with pytest.raises(ValidationError):
        validate_other_baselines([{"year": 2020, "value": "N=3"}])


def test_a_baseline_without_a_period_keeps_its_text(tmp_path):
    result = RESULT.replace(RESULT[RESULT.index("<period>") : RESULT.index("</period>") + len("</period>")], "")
    result = result.replace('value="2"', 'value="deux bornes"')
    _import(tmp_path, _activity(1, result))
    (value,) = IndicatorValue.objects.all()
    assert (value.period_start, value.baseline, value.baseline_value_text) == (
        datetime.date(2023, 1, 1),
        None,
        "deux bornes",
    )
    indicator = _exported_result(tmp_path).find("indicator")
    assert [b.get("value") for b in indicator.iterchildren("baseline")] == ["deux bornes", "N=35;P=55"]
    assert indicator.find("period") is None


def test_results_editor_shows_the_published_text(client, tmp_path):
    _import(tmp_path, _activity(1))
    project = Project.objects.get()
    client.force_login(make_member(project.lead_organisation))
    url = reverse("cooperation:result_edit", args=[project.pk, Result.objects.get().pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert (
        "Published as text, never summed; a number entered here replaces it: "
        "Actual “Sept bornes, dont deux en service partiel”"
    ) in page.content.decode()
