"""JSON Lines, CSV and xAPI exports; xAPI statements checked against the 1.0.3 specification.

The checks below are the specification's requirements for the parts Parley writes (xAPI 1.0.3,
Part Two "Experience API Data", section 2.4): required properties, one inverse functional
identifier per Agent, IRIs and UUIDs where they are required, language maps, score constraints
(``scaled`` in [-1, 1], ``min <= raw <= max``, ``min < max``), ISO 8601 timestamps and durations,
and no properties the specification does not define.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from datetime import datetime

import pytest

import simulator
from simulator import Session
from simulator.store import Course

# --- an xAPI 1.0.3 checker ------------------------------------------------------------------------

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")  # RFC 5646, the shapes used in practice
DURATION = re.compile(
    r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)
NUMBER = (int, float)


def _uuid(value, where):
    assert isinstance(value, str), where
    parsed = uuid.UUID(value)
    assert str(parsed) == value.lower() and parsed.variant == uuid.RFC_4122, f"{where}: not an RFC 4122 UUID"


def _iri(value, where):
    assert isinstance(value, str) and IRI.match(value), f"{where}: {value!r} is not an IRI"


def _language_map(value, where):
    assert isinstance(value, dict) and value, f"{where}: a language map"
    for tag, text in value.items():
        assert LANG_TAG.match(tag) and isinstance(text, str), f"{where}: {tag!r}"


def _extensions(value, where):
    assert isinstance(value, dict), where
    for key in value:
        _iri(key, f"{where} key")


def _only(obj, allowed, where):
    extra = set(obj) - allowed
    assert not extra, f"{where}: properties the specification does not define: {extra}"


def check_agent(actor, where="actor"):
    _only(actor, AGENT_KEYS, where)
    assert actor.get("objectType", "Agent") == "Agent"
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    assert len(ifis) == 1, f"{where}: exactly one inverse functional identifier, found {ifis}"
    if "mbox" in actor:
        assert re.match(r"^mailto:[^@\s]+@[^@\s]+$", actor["mbox"]), f"{where}.mbox"
    if "account" in actor:
        account = actor["account"]
        assert set(account) == {"homePage", "name"}, f"{where}.account needs homePage and name"
        _iri(account["homePage"], f"{where}.account.homePage")
        assert isinstance(account["name"], str) and account["name"]
    if "name" in actor:
        assert isinstance(actor["name"], str)


def check_activity(activity, where):
    _only(activity, ACTIVITY_KEYS, where)
    assert activity.get("objectType", "Activity") == "Activity"
    _iri(activity["id"], f"{where}.id")
    definition = activity.get("definition")
    if definition is not None:
        _only(definition, DEFINITION_KEYS, f"{where}.definition")
        for key in ("name", "description"):
            if key in definition:
                _language_map(definition[key], f"{where}.definition.{key}")
        if "type" in definition:
            _iri(definition["type"], f"{where}.definition.type")
        if "extensions" in definition:
            _extensions(definition["extensions"], f"{where}.definition.extensions")


def check_result(result):
    _only(result, RESULT_KEYS, "result")
    if "score" in result:
        score = result["score"]
        _only(score, SCORE_KEYS, "result.score")
        if "scaled" in score:
            assert isinstance(score["scaled"], NUMBER) and -1 <= score["scaled"] <= 1
        if "min" in score and "max" in score:
            assert score["min"] < score["max"]
        if "raw" in score:
            assert isinstance(score["raw"], NUMBER)
            assert score.get("min", score["raw"]) <= score["raw"] <= score.get("max", score["raw"])
    for key in ("success", "completion"):
        if key in result:
            assert isinstance(result[key], bool)
    if "response" in result:
        assert isinstance(result["response"], str)
    if "duration" in result:
        assert DURATION.match(result["duration"]), result["duration"]
    if "extensions" in result:
        _extensions(result["extensions"], "result.extensions")


def check_context(context, statement):
    _only(context, CONTEXT_KEYS, "context")
    if "registration" in context:
        _uuid(context["registration"], "context.registration")
    if "language" in context:
        assert LANG_TAG.match(context["language"])
    if "platform" in context or "revision" in context:
        assert statement["object"].get("objectType", "Activity") == "Activity"
    activities = context.get("contextActivities", {})
    _only(activities, CONTEXT_ACTIVITY_KEYS, "context.contextActivities")
    for kind, value in activities.items():
        for i, activity in enumerate(value if isinstance(value, list) else [value]):
            check_activity(activity, f"context.contextActivities.{kind}[{i}]")
    if "extensions" in context:
        _extensions(context["extensions"], "context.extensions")


def check_statement(statement):
    """Raise AssertionError unless ``statement`` meets xAPI 1.0.3's requirements for a Statement."""
    _only(statement, STATEMENT_KEYS, "statement")
    for key in ("actor", "verb", "object"):
        assert key in statement, f"a statement requires {key}"
    if "id" in statement:
        _uuid(statement["id"], "id")
    check_agent(statement["actor"])
    verb = statement["verb"]
    _only(verb, {"id", "display"}, "verb")
    _iri(verb["id"], "verb.id")
    if "display" in verb:
        _language_map(verb["display"], "verb.display")
    check_activity(statement["object"], "object")
    if "result" in statement:
        check_result(statement["result"])
    if "context" in statement:
        check_context(statement["context"], statement)
    if "timestamp" in statement:
        stamp = datetime.fromisoformat(statement["timestamp"])
        assert stamp.tzinfo is not None, "timestamps carry a time zone"
    assert "stored" not in statement and "authority" not in statement, "set by the LRS, not by a client"


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def course(store, declined):
    course = Course(store, cohort="spring 2026", pass_mark=50)
    course.enrol("ana", "Ana Lima")
    course.enrol("bo", "Bo Chen")
    course.run("ana", declined, declined.spec.recommended, seed=1)
    course.run("bo", declined, declined.spec.anti_patterns["venting"], seed=2)
    # an unfinished session with an undone move
    s = Session(declined, seed=3)
    rec = course.record(s, "bo")
    rec.turn(s.play("vent:hiring_manager"))
    s.undo()
    rec.undo()
    rec.turn(s.play("decide_repair"))
    return course


def test_every_statement_meets_the_specification(course):
    statements = course.xapi_statements()
    for statement in statements:
        check_statement(statement)
    sessions = course.sessions()
    moves = sum(s.turns for s in sessions)
    assert len(statements) == len(sessions) + moves  # one per session, one per (live) move


def test_the_checker_rejects_what_the_specification_forbids(course):
    good = course.xapi_statements()[0]
    bad_cases = [
        {k: v for k, v in good.items() if k != "verb"},
        {**good, "actor": {**good["actor"], "mbox": "mailto:a@b.c"}},  # two identifiers
        {**good, "result": {**good["result"], "score": {"scaled": 1.5}}},
        {**good, "result": {**good["result"], "score": {"raw": 120, "min": 0, "max": 100}}},
        {**good, "context": {**good["context"], "registration": "not-a-uuid"}},
        {**good, "timestamp": "2026-11-22T10:00:00"},
        {**good, "colour": "blue"},
    ]
    for bad in bad_cases:
        with pytest.raises((AssertionError, ValueError)):
            check_statement(bad)


def test_session_statements_carry_the_score_and_completion(course):
    statements = course.xapi_statements()
    by_registration = {}
    for st in statements:
        by_registration.setdefault(st["context"]["registration"], []).append(st)
    finished = [st for st in statements if st["verb"]["id"].endswith("/completed")]
    suspended = [st for st in statements if st["verb"]["id"].endswith("/suspended")]
    assert len(finished) == 2 and len(suspended) == 1
    for st in finished:
        score = st["result"]["score"]
        assert score["scaled"] == score["raw"] / 100 and st["result"]["completion"] is True
        assert st["result"]["success"] == (score["raw"] >= 50)
        assert st["result"]["duration"].startswith("PT")
    assert suspended[0]["result"]["completion"] is False and "success" not in suspended[0]["result"]
    # every session's statements share one registration; sessions do not share one
    assert len(by_registration) == 3


def test_move_statements_record_the_choice_and_its_effect(course):
    moves = [st for st in course.xapi_statements() if st["verb"]["id"].endswith("/responded")]
    first = moves[0]
    assert first["result"]["response"] == "decide_repair"
    assert first["object"]["id"].endswith("/scenarios/declined-offer/moves/decide_repair")
    assert first["context"]["contextActivities"]["parent"][0]["id"].endswith("/scenarios/declined-offer")
    assert first["context"]["contextActivities"]["grouping"][0]["id"].endswith("/courses/spring%202026")
    assert all(-1 <= st["result"]["score"]["scaled"] <= 1 for st in moves)
    targeted = [st for st in moves if st["result"]["response"] == "apologize:hr_rep/sincere"]
    assert targeted and targeted[0]["object"]["id"].endswith("/moves/apologize/to/hr_rep")
    assert not any(st["result"]["response"] == "vent:hiring_manager" for st in moves)  # undone


def test_statement_ids_and_registrations_are_stable_across_exports(course, tmp_path):
    one = course.xapi_statements()
    two = course.xapi_statements()
    assert [s["id"] for s in one] == [s["id"] for s in two]
    assert len({s["id"] for s in one}) == len(one)
    assert course.export_xapi(tmp_path / "xapi.json") == len(one)
    assert json.loads((tmp_path / "xapi.json").read_text(encoding="utf-8")) == one


def test_actors_can_be_identified_by_mbox(store, course):
    mailed = Course(store, cohort="spring 2026", mbox_domain="example.org")
    for st in mailed.xapi_statements():
        check_statement(st)
        assert st["actor"]["mbox"] in ("mailto:ana@example.org", "mailto:bo@example.org")


def test_json_lines_hold_every_session_and_every_turn(course, tmp_path):
    path = tmp_path / "sessions.jsonl"
    assert course.export_jsonl(path) == 3
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["learner"] for r in rows] == ["ana", "bo", "bo"]
    unfinished = rows[2]
    assert not unfinished["finished"] and [t["key"] for t in unfinished["turns"]] == [
        "vent:hiring_manager",
        "decide_repair",
    ]
    assert unfinished["turns"][0]["undone_at"] is not None
    assert all(r["scenario_hash"] and r["seed"] is not None for r in rows)


def test_csv_has_a_row_per_session_and_per_turn(course, tmp_path):
    assert course.export_csv(tmp_path / "sessions.csv") == 3
    with open(tmp_path / "sessions.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["learner"] for r in rows] == ["ana", "bo", "bo"]
    assert {"score_outcome", "score_relationship", "score_integrity", "score_overall"} <= set(rows[0])
    turns = sum(len(course.store.turns(s.id, undone=True)) for s in course.sessions())
    assert course.export_csv(tmp_path / "turns.csv", table="turns") == turns
    with open(tmp_path / "turns.csv", newline="", encoding="utf-8") as f:
        turn_rows = list(csv.DictReader(f))
    assert len(turn_rows) == turns and "delta_overall" in turn_rows[0]
    with pytest.raises(ValueError, match="table must be"):
        course.export_csv(tmp_path / "x.csv", table="moves")


# what a learner may type as a display name (control characters are refused before they are stored)
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    " =1+1",
    "\u3000=1+1",
    "\uff1dSUM(A1)",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(1)",
    "\ufe62 1",
]
# and what can reach a cell from elsewhere (a reply in a scenario file, a row edited by hand)
CONTROLS = ["\tx", "\rx", "\n=1+1", "\r\n=1", "\x00=1", "\x1b[31m"]


def test_csv_cell_neutralises_every_way_a_formula_can_start():
    """OWASP CSV injection: =, +, -, @ (or a full-width/compatibility form of one), after any
    leading whitespace, or a leading control character, gets a leading single quote.
    """
    from simulator.store.exports import csv_cell

    assert [csv_cell(f) for f in FORMULAS + CONTROLS] == ["'" + f for f in FORMULAS + CONTROLS]
    safe = (-5, 0, "ana", "", "a=b", None, " ana", "Ana =1", "\u00e9=1", "\u2212 1")
    assert [csv_cell(v) for v in safe] == list(safe)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(store, declined, tmp_path):
    """End to end: names, display names and replies that start formulas are written as text."""
    # a scenario whose reply starts with "=", and learners whose names are formulas
    text = declined.path.read_text(encoding="utf-8")
    assert "A week passes. Tempers cool, on every side." in text
    edited = tmp_path / "declined-offer.yaml"
    edited.write_text(
        text.replace("A week passes. Tempers cool, on every side.", "=cmd|' /C calc'!A0"), encoding="utf-8"
    )
    scenario = simulator.load_scenario(edited)
    course = Course(store)
    for i, name in enumerate(FORMULAS):
        course.enrol(f"learner{i}", display=name)
        course.run(f"learner{i}", scenario, ["vent:hr_rep"], seed=i)
    course.run("-bo", scenario, ["wait"], seed=9)
    course.export_csv(tmp_path / "sessions.csv")
    course.export_csv(tmp_path / "turns.csv", table="turns")
    with open(tmp_path / "sessions.csv", newline="", encoding="utf-8") as f:
        sessions = list(csv.DictReader(f))
    with open(tmp_path / "turns.csv", newline="", encoding="utf-8") as f:
        turns = list(csv.DictReader(f))
    assert [r["display"] for r in sessions] == ["'" + f for f in FORMULAS] + ["'-bo"]
    assert sessions[-1]["learner"] == "'-bo"
    assert any(r["reply"] == "'=cmd|' /C calc'!A0" for r in turns)
    for row in sessions + turns:  # nothing that reads as text starts a formula
        assert not any(cell.lstrip().startswith(("=", "+", "@", "\uff1d", "\uff0b", "\uff20")) for cell in row.values())
        assert all(
            cell.lstrip("-").isdigit() for key, cell in row.items() if key.startswith(("score_", "delta_")) and cell
        )
    assert any(r["delta_overall"].startswith("-") for r in turns)  # negative numbers stay numbers
