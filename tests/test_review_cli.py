"""`tripwatch items mark`, the review filters of `items list`, and `tripwatch serve`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from storage.repository import Store
from tests.conftest_review import REPO, Sample, sample_db_fixture, sqlite_sample_fixture  # noqa: F401  (fixtures)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_mark_relevant_with_a_note_overrides_the_classifier(sample_db: tuple[str, Sample]) -> None:
    url, ids = sample_db
    code, output = run(
        "items", "mark", str(ids.uncertain), "relevant", "--note", "Confirmed by the ministry", "--db", url
    )
    assert code == 0, output
    assert output.strip() == (f"Item {ids.uncertain}: relevant (your label), reviewed; note: Confirmed by the ministry")
    with Store.open(url) as store:
        store.update_classification(ids.uncertain, {"relevance": "irrelevant", "score": 0.0})
        item = store.get_item(ids.uncertain)
    assert item is not None and item.label == "relevant" and item.reviewed and item.note == "Confirmed by the ministry"


@pytest.mark.parametrize(
    ("action", "check"),
    [
        ("irrelevant", lambda i: i.label == "irrelevant" and i.analyst_label == "irrelevant" and i.reviewed),
        ("star", lambda i: i.starred and not i.reviewed),
        ("reviewed", lambda i: i.reviewed and i.analyst_label is None),
    ],
)
def test_each_mark_action(sqlite_sample: tuple[str, Sample], action: str, check: object) -> None:
    url, ids = sqlite_sample
    code, output = run("items", "mark", str(ids.vientiane), action, "--db", url)
    assert code == 0, output
    with Store.open(url) as store:
        item = store.get_item(ids.vientiane)
    assert item is not None and check(item)  # type: ignore[operator]


def test_unstar_unreview_and_clear_undo_marks(sqlite_sample: tuple[str, Sample]) -> None:
    url, ids = sqlite_sample
    item_id = str(ids.starred)
    run("items", "mark", item_id, "irrelevant", "--db", url)
    for action in ("unstar", "unreviewed", "clear"):
        assert run("items", "mark", item_id, action, "--db", url)[0] == 0
    with Store.open(url) as store:
        item = store.get_item(ids.starred)
    assert item is not None and not item.starred and not item.reviewed and item.analyst_label is None
    assert item.label == "relevant", "the classifier's label is back"


def test_a_note_alone_and_the_usage_errors(sqlite_sample: tuple[str, Sample]) -> None:
    url, ids = sqlite_sample
    assert run("items", "mark", str(ids.xss), "--note", "check the photo", "--db", url)[0] == 0
    code, output = run("items", "mark", str(ids.xss), "--db", url)
    assert code == 2 and "say what to mark" in output
    code, output = run("items", "mark", str(ids.xss), "maybe", "--db", url)
    assert code == 2 and "'maybe' is not one of" in output
    code, output = run("items", "mark", "987654", "star", "--db", url)
    assert code == 1 and "no item 987654; `tripwatch items list --all` shows the ids" in output


def test_items_list_review_filters(sqlite_sample: tuple[str, Sample]) -> None:
    url, ids = sqlite_sample
    run("items", "mark", str(ids.chinese), "reviewed", "--db", url)

    def listed(*options: str) -> list[int]:
        code, output = run("items", "list", "--db", url, *options)
        assert code == 0, output
        return [int(m) for m in re.findall(r"^\s*(\d+) .. (?:relevant|uncertain|irrelevant) ", output, re.MULTILINE)]

    assert listed("--label", "relevant", "--official", "Tran") == [ids.vientiane]
    assert listed("--country", "th") == [ids.chinese]
    assert listed("--reviewed") == [ids.chinese, ids.starred]
    assert ids.chinese not in listed("--unreviewed") and ids.vientiane in listed("--unreviewed")
    assert listed("--search", "曼谷") == [ids.chinese]


def test_serve_refuses_another_address_without_a_token(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIPWATCH_UI_TOKEN", raising=False)
    code, output = run("serve", "--host", "0.0.0.0", "--port", "0", "--db", sqlite_url)
    assert code == 2
    assert "refusing to serve the review UI on 0.0.0.0" in output and "--token" in output


def test_serve_help_has_an_example() -> None:
    code, output = run("serve", "--help")
    assert code == 0 and "Example:" in output and "--host" in output and "--token" in output
    code, output = run("items", "mark", "--help")
    assert code == 0 and "Example:" in output


def test_serve_answers_on_a_free_port_until_stopped(sqlite_sample: tuple[str, Sample]) -> None:
    url, ids = sqlite_sample
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("TRIPWATCH_UI_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--port", "0", "--db", url],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        with urllib.request.urlopen(f"http://127.0.0.1:{found.group(1)}/items/{ids.vientiane}", timeout=10) as answer:
            assert answer.status == 200
            assert b"Public security minister holds talks" in answer.read()
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr:
            process.stderr.close()


def test_serve_says_when_the_port_is_taken(sqlite_url: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, output = run("serve", "--port", str(taken.getsockname()[1]), "--db", sqlite_url)
    assert code == 1 and "cannot listen on 127.0.0.1:" in output and "choose another --port" in output
