"""The simulated users of bench/load.py (a locustfile; run by load.py, not directly).

Reads what to visit from the JSON file named by LOAD_TARGETS and the think time from LOAD_WAIT
("MIN,MAX" seconds). Visitors read the atlas, search it, open organisation, partnership and
project pages, call the API's lists and fetch a static file; one user in ten is a signed-in
coordinator who also confirms organisations (a write: a POST with its CSRF token).
"""

import json
import os
import random

from locust import HttpUser, between, task

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"], encoding="utf-8").read())
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(",")]


class Visitor(HttpUser):
    weight = 9
    wait_time = between(*WAIT)

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name)

    @task(4)
    def atlas(self) -> None:
        self.get("/atlas/", "atlas page")

    @task(4)
    def atlas_search(self) -> None:
        word = random.choice(TARGETS["words"])
        if random.random() < 0.5 and TARGETS["countries"]:
            self.get(f"/atlas/?q={word}&country={random.choice(TARGETS['countries'])}", "atlas search + facet")
        else:
            self.get(f"/atlas/?q={word}", "atlas search")

    @task(4)
    def organisation(self) -> None:
        self.get(f"/organisations/{random.choice(TARGETS['organisations'])}/", "organisation page")

    @task(3)
    def partnership(self) -> None:
        self.get(f"/partnerships/{random.choice(TARGETS['partnerships'])}/", "partnership page")

    @task(2)
    def project(self) -> None:
        if TARGETS["projects"]:
            self.get(f"/projects/{random.choice(TARGETS['projects'])}/", "project page")

    @task(3)
    def api_lists(self) -> None:
        kind = random.choice(["organisations", "partnerships", "projects"])
        self.get(f"/api/v1/{kind}", "API list")

    @task(1)
    def api_search(self) -> None:
        self.get(f"/api/v1/search?q={random.choice(TARGETS['words'])}", "API search")

    @task(1)
    def static(self) -> None:
        self.get(TARGETS["static"], "static file")


class Coordinator(Visitor):
    """Signed in; reads like a visitor and confirms organisations (each confirmation is a write)."""

    weight = 1

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="sign-in page")
        response = self.client.post(
            "/accounts/login/",
            name="sign in",
            allow_redirects=False,
            data={**TARGETS["account"], "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in failed: {response.status_code}")

    @task(6)
    def confirm(self) -> None:
        pk = random.choice(TARGETS["organisations"])
        with self.client.post(
            f"/organisations/{pk}/confirm/",
            name="confirm organisation (write)",
            allow_redirects=False,
            data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")
