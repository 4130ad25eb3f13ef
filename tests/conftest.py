"""Fixtures: the real site built once, throwaway projects built from small dicts of file texts,
and no chart pictures drawn unless a test asks for them."""

from __future__ import annotations

import inspect
import threading
from pathlib import Path

import pytest

from helpers import MINIMAL, REPO, write_files
from kejiquan_site.build.site import Site, build_site
from kejiquan_site.model.story import Project
from kejiquan_site.preview.rebuild import PreviewState, make_server, rebuild, watch_and_rebuild
from kejiquan_site.render.pictures import BROWSER_ENV


def _drives_chromium(item: pytest.Item) -> bool:
    """Whether a test starts Chromium: it asks for a `browser` fixture, or it or one of its
    fixtures calls require_chromium()."""
    functions = [getattr(item, "function", None)]
    fixtures = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    functions += [definition.func for definitions in fixtures.values() for definition in definitions]
    sources = [inspect.getsource(function) for function in functions if inspect.isfunction(function)]
    return "browser" in getattr(item, "fixturenames", ()) or any("require_chromium(" in text for text in sources)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that drives Chromium carries the `browser` marker (`make test-fast` leaves
    them out); one that does not is a mistake in the test, reported before anything runs."""
    unmarked = [item.nodeid for item in items if _drives_chromium(item) and not item.get_closest_marker("browser")]
    if unmarked:
        raise pytest.UsageError("mark these tests @pytest.mark.browser: " + ", ".join(unmarked))


@pytest.fixture(scope="session", autouse=True)
def no_chart_pictures():
    """Builds through the command line, in this process or a child, draw no chart pictures: each
    would start Chromium to fill an empty cache in tmp_path. The tests that examine pictures
    (test_pictures.py, the browser tests) give their painter a browser themselves."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(BROWSER_ENV, "/nonexistent")
        yield


@pytest.fixture
def make_project(tmp_path: Path):
    """A project in tmp_path: MINIMAL content with `changes` applied (None deletes a file),
    and the real templates."""

    def make(changes: dict[str, str | None] | None = None, templates: Path | None = None) -> Project:
        files = dict(MINIMAL)
        for relative, text in (changes or {}).items():
            if text is None:
                files.pop(relative, None)
            else:
                files[relative] = text
        write_files(tmp_path / "content", files)
        return Project(tmp_path, tmp_path / "content", templates or REPO / "templates")

    return make


@pytest.fixture(scope="session")
def real_site() -> Site:
    return build_site(Project(REPO, REPO / "content", REPO / "templates"))


@pytest.fixture(scope="session")
def real_pages(real_site: Site) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in real_site.files.items() if path.endswith(".html")}


@pytest.fixture
def preview(make_project, tmp_path, monkeypatch):
    """The live preview of a minimal project, served and watching; it yields once the watcher
    has registered its folders, so an edit made at once is seen."""
    import watchfiles.main

    project = make_project()
    output = tmp_path / "_site"
    state = PreviewState()
    logs: list[str] = []
    rebuild(project, output, state, logs.append)
    server = make_server(state, "127.0.0.1", 0)
    stop, watching = threading.Event(), threading.Event()
    notifier = watchfiles.main.RustNotify

    def notify(*args, **kwargs):  # the watches are in place once the notifier is made
        made = notifier(*args, **kwargs)
        watching.set()
        return made

    monkeypatch.setattr(watchfiles.main, "RustNotify", notify)
    # shutdown() waits for the loop to look at its flag: every 10 ms rather than the default 0.5 s
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    threading.Thread(target=watch_and_rebuild, args=(project, output, state, stop, logs.append), daemon=True).start()
    assert watching.wait(timeout=60), "the watcher did not start"
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "project": project, "output": output,
           "state": state, "logs": logs}
    stop.set()
    server.shutdown()
    server.server_close()
