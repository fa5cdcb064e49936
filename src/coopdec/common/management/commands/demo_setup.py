import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from coopdec.actors.models import CountryCoordinator
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
        """The account's password: the one kept from an earlier run, else a new one."""
        User = get_user_model()
        password_file = settings.VAR_DIR / (
            "demo_admin_password" if username == "admin" else f"demo_{username}_password"
        )
        user = User.objects.filter(username=username).first()
        if user and password_file.exists() and user.check_password(password_file.read_text().strip()):
            return password_file.read_text().strip()
        password = secrets.token_urlsafe(9)
        user = user or User(username=username, email=email)
        for flag, value in flags.items():
            setattr(user, flag, value)
        user.set_password(password)
        user.save()
        # Kept (readable by this account only) so that a second `make demo` prints it again.
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        return password
