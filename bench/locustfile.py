"""The load test (`make load`): trainees, mentors and the lead nurse using Pathway at once.

Reads var/bench/load-plan.json (bench/load_plan.py). Each simulated person has a session
already (one in ten signs in through the real form instead), then opens the pages they would:
trainees their progress, their competencies and their programme; mentors their queue, their
mentees' records and the sign-off pages of requests waiting for them; the lead nurse the
overview, dashboards and grids.
Run by bench/load.sh with locust from requirements-load.lock (its own virtual environment).
"""

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ.get("PATHWAY_LOAD_PLAN", "var/bench/load-plan.json")).read_text())
SIGN_IN_SHARE = 0.1
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    people: list = []

    def on_start(self):
        self.person = random.choice(self.people)
        if random.random() >= SIGN_IN_SHARE:
            self.client.cookies.set(PLAN["session_cookie"], self.person["session"])
            return
        page = self.client.get("/sign-in/", name="sign-in page")
        token = TOKEN.search(page.text).group(1)
        with self.client.post(
            "/sign-in/",
            {
                "username": self.person["email"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token,
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in gave {response.status_code}")

    def open(self, index=None):
        pages = self.person["pages"]
        url = pages[index] if index is not None else random.choice(pages)
        name = re.sub(r"/\d+", "/N", url)
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url} gave {response.status_code}")


class Trainee(Person):
    weight = 6
    people = PLAN["trainees"]

    @task(4)
    def progress(self):
        self.open(0)

    @task(4)
    def a_page(self):
        self.open()


class Mentor(Person):
    weight = 3
    people = PLAN["mentors"]

    @task(3)
    def queue(self):
        self.open(0)

    @task(4)
    def a_page(self):
        self.open()


class LeadNurse(Person):
    weight = 1
    people = [PLAN["lead"]]

    @task
    def a_page(self):
        self.open()
