"""Shared test personas: the demo organisation plus an outsider with no membership."""

from __future__ import annotations

from dataclasses import dataclass

from altitude.accounts.models import User
from altitude.delivery.models import Program, Project
from altitude.demo import load_demo
from altitude.strategy.models import Portfolio

PASSWORD = "correct horse battery staple"


@dataclass
class Demo:
    portfolio: Portfolio
    dcx: Program
    ops: Program
    dcx01: Project
    dcx02: Project
    ops01: Project
    esg01: Project
    users: dict[str, User]

    def user(self, username: str) -> User:
        return self.users[username]


def build_demo() -> Demo:
    portfolio = load_demo(PASSWORD, plans=False)
    outsider = User.objects.create_user("outsider", password=PASSWORD, first_name="Olga", last_name="Outsider")
    users = {u.username: u for u in User.objects.all()}
    users["outsider"] = outsider
    return Demo(
        portfolio=portfolio,
        dcx=Program.objects.get(name="Digital Customer Experience"),
        ops=Program.objects.get(name="Operations Modernisation"),
        dcx01=Project.objects.get(code="DCX-01"),
        dcx02=Project.objects.get(code="DCX-02"),
        ops01=Project.objects.get(code="OPS-01"),
        esg01=Project.objects.get(code="ESG-01"),
        users=users,
    )
