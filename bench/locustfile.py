"""The phones of ``bench/scale.py``: locust users that each take one test, then stop.

Not run alone: ``bench/scale.py`` builds the data, starts gunicorn and runs
``locust -f bench/locustfile.py --headless …`` with two environment variables:

    KALAN_SCALE_PLAN   a JSON file: the test's access code, the participant codes, and for each
                       question its order, kind and choice keys
    KALAN_SCALE_OUT    the JSON file this writes when locust quits: the time of every answer
                       request, how many answers the server confirmed, and the errors

Each user is one participant's phone: it opens the join page (which gives it the CSRF and phone
cookies), joins with the test's code and its own participant code, then for each question thinks
2-5 s (``wait_time``) and sends its answer as a POST, as the phone's form does, and finally sends
the copy. The answer's redirect is not followed: ``scale_answer_p99_ms`` is the time of the
request that stores the answer, the figure the issue sets a target for. The user then stops; when
the last one has stopped the run quits, so its length is that of the slowest phone.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): several times less CPU per
request, which matters here because locust shares the machine's two cores with the server.
"""

from __future__ import annotations

import itertools
import json
import os
import urllib.parse
from typing import Any

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

with open(os.environ["KALAN_SCALE_PLAN"], encoding="utf-8") as plan_file:
    PLAN: dict[str, Any] = json.load(plan_file)
OUT = os.environ["KALAN_SCALE_OUT"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

indexes = itertools.count()  # each phone takes the next participant code
finished = 0  # phones done, sent or failed
completed = 0  # phones that sent their copy
answer_ms: list[float] = []
answers_confirmed = 0
errors: list[str] = []


class Mismatch(Exception):
    """The server answered something else than the phone flow expects."""


class Phone(FastHttpUser):
    wait_time = between(2, 5)
    # The server closes a sync worker's connection after each response: no keep-alive pool.
    concurrency = 1
    connection_timeout = 60.0
    network_timeout = 60.0

    def _csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return str(cookie.value)
        return ""

    def _send(
        self, method: str, path: str, name: str, expected: tuple[int, str], form: Any = None
    ) -> float:
        """One request; its time in ms. Raises Mismatch on another status or redirect target."""
        body = None
        if form is not None:
            body = urllib.parse.urlencode(
                [("csrfmiddlewaretoken", self._csrf()), *form], doseq=True
            )
        with self.client.request(
            method,
            path,
            name=name,
            data=body,
            headers=FORM if body is not None else None,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status, location = expected
            got = response.status_code
            where = response.headers.get("Location", "") if response.headers else ""
            wrong = got != status or bool(location and where != location)
            if wrong:
                response.failure(f"{got} {where}")
            else:
                response.success()
            took = float(response.request_meta["response_time"])
        # Raised after the block, so that locust has recorded the failure first.
        if wrong:
            raise Mismatch(f"{name} {path}: {got} {where} (expected {status} {location})")
        return took

    @task
    def take_the_test(self) -> None:
        global answers_confirmed, completed, finished
        index = next(indexes)
        try:
            if index >= len(PLAN["participant_codes"]):
                return
            code = PLAN["participant_codes"][index]
            questions = PLAN["questions"]
            self._send("GET", "/t/", "join page", (200, ""))
            joined = [("access_code", PLAN["access_code"]), ("participant_code", code)]
            self._send("POST", "/t/", "join", (302, "/t/q/1/"), joined)
            for order, kind, keys in questions:
                self.wait()  # reading the question and choosing: 2-5 s
                if kind == "multiple":
                    picked = [keys[index % len(keys)], keys[(index + 1) % len(keys)]]
                else:
                    picked = [keys[(index + order) % len(keys)]]
                following = f"/t/q/{order + 1}/" if order < len(questions) else "/t/recapitulatif/"
                took = self._send(
                    "POST", f"/t/q/{order}/", "answer", (302, following), [("choice", picked)]
                )
                answer_ms.append(took)
                answers_confirmed += 1
            self.wait()
            self._send("POST", "/t/envoyer/", "submit", (302, "/t/merci/"), [])
            completed += 1
        except Exception as error:  # every failure is one error of the run
            errors.append(f"phone {index}: {error}")
        # Not reached by a phone that the end of the run (GreenletExit) stopped on its way.
        finished += 1
        if finished >= len(PLAN["participant_codes"]):
            # From another greenlet: quitting kills every user's, this one's included.
            gevent.spawn_later(0.5, self.environment.runner.quit)
        raise StopUser


@events.quitting.add_listener
def write_results(environment: Any, **_kwargs: Any) -> None:
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(
            {
                "answer_ms": answer_ms,
                "answers_confirmed": answers_confirmed,
                "finished": finished,
                "unfinished": len(PLAN["participant_codes"]) - finished,
                "errors": errors,
            },
            out,
        )
