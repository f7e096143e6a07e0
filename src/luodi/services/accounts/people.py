"""The people directory: import from CSV, list, find by name."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from luodi.domain.enums import ActorKind
from luodi.i18n import gettext as _
from luodi.models import Person
from luodi.services.audit import Actor, record
from luodi.services.errors import InvalidInput, NotFound
from luodi.services.text import clean_text

REQUIRED_COLUMNS = ("name", "email", "phone", "supervisor")
OPTIONAL_COLUMNS = (
    "language", "feishu_open_id", "dingtalk_user_id", "wecom_user_id", "slack_user_id", "profile", "notify",
    "aliases",
)
NOTIFY_CHOICES = ("email", "im", "bot", "none")  # "bot": the older name of "im" (the IM app)
PROFILES = ("reliable", "delay_history", "first_time")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class PeopleImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def _row_fields(row: dict[str, str], line: int) -> dict[str, str | None]:
    try:
        return clean_fields(row)
    except InvalidInput as exc:
        raise InvalidInput(_("line {line}: {message}").format(line=line, message=exc.message),
                           field=exc.field) from None


def clean_fields(row: dict[str, str]) -> dict[str, str | None]:
    """One person's fields (a CSV line or the admin page's form) checked and normalised; "" → None."""
    fields: dict[str, str | None] = {}
    for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        raw = (row.get(column) or "").strip()
        fields[column] = raw or None
    if not fields["name"]:
        raise InvalidInput(_("name is empty"), field="name")
    email = fields["email"]
    if email and not EMAIL.match(email):
        raise InvalidInput(_("email {email!r} is not an address").format(email=email), field="email")
    lang = fields["language"]
    if lang and lang not in ("zh", "en"):
        raise InvalidInput(_("language must be zh or en"), field="language")
    profile = fields["profile"]
    if profile and profile not in PROFILES:
        raise InvalidInput(_("profile must be one of {choices}").format(choices=", ".join(PROFILES)),
                           field="profile")
    notify = fields["notify"]
    if notify:
        parts = [part.strip() for part in notify.replace(";", ",").split(",") if part.strip()]
        if not parts or any(part not in NOTIFY_CHOICES for part in parts):
            raise InvalidInput(_("notify must be email, im, email,im or none"), field="notify")
        fields["notify"] = ",".join(parts)
    aliases = fields["aliases"]
    if aliases:
        fields["aliases"] = "|".join(part.strip() for part in re.split(r"[|;；、]", aliases) if part.strip()) or None
    return fields


def import_csv(session: Session, text: str, *, now: datetime) -> PeopleImport:
    """Create or update people from CSV (header ``name,email,phone,supervisor`` at least).

    Raises InvalidInput naming the line and the column; the caller rolls back, so nothing is
    half-written. Supervisors may appear later in the file than the people they supervise.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(_("line 1: missing column(s) {columns}").format(columns=", ".join(missing)),
                           field="header")
    reader.fieldnames = header
    rows = [(index + 2, _row_fields(row, index + 2)) for index, row in enumerate(reader)]
    result = PeopleImport()
    by_name: dict[str, Person] = {}
    for _line, fields in rows:
        name = fields["name"] or ""
        person = find(session, name)
        if person is None:
            person = Person(name=name, created_at=now, language="zh")
            session.add(person)
            result.created.append(name)
        else:
            result.updated.append(name)
        for column in ("email", "phone", *OPTIONAL_COLUMNS):
            value = fields[column]
            if value is not None and column != "language":
                setattr(person, column, value)
        person.language = fields["language"] or person.language
        by_name[name] = person
    session.flush()
    for line, fields in rows:
        _link_supervisor(session, by_name[fields["name"] or ""], fields["supervisor"], line)
    session.flush()
    for name in result.created:
        record(session, actor=Actor(ActorKind.SYSTEM, label="people import"), at=now, entity="person",
               entity_id=by_name[name].id, action="created")
    return result


def _link_supervisor(session: Session, person: Person, supervisor: str | None, line: int) -> None:
    if not supervisor:
        return
    boss = find(session, supervisor)
    if boss is None:
        raise InvalidInput(
            _("line {line}: supervisor {name!r} is not in the file or the directory").format(
                line=line, name=supervisor),
            field="supervisor",
        )
    if boss.id == person.id:
        raise InvalidInput(_("line {line}: a person cannot supervise themselves").format(line=line),
                           field="supervisor")
    person.supervisor_id = boss.id


def find(session: Session, name: str) -> Person | None:
    return session.scalar(select(Person).where(Person.name == name.strip()))


def get_by_name(session: Session, name: str) -> Person:
    person = find(session, name)
    if person is None:
        raise NotFound("person", name)
    return person


def ensure(session: Session, name: str, *, now: datetime) -> tuple[Person, bool]:
    """The person called ``name``, created (unreachable, to be completed) when unknown."""
    person = find(session, name)
    if person is not None:
        return person, False
    person = Person(name=name.strip(), created_at=now, language="zh")
    session.add(person)
    session.flush()
    record(session, actor=Actor.system("import"), at=now, entity="person", entity_id=person.id,
           action="created")
    return person, True


def save(session: Session, form: dict[str, str], *, person_id: int | None, supervisor_id: int | None,
         actor: Actor, now: datetime) -> Person:
    """Add (``person_id`` None) or edit one person from the admin page: the checks of a CSV line.

    Every field of the form is set, an empty one cleared (the language stays zh when empty).
    Raises InvalidInput (a taken name, a bad address, oneself as supervisor), NotFound.
    """
    fields = clean_fields(form)
    name = clean_text(fields["name"] or "", field="name", max_length=100)
    person = session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and person is None:
        raise NotFound("person", person_id)
    same = find(session, name)
    if same is not None and same is not person:
        raise InvalidInput(_("A person called {name!r} exists already.").format(name=name), field="name")
    if supervisor_id is not None and session.get(Person, supervisor_id) is None:
        raise NotFound("person", supervisor_id)
    if person is None:
        person = Person(name=name, created_at=now, language="zh")
        session.add(person)
        session.flush()
        record(session, actor=actor, at=now, entity="person", entity_id=person.id, action="created", after=name)
    elif supervisor_id == person.id:
        raise InvalidInput(_("A person cannot supervise themselves."), field="supervisor")
    before = person_public(person) | {"aliases": person.aliases}
    person.name = name
    for column in ("email", "phone", *OPTIONAL_COLUMNS):
        if column != "language":
            setattr(person, column, fields[column])
    person.language = fields["language"] or "zh"
    person.supervisor_id = supervisor_id
    session.flush()
    session.refresh(person, ["supervisor"])
    after = person_public(person) | {"aliases": person.aliases}
    for key, old in before.items():
        if old != after[key] and key != "id":
            record(session, actor=actor, at=now, entity="person", entity_id=person.id, action="updated",
                   field=key, before=None if old is None else str(old),
                   after=None if after[key] is None else str(after[key]))
    return person


def list_people(session: Session, *, limit: int = 1000, offset: int = 0) -> Sequence[Person]:
    return session.scalars(select(Person).order_by(Person.name).limit(limit).offset(offset)).all()


def person_public(person: Person) -> dict[str, object]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "phone": person.phone,
        "supervisor": person.supervisor.name if person.supervisor else None,
        "language": person.language,
        "feishu_open_id": person.feishu_open_id,
        "dingtalk_user_id": person.dingtalk_user_id,
        "wecom_user_id": person.wecom_user_id,
        "slack_user_id": person.slack_user_id,
        "profile": person.profile,
        "notify": person.notify,
    }
