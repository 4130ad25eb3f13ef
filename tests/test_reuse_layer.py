"""Reuse is one layer (reuse/): the stages name their reusable work as operations and have it
`done()`; only the build decides, with `reusing()`, whether a result may be handed back. No stage
takes a memo, and every operation has a name of its own."""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil

import kejiquan_site
from helpers import REPO
from kejiquan_site.reuse.memo import NO_MEMO, Memo, Operation, done, reusing

PACKAGE = REPO / "src" / "kejiquan_site"
STAGES = ("read", "check", "story", "render", "markdown", "model")
MEMO_WORDS = {"memo", "results", "Memo", "Results", "NoMemo", "NO_MEMO"}


def _operations() -> dict[int, tuple[str, Operation]]:
    """Every operation defined in the engine, by identity (one imported elsewhere counts once),
    with where it was found."""
    found: dict[int, tuple[str, Operation]] = {}
    for module_info in pkgutil.walk_packages(kejiquan_site.__path__, "kejiquan_site."):
        module = importlib.import_module(module_info.name)
        for variable, value in vars(module).items():
            if isinstance(value, Operation):
                found.setdefault(id(value), (f"{module.__name__}.{variable}", value))
    return found


def test_every_operation_has_a_name_of_its_own():
    by_name: dict[str, list[str]] = {}
    for where, operation in _operations().values():
        by_name.setdefault(operation.name, []).append(where)
    assert len(by_name) >= 20, sorted(by_name)  # the stages' and the build's operations are all found
    shared = {name: places for name, places in by_name.items() if len(places) > 1}
    assert not shared, f"operations that share a name, so their results would be mixed up: {shared}"


def _stage_files():
    for stage in STAGES:
        yield from sorted((PACKAGE / stage).rglob("*.py"))


def test_no_stage_takes_or_chooses_the_memo():
    """Parameters and imports of the stages: no memo, no Results, and no `reusing()`: that choice
    is the build's (build/site.py) alone."""
    found = []
    for path in _stage_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                arguments = node.args.args + node.args.kwonlyargs + node.args.posonlyargs
                found += [f"{path.name}:{node.lineno} parameter {a.arg}" for a in arguments if a.arg in MEMO_WORDS]
            elif isinstance(node, ast.ImportFrom) and node.module == "kejiquan_site.reuse.memo":
                found += [f"{path.name}:{node.lineno} imports {alias.name}" for alias in node.names
                          if alias.name in MEMO_WORDS | {"reusing"}]
    assert not found, found
    users = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                   if "reusing(" in path.read_text(encoding="utf-8") and path.parent.name != "reuse")
    assert users == ["build/site.py"]


SQUARE = Operation("square (test)")
PARSER = Operation("parser (test)", in_process_only=True)


def _counted(calls: list[int], value: int):
    def do():
        calls.append(value)
        return value * value
    return do


def test_done_outside_a_build_does_the_work_every_time():
    calls: list[int] = []
    assert done(SQUARE("a", 3, _counted(calls, 3))) == 9
    assert done(SQUARE("a", 3, _counted(calls, 3))) == 9
    assert calls == [3, 3]
    with reusing(NO_MEMO):
        done(SQUARE("a", 3, _counted(calls, 3)))
    assert calls == [3, 3, 3]


def test_reusing_a_memo_hands_back_results_of_equal_inputs_only():
    memo, calls = Memo(), []
    with reusing(memo):
        assert done(SQUARE("a", 3, _counted(calls, 3))) == 9
    memo.finish(True)
    with reusing(memo):
        assert done(SQUARE("a", 3, _counted(calls, 3))) == 9  # kept
        assert done(SQUARE("b", 3, _counted(calls, 3))) == 9  # another key: done
        assert done(SQUARE("a", 4, _counted(calls, 4))) == 16  # other inputs: done
        assert done(SQUARE("c", None, _counted(calls, 5))) == 25  # inputs None: always done
    memo.finish(True)
    with reusing(memo):
        done(SQUARE("c", None, _counted(calls, 5)))
        # a result that says it is no longer current is made again
        done(SQUARE("a", 4, _counted(calls, 4), current=lambda result: False))
    assert calls == [3, 3, 4, 5, 5, 4]
    assert done(SQUARE("a", 4, _counted(calls, 4))) == 16 and calls[-1] == 4  # after the block: no reuse


def test_results_in_process_only_stay_out_of_the_cache_on_disk():
    memo = Memo()
    with reusing(memo):
        done(SQUARE("a", 2, lambda: 4))
        done(PARSER(None, (), lambda: "a parser"))
    memo.finish(True)
    restored = pickle.loads(pickle.dumps(memo))
    calls: list[int] = []
    with reusing(restored):
        assert done(SQUARE("a", 2, _counted(calls, 2))) == 4
        assert done(PARSER(None, (), lambda: "a new parser")) == "a new parser"
    assert calls == []
