import pytest
from django.contrib.auth.models import AnonymousUser

from coopdec.actors.selectors import organisations_visible_to
from coopdec.cooperation.selectors import partnerships_visible_to, projects_visible_to
from tests.factories import (
    make_member,
    make_organisation,
    make_partnership,
    make_project,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_visible_to_anonymous_only_published():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354, published=False)
    published = make_partnership(lyon, dakar)
    draft = make_partnership(lyon, dakar, published=False)
    make_project(partnership=draft, published=False)
    public_project = make_project(partnership=published)
    anonymous = AnonymousUser()
    assert list(organisations_visible_to(anonymous)) == [lyon]
    assert list(partnerships_visible_to(anonymous)) == [published]
    assert list(projects_visible_to(anonymous)) == [public_project]


def test_visible_to_party_member_includes_drafts_without_duplicates():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    dakar = make_organisation("Ville de Dakar", geonameid=2253354, published=False)
    draft = make_partnership(lyon, dakar, published=False)
    draft_project = make_project(partnership=draft, lead=lyon, published=False)
    member = make_member(dakar)
    make_member(lyon, user=member)
    assert sorted(o.name for o in organisations_visible_to(member)) == ["Ville de Dakar", "Ville de Lyon"]
    assert list(partnerships_visible_to(member)) == [draft]
    assert list(projects_visible_to(member)) == [draft_project]


def test_visible_to_coordinator_everything():
    lyon = make_organisation("Ville de Lyon", geonameid=2996944, published=False)
    draft = make_partnership(lyon, published=False)
    make_project(partnership=draft, published=False)
    coordinator = make_user(is_coordinator=True)
    assert organisations_visible_to(coordinator).count() == 1
    assert partnerships_visible_to(coordinator).count() == 1
    assert projects_visible_to(coordinator).count() == 1


def test_agreements_due_lists_overdue_and_soon_only():
    import datetime

    from coopdec.cooperation.models import Document
    from coopdec.cooperation.selectors import agreements_due

    lyon = make_organisation("Ville de Lyon", geonameid=2996944)
    partnership = make_partnership(lyon, make_organisation("Ville de Dakar", geonameid=2253354))
    today = datetime.date(2026, 11, 26)
    for title, renewal in (
        ("soon", datetime.date(2027, 1, 10)),
        ("late", datetime.date(2026, 6, 1)),
        ("later", datetime.date(2028, 1, 1)),
    ):
        Document.objects.create(
            partnership=partnership,
            title={"fr": title},
            url="https://example.org/c.pdf",
            is_agreement=True,
            renewal_on=renewal,
        )
    due = agreements_due(organisation_ids=[lyon.pk], today=today)
    assert [str(document) for document in due] == ["late", "soon"]
