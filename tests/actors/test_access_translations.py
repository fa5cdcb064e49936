"""The request-access pages and mails speak Spanish and Portuguese too, not only French."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("es", "Solicite acceso a las fichas de su organización", "Enviar mi solicitud"),
        ("pt", "Peça acesso aos registos da sua organização", "Enviar o meu pedido"),
        ("fr", "Demander l’accès aux fiches de votre organisation", "Envoyer ma demande"),
    ],
)
def test_access_request_page_is_translated(client, language, heading, button):
    page = client.get("/access/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert button in page


def test_access_request_mail_strings_have_spanish_and_portuguese_plurals():
    singular = "Open this link to confirm your address and send your request (valid for %(days)s day):"
    plural = "Open this link to confirm your address and send your request (valid for %(days)s days):"
    with translation.override("es"):
        assert ngettext(singular, plural, 3) % {"days": 3} == (
            "Abra este enlace para confirmar su dirección y enviar su solicitud (válido durante 3 días):"
        )
        assert gettext("Approve: make them an editor") == "Aprobar: hacerle editor"
    with translation.override("pt"):
        assert ngettext(singular, plural, 1) % {"days": 1} == (
            "Abra esta ligação para confirmar o seu endereço e enviar o seu pedido (válida durante 1 dia):"
        )
        assert gettext("Approve: make them an editor") == "Aprovar: torná-lo editor"
