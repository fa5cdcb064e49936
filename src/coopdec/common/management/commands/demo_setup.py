import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demonstration administrator (once) and print its credentials."

    def handle(self, *args, **options):
        User = get_user_model()
        password_file = settings.VAR_DIR / "demo_admin_password"
        user = User.objects.filter(username="admin").first()
        if user and password_file.exists() and user.check_password(password_file.read_text().strip()):
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(9)
            user = user or User(username="admin", email="admin@example.org")
            user.is_staff = user.is_superuser = user.is_coordinator = True
            user.set_password(password)
            user.save()
            # Kept (readable by this account only) so that a second `make demo` prints it again.
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Demo administrator: user 'admin', password '{password}'"))
