from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from coopdec.actors.models import CountryCoordinator
from coopdec.common.demo import demo_password
from coopdec.territories.models import Country


class Command(BaseCommand):
    help = (
        "Create the demonstration administrator and France's demonstration coordinator (once) "
        "and print their credentials."
    )

    def handle(self, *args, **options):
        password = self.account("admin", "admin@example.org", is_staff=True, is_superuser=True, is_coordinator=True)
        self.stdout.write(self.style.SUCCESS(f"Demo administrator: user 'admin', password '{password}'"))
        france = Country.objects.filter(pk="FR").first()
        if france is None:  # no reference data: nothing to coordinate
            return
        password = self.account("coordinator-fr", "coordinator-fr@example.org")
        CountryCoordinator.objects.get_or_create(
            user=get_user_model().objects.get(username="coordinator-fr"), country=france
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo coordinator for France (aid declarations): user 'coordinator-fr', password '{password}'"
            )
        )

    def account(self, username: str, email: str, **flags) -> str:
        """The account (created once, ``flags`` set on every run) and its password (``common.demo``)."""
        User = get_user_model()  # noqa: N806
        user = User.objects.filter(username=username).first() or User(username=username, email=email)
        for flag, value in flags.items():
            setattr(user, flag, value)
        if user.pk is not None and flags:
            user.save(update_fields=list(flags))
        return demo_password(user)
