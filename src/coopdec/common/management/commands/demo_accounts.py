from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from coopdec.common.demo import demo_password

# The people of the demonstration (``demo_setup``, ``demo_data``) one can sign in as, and what each sees.
ACCOUNTS = (
    ("admin", "administrator: the admin site, every record"),
    ("coordinator-fr", "France's coordinator: the 2025 aid declaration campaign, reviews of good practices"),
    ("chambery-demo", "officer of Chambéry: its strategy, results updates and co-financing applications"),
    ("partner-demo", "officer of Louga and Bobo-Dioulasso: approves Chambéry's updates, confirms applications"),
    ("poitiers-demo", "officer of Grand Poitiers: an application under review"),
    ("funder-demo", "the demo funder: its call for projects, reviews and award decisions"),
    ("reviewer-demo", "a reviewer of the funder's call: scores the application assigned to them"),
    ("demo-participant-louga-1", "Aminata, a resident of Louga: proposes and votes in the participation spaces"),
)


class Command(BaseCommand):
    help = "Print the sign-in name and password of each demonstration account (passwords set once, kept in var/)."

    def handle(self, *args, **options):
        users = {user.username: user for user in get_user_model().objects.filter(username__in=dict(ACCOUNTS))}
        if not users:
            self.stdout.write("No demo account yet: run `coopdec demo_setup` and `coopdec demo_data` first.")
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /accounts/login/):"))
        for username, role in ACCOUNTS:
            if username in users:
                self.stdout.write(f"  {username:<26} {demo_password(users[username]):<14} {role}")
