"""Numbers that agree on every processor (architecture.md, "Numbers that must agree").

Floats computed on two processors can differ in their last one or two digits
(numpy's BLAS picks a processor-specific kernel). The book's rule: glue stores
floats at twelve significant digits, and tables are rounded to what they show.
These tests show the rule does what it is for: a value a few ulps away gives the
same record, a real change gives a different one, and nbval, which compares the
stored outputs of a notebook with a fresh run, passes the first and fails the second.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from booktools import precision, toc
from hypothesis import assume, given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_notebook, new_output

from toymarkets.chapters import notebook

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "sanitize.cfg"

# What a fresh clone on an Intel Xeon printed against what an AMD EPYC stored (issue 10).
SEEN_ON_TWO_MACHINES = [(-0.025729580110638674, -0.025729580110638688),
                        (300.05539394317054, 300.0553939431706),
                        (15.203476442150514, 15.203476442150517)]


def _ulps_away(x: float, n: int) -> float:
    for _ in range(abs(n)):
        x = float(np.nextafter(x, math.inf if n > 0 else -math.inf))
    return x


def _record(value):
    return notebook.glue_record("x", value)


@pytest.mark.parametrize("one, other", SEEN_ON_TWO_MACHINES)
def test_values_two_machines_disagreed_on_give_one_glue_record(one, other):
    assert one != other
    assert _record(one) == _record(other)


reals = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(reals, st.integers(-8, 8))
def test_a_value_a_few_ulps_away_gives_the_same_glue_record(x, n):
    # Unless x sits within 8 ulps of a 12-digit rounding boundary (about one value
    # in a thousand), moving it by up to 8 ulps cannot change its 12-digit form.
    assume(notebook.significant(_ulps_away(x, -8)) == notebook.significant(_ulps_away(x, 8)))
    assert _record(_ulps_away(x, n)) == _record(x)


@given(st.floats(min_value=1e-6, max_value=1e12), st.sampled_from([-1, 1]))
def test_a_real_change_changes_the_glue_record(x, sign):
    changed = x * (1 + sign * 1e-9)         # a thousand units of the twelfth digit
    assert _record(changed) != _record(x)


def test_glue_rounds_to_the_stated_digits_and_keeps_ints_and_text():
    data, _ = _record(np.float64(0.1) + np.float64(0.2))
    assert data[notebook.GLUE_PREFIX + "text/plain"] == "0.3"
    assert _record(12345678901234567)[0][notebook.GLUE_PREFIX + "text/plain"] == (
        "12345678901234567")
    assert _record("text")[0][notebook.GLUE_PREFIX + "text/plain"] == "'text'"
    assert notebook.significant(-1e-300) == -1e-300
    assert str(notebook.significant(-0.0)) == "0.0"


def test_rounded_tables_show_no_negative_zero_and_keep_other_columns():
    frame = pd.DataFrame({"x": [-1e-17, 1.23456], "n": [1, 2], "s": ["a", "b"]})
    shown = notebook.rounded(frame, 2)
    assert shown["x"].tolist() == [0.0, 1.23] and "-0.0" not in shown.to_string()
    assert shown["n"].dtype == frame["n"].dtype and shown["s"].tolist() == ["a", "b"]
    assert notebook.rounded(frame["x"], 1).tolist() == [0.0, 1.2]
    with pytest.raises(ValueError, match="decimals must be a whole number in"):
        notebook.rounded(frame, -1)
    with pytest.raises(ValueError, match="table must be a pandas DataFrame or Series"):
        notebook.rounded([1.0], 2)


# ------------------------------------------------------------------ committed notebooks


@pytest.mark.parametrize("chapter", toc.notebooks(), ids=lambda p: p.stem)
def test_no_output_of_a_chapter_prints_more_digits_than_the_rule(chapter):
    assert precision.long_floats(ROOT / chapter) == []


def test_the_digit_counter_finds_long_floats_only():
    text = ("x 0.1 221.37 1e-05 0.09000000000000001 2024 -300.05539394317054 v1.2.3 "
            "6874240231170.0 6874240231175.5")
    found = [m.group(0) for m in precision.FLOAT.finditer(text)
             if precision.significant_digits(m) > 12]
    assert found == ["0.09000000000000001", "-300.05539394317054", "6874240231175.5"]
    # a 12-digit float above 1e12 prints with a trailing zero, and passes
    assert notebook.glue_record("x", 6874240231170.4)[0][notebook.GLUE_PREFIX + "text/plain"] \
        == "6874240231170.0"


# ------------------------------------------------------------------ nbval end to end


def _nbval(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-sanitize-with", str(SANITIZE), "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", str(path)],
        capture_output=True, text=True, cwd=path.parent, timeout=300)


def _notebook_storing(stored: float, computed: str) -> nbformat.NotebookNode:
    """A notebook whose one cell glues ``computed`` but stores the record of ``stored``."""
    data, metadata = notebook.glue_record("x", stored)
    cell = new_code_cell("import numpy as np\nfrom toymarkets.chapters.notebook import glue\n"
                         f"glue('x', {computed})", execution_count=1)
    cell.outputs = [new_output("display_data", data=data, metadata=metadata)]
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def test_nbval_passes_a_last_digit_change_and_fails_a_real_one(tmp_path):
    stored = 300.05539394317054
    cases = {"ulps": (f"np.nextafter({stored!r}, 1e9)", 0),
             "real": (f"{stored!r} * (1 + 1e-9)", 1)}
    for name, (computed, want) in cases.items():
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(_notebook_storing(stored, computed)), encoding="utf-8")
        done = _nbval(path)
        assert done.returncode == want, f"{name}: nbval exited {done.returncode}\n{done.stdout}"


def test_parameter_tables_never_round_a_small_parameter_to_zero():
    from toymarkets.chapters.notebook import parameters
    from toymarkets.models import impact as im

    table = parameters(im.Execution(temporary=2.5e-6, permanent=2.5e-7))
    shown = table.iloc[:, 0].to_dict()
    assert shown["permanent"] == "2.5e-07" and shown["temporary"] == "2.5e-06"
    assert shown["volatility"] == "0.95" and shown["n_intervals"] == 5
    assert shown["quantity"] == "1000000"
