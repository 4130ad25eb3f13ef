"""Derived facts: formulas over other facts (`rd.jjj_2024 - rd.jjj_2014`), computed by the build.

Formulas allow numbers, fact ids, + - * /, brackets and count(list_fact), the number of items
of a list. Cycles, unknown ids, division by zero and inputs that are only bounds (6%以上) are
reported at the formula's line.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import operator
from collections.abc import Callable
from typing import Any

from kejiquan_site.diagnostics import Diagnostic, did_you_mean, error
from kejiquan_site.read.facts import Fact

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
MAX_FORMULA_LENGTH = 500  # real formulas are a line; longer ones would exhaust the parser's stack
MAX_FIGURE = 1e15  # as for typed values: anything larger is no real figure
FORMULA_EXPECTED = ("numbers, fact ids, + - * /, brackets and count(list_id), such as "
                    "\"(rd.jjj_2024 - rd.jjj_2014) / rd.jjj_2014 * 100\"")


def _counted_name(node: ast.AST) -> str | None:
    """The fact id inside count(...), or None when `node` is not such a call."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "count"
            and len(node.args) == 1 and not node.keywords):
        return _dotted_name(node.args[0])
    return None


class FormulaError(Exception):
    pass


def _dotted_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        parent = _dotted_name(node.value)
        return f"{parent}.{node.attr}" if parent else None
    return None


def parse_formula(text: str) -> tuple[ast.AST, list[str]]:
    """The expression tree and the fact ids it uses, in order of appearance."""
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text):,} characters, at most {MAX_FORMULA_LENGTH})")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, RecursionError, MemoryError) as exc:  # 200 nested brackets, 500 minus signs
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise FormulaError(f"the formula '{shown}' cannot be read") from exc
    _check_nodes(tree)
    names: list[str] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop(0)
        name = _dotted_name(node) or _counted_name(node)
        if name is not None:
            names.append(name)
        else:
            pending += list(ast.iter_child_nodes(node))
    return tree, list(dict.fromkeys(names))


def _check_nodes(node: ast.AST) -> None:
    if _dotted_name(node) is not None or _counted_name(node) is not None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check_nodes(node.left)
        _check_nodes(node.right)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check_nodes(node.operand)
        return
    raise FormulaError(f"the formula may not use '{ast.unparse(node)}'")


def _evaluate(node: ast.AST, values: dict[str, Any]) -> float:
    counted = _counted_name(node)
    if counted is not None:
        return len(values[counted])
    name = _dotted_name(node)
    if name is not None:
        return values[name]
    if isinstance(node, ast.Constant):
        return node.value  # type: ignore[return-value]  # _check_nodes lets only numbers through
    if isinstance(node, ast.UnaryOp):
        return -_evaluate(node.operand, values)
    assert isinstance(node, ast.BinOp)
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    if isinstance(node.op, ast.Div) and right == 0:
        raise FormulaError("the formula divides by zero")
    return _OPERATORS[type(node.op)](left, right)


def derive_facts(by_id: dict[str, Fact], derived: list[Fact], hidden: Callable[[str], bool] = lambda _: False
                 ) -> tuple[dict[str, Fact], list[Diagnostic]]:
    """{id: fact} of all facts (`by_id`, of which `derived` are the ones with a formula) with
    derived values filled in, plus the problems of formulas that cannot be computed; a derived
    fact whose value cannot be computed is left out. Costs in the number of derived facts, plus
    one copy of `by_id`. An unknown input for which `hidden` is true (its own file has errors)
    makes the fact fail without a message of its own."""
    problems: list[Diagnostic] = []
    parsed: dict[str, tuple[ast.AST, list[str]]] = {}
    for fact in derived:
        where = fact.formula_at or fact.location
        try:
            parsed[fact.id] = parse_formula(fact.formula)
        except FormulaError as exc:
            problems.append(error(where.path, where.line, where.column, str(exc), FORMULA_EXPECTED))
    done: dict[str, Fact] = {}
    for fact_id in sorted(parsed):
        _derive_one(fact_id, by_id, parsed, done, [], problems, hidden)
    facts = dict(by_id)
    facts.update(done)
    for fact in derived:
        if fact.id not in done:
            del facts[fact.id]
    return facts, problems


def _derive_one(fact_id: str, by_id: dict[str, Fact], parsed: dict, done: dict[str, Fact],
                stack: list[str], problems: list[Diagnostic], hidden: Callable[[str], bool] = lambda _: False) -> bool:
    """Compute one derived fact into `done` (stated facts are ready as they are)."""
    if fact_id in done:
        return True
    fact = by_id[fact_id]
    if not fact.derived:
        return True
    where = fact.formula_at or fact.location
    if fact_id in stack:
        cycle = " -> ".join(stack[stack.index(fact_id):] + [fact_id])
        problems.append(error(where.path, where.line, where.column, f"derived facts depend on each other "
                              f"in a circle: {cycle}", "a formula that ends in facts with values"))
        return False
    if fact_id not in parsed:
        return False
    tree, names = parsed[fact_id]
    inputs: dict[str, Fact] = {}
    for name in names:
        if name not in by_id and hidden(name):
            return False
        if name not in by_id:
            problems.append(error(where.path, where.line, where.column, f"unknown fact '{name}' in the formula"
                                  f"{did_you_mean(name, list(by_id))}", "ids of facts that exist"))
            return False
        if not _derive_one(name, by_id, parsed, done, stack + [fact_id], problems, hidden):
            return False
        inputs[name] = done.get(name) or by_id[name]
    complaint = _input_complaint(inputs, counted=_counted_names(tree))
    if complaint:
        problems.append(error(where.path, where.line, where.column, complaint,
                              "inputs that are exact numbers (qualifier: exact)"))
        return False
    try:
        value = _evaluate(tree, {name: f.value for name, f in inputs.items()})
        finite = math.isfinite(value)
    except FormulaError as exc:
        problems.append(error(where.path, where.line, where.column, str(exc), FORMULA_EXPECTED))
        return False
    except OverflowError:  # whole numbers beyond any float, e.g. ten inputs of 10^15 multiplied
        finite = False
    complaint = _value_complaint(fact, value) if finite else "the formula gives no finite number"
    if complaint:
        problems.append(error(where.path, where.line, where.column, complaint, FORMULA_EXPECTED))
        return False
    done[fact_id] = _with_value(fact, value, inputs)
    return True


def _value_complaint(fact: Fact, value: float) -> str:
    """What a computed value may not be: larger than any figure, or a rank below first place."""
    if abs(value) > MAX_FIGURE:
        return f"the formula gives {value:.3g}, too large to be a real figure"
    if fact.unit == "rank" and value < 1:
        return f"a rank must be 1 or more, got {value:g}"
    return ""


def _counted_names(tree: ast.AST) -> set[str]:
    return {name for node in ast.walk(tree) if (name := _counted_name(node))}


def _input_complaint(inputs: dict[str, Fact], counted: set[str]) -> str:
    for name, fact in inputs.items():
        if name in counted:
            if fact.unit != "list":
                return f"count() needs a list, but '{name}' is {fact.unit}"
            continue
        if not fact.is_number:
            return f"'{name}' is not a number (unit '{fact.unit}'), so it cannot be used in a formula"
        if fact.qualifier != "exact":
            return (f"'{name}' is {fact.display}, not an exact figure; a computed value "
                    "would claim a precision the source does not give")
    return ""


def _with_value(fact: Fact, value: float, inputs: dict[str, Fact]) -> Fact:
    periods = sorted({f.period for f in inputs.values() if f.period})
    period = fact.period or ("–".join([periods[0], periods[-1]]) if len(periods) > 1 else "".join(periods))
    sources = sorted({f.source for f in inputs.values()})
    return dataclasses.replace(fact, value=value, period=period, source=sources[0] if len(sources) == 1 else "",
                               inputs=tuple(inputs), decimals=2 if fact.decimals is None else fact.decimals)

