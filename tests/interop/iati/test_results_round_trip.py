"""IATI results round trip: results (references, document links), indicators (measure, ascending, aggregation
status, references, document links), every baseline (year, date, value, comment, dimensions, locations, document
links), periods, targets and actuals (values that are numbers or text, dimensions, comments, locations, document
links) are imported and exported as they were; an indicator without a baseline exports valid IATI; only approved
actuals are exported."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from coopdec.actors.models import Organisation
from coopdec.cooperation import monitoring
from coopdec.cooperation.models import IndicatorDisaggregation, IndicatorValue
from coopdec.interop.iati.exporter import activities_xml
from coopdec.interop.iati.importer import iati_files_import
from coopdec.interop.iati.validate import validate_file
from coopdec.interop.models import IatiActivity
from tests.factories import make_member, make_organisation, make_partnership, make_project

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "iati" / "samples"
WITH_RESULTS = (
    "activity-standard-example-annotated-203.xml",
    "canada-activity.xml",
    "worldbank-activity.xml",
    "nl-mfa-13-activities.xml",
)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _flag(element, name):
    text = (element.get(name) or "").strip().lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def _texts(element, default_lang):
    """Narratives by language, the first of each (as the reader keeps them)."""
    texts = {}
    for narrative in element.findall("narrative") if element is not None else []:
        text = " ".join((narrative.text or "").split())
        texts.setdefault(narrative.get(XML_LANG, default_lang).lower()[:2], text) if text else None
    return texts


def _value(text):
    """A number (canonical), else the text as it was published, else None."""
    if not text or not text.strip():
        return None
    try:
        return Decimal(text.strip()).normalize()
    except ArithmeticError:
        return text


def _documents(element, lang):
    return [
        (
            link.get("url"),
            link.get("format"),
            _texts(link.find("title"), lang),
            _texts(link.find("description"), lang),
            tuple(c.get("code") for c in link.iterchildren("category")),
            tuple(c.get("code") for c in link.iterchildren("language")),
            link.find("document-date").get("iso-date") if link.find("document-date") is not None else None,
        )
        for link in element.iterchildren("document-link")
    ]


def _measure(element, lang):
    """(dimensions, value, locations, document links) of a baseline, target or actual."""
    return (
        tuple(sorted((d.get("name"), d.get("value")) for d in element.iterchildren("dimension"))),
        _value(element.get("value")),
        tuple(location.get("ref") for location in element.iterchildren("location")),
        _documents(element, lang),
    )


def _measures(elements, lang):
    """(the one without dimensions, the parts with dimensions, the first comment: only the first is kept)."""
    total, parts, comment = None, [], {}
    for element in elements:
        measure = _measure(element, lang)
        comment = comment or _texts(element.find("comment"), lang)
        if measure[0]:
            parts.append(measure)
        elif total is None and measure[1:] != (None, (), []):  # one with only a comment holds nothing else
            total = measure
    return total, parts, comment


def _baselines(baselines, lang):
    """Every baseline (year, date, dimensions, value, locations, documents), and their comments."""
    return (
        sorted((b.get("year"), b.get("iso-date") or "", *_measure(b, lang)) for b in baselines),
        sorted(
            tuple(sorted(comment.items()))
            for comment in (_texts(b.find("comment"), lang) for b in baselines)
            if comment
        ),
    )


def canonical(activity, lang):
    """What the round trip keeps of an activity's results: every element the 2.03 schema gives a result."""
    results = []
    for result in activity.iterchildren("result"):
        indicators = []
        for indicator in result.iterchildren("indicator"):
            baselines = list(indicator.iterchildren("baseline"))
            periods = [
                (
                    p.find("period-start").get("iso-date"),
                    p.find("period-end").get("iso-date"),
                    _measures(p.iterchildren("target"), lang),
                    _measures(p.iterchildren("actual"), lang),
                )
                for p in indicator.iterchildren("period")
            ]
            references = sorted(
                (r.get("vocabulary"), r.get("code"), r.get("indicator-uri"))
                for r in indicator.iterchildren("reference")
            )
            indicators.append(
                {
                    "measure": indicator.get("measure"),
                    "ascending": _flag(indicator, "ascending") is not False,
                    "aggregation_status": _flag(indicator, "aggregation-status"),
                    "title": _texts(indicator.find("title"), lang),
                    "description": _texts(indicator.find("description"), lang),
                    "documents": _documents(indicator, lang),
                    "references": references,
                    "baselines": _baselines(baselines, lang),
                    "periods": sorted(periods, key=repr),
                }
            )
        if indicators:
            results.append(
                {
                    "type": result.get("type"),
                    "aggregation_status": _flag(result, "aggregation-status"),
                    "title": _texts(result.find("title"), lang),
                    "description": _texts(result.find("description"), lang),
                    "documents": _documents(result, lang),
                    "references": sorted(
                        (r.get("vocabulary"), r.get("code"), r.get("vocabulary-uri"))
                        for r in result.iterchildren("reference")
                    ),
                    "indicators": indicators,
                }
            )
    return results


def _activities(root):
    lang = root.get(XML_LANG, "en")
    return {
        a.findtext("iati-identifier").strip(): canonical(a, a.get(XML_LANG, lang))
        for a in root.iterchildren("iati-activity")
    }


@pytest.mark.integration
@pytest.mark.parametrize("name", WITH_RESULTS)
def test_results_survive_import_then_export(tmp_path, name):
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"the IATI sample files are not at {SAMPLES}")
    report = iati_files_import(paths=[path])
    assert report.failed == 0
    original = {key: value for key, value in _activities(etree.parse(str(path)).getroot()).items() if value}
    assert original, "the sample has results"
    exported: dict = {}
    reporters = IatiActivity.objects.values_list("reporting_org", flat=True).distinct()
    for reporter in Organisation.objects.filter(pk__in=reporters):
        document = b"".join(activities_xml(reporter))
        exported.update(_activities(etree.fromstring(document)))
        out = tmp_path / f"{reporter.pk}.xml"
        out.write_bytes(document)
        assert validate_file(out).errors == []
    for identifier, results in original.items():
        assert exported[identifier] == results, identifier


def test_sample_dimensions_become_disaggregations(tmp_path):
    path = SAMPLES / "activity-standard-example-annotated-203.xml"
    if not path.is_file():
        pytest.skip(f"the IATI sample files are not at {SAMPLES}")
    iati_files_import(paths=[path])
    parts = sorted(
        (part.measure, tuple(sorted(part.dimensions.items())), part.value)
        for part in IndicatorDisaggregation.objects.all()
    )
    assert (("baseline", (("age", "adult"), ("sex", "female")), Decimal(10))) in parts
    assert {part[0] for part in parts} == {"baseline", "target", "actual"}
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {"approved"}


def _native_project():
    paris = make_organisation(iati_identifier="FR-RNA-W751")
    dakar = make_organisation(geonameid=2253354)
    project = make_project(
        partnership=make_partnership(paris, dakar), lead=paris, planned_start=datetime.date(2025, 1, 1)
    )
    return paris, dakar, project


def test_export_without_a_baseline_is_valid_and_leaves_out_unapproved_actuals(tmp_path):
    paris, dakar, project = _native_project()
    editor = make_member(paris)
    result = monitoring.result_save(project=project, title={"fr": "Eau potable"}, user=editor)
    indicator = monitoring.indicator_save(result=result, title={"fr": "Foyers raccordés"}, user=editor)
    approved = monitoring.period_save(
        indicator=indicator,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
        target="100",
        user=editor,
    ).value
    approved = monitoring.update_save(
        value=approved,
        actual="80",
        actual_parts=monitoring.parse_breakdown("sex: female = 50\nsex: male = 30"),
        submit=True,
        user=editor,
    ).value
    monitoring.update_approve(value=approved, user=make_member(dakar))
    pending = monitoring.period_save(
        indicator=indicator,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 12, 31),
        target="200",
        user=editor,
    ).value
    monitoring.update_save(value=pending, actual="150", submit=True, user=editor)
    document = b"".join(activities_xml(paris))
    out = tmp_path / "paris.xml"
    out.write_bytes(document)
    assert validate_file(out).errors == []
    (activity,) = etree.fromstring(document).iterchildren("iati-activity")
    (element,) = activity.iter("indicator")
    assert element.find("baseline") is None
    first, second = element.iterchildren("period")
    assert [(a.get("value"), [(d.get("name"), d.get("value")) for d in a]) for a in first.iter("actual")] == [
        ("80", []),
        ("50", [("sex", "female")]),
        ("30", [("sex", "male")]),
    ]
    assert [t.get("value") for t in second.iter("target")] == ["200"]
    assert list(second.iter("actual")) == []
