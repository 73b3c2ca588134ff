"""The shared pieces: parameter checks, the balance sheet, self-checks, Try-it, style, toc."""

import json
import math
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest
from booktools import toc
from hypothesis import given, settings
from hypothesis import strategies as st

from toymarkets import _validate as v
from toymarkets.chapters import checks, notebook
from toymarkets.chapters.tryit import TryIt
from toymarkets.core.balancesheet import BalanceSheet
from toymarkets.figures import style

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- parameter checks


@pytest.mark.parametrize("call, message", [
    (lambda: v.probability("ltv", 1.5), r"ltv must be in \[0, 1\], got 1.5"),
    (lambda: v.positive("price", -2.0), r"price must be in \(0, inf\)"),
    (lambda: v.non_negative("budget", float("nan")), "budget must be a number"),
    (lambda: v.in_range("rho", 2, -1, 1), r"rho must be in \[-1, 1\]"),
    (lambda: v.count("n_steps", 0), r"n_steps must be a whole number in \[1, inf\)"),
    (lambda: v.count("n_steps", True), "n_steps must be a whole number"),
    (lambda: v.finite("x", float("inf")), "x must be finite"),
    (lambda: v.positive("x", "3"), "x must be a real number"),
    (lambda: v.non_negative_array("q", [1.0, -1e-300]), r"q must be finite and in \[0, inf\)"),
    (lambda: v.non_negative_array("q", [1.0, float("nan")]), r"q must be finite and in \[0"),
    (lambda: v.non_negative_array("q", "many"), r"q must be finite and in \[0"),
    (lambda: v.non_negative_array("q", [0.5, 2.5], 2.0), r"q must be finite and in \[0, 2\], got"),
    (lambda: v.array_in_range("f", [0.5, 1.0], 0, 1, hi_open=True),
     r"f must be finite and in \[0, 1\)"),
    (lambda: v.array_in_range("c", [0.0], 0, np.inf, lo_open=True, hi_open=True),
     r"c must be finite and in \(0, inf\)"),
    (lambda: v.numbers("xs", []), "xs must be a non-empty list of numbers, got"),
    (lambda: v.numbers("xs", [[1.0, 2.0]]), "xs must be a non-empty list of numbers"),
    (lambda: v.numbers("xs", ["a"]), "xs must be a non-empty list of numbers"),
])
def test_checks_name_the_parameter_and_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@given(st.floats(0.0, 1.0))
def test_probability_accepts_the_closed_unit_interval(p):
    assert v.probability("p", p) == p


@given(st.lists(st.floats(0.0, 1e300), max_size=6))
def test_non_negative_arrays_come_back_as_float_arrays_unchanged(values):
    out = v.non_negative_array("q", values)
    assert out.dtype == float and out.shape == (len(values),)
    assert out.tolist() == [float(x) for x in values]
    assert v.non_negative_array("q", 2).shape == ()
    capped = [min(x, 2.0) for x in values] + [2.0]                  # hi itself is allowed
    assert v.non_negative_array("q", capped, 2.0).tolist() == capped


@given(st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=6))
def test_numbers_come_back_as_a_one_dimensional_float_array(values):
    assert v.numbers("q", values).tolist() == [float(x) for x in values]
    assert v.numbers("q", 3).tolist() == [3.0]


# ---------------------------------------------------------------- balance sheet

lines = st.dictionaries(st.text(min_size=1, max_size=8), st.floats(0, 1e9), max_size=5)


@settings(max_examples=100)
@given(assets=lines, liabilities=lines)
def test_equity_is_assets_less_liabilities(assets, liabilities):
    sheet = BalanceSheet(assets, liabilities)
    assert sheet.equity == pytest.approx(sum(assets.values()) - sum(liabilities.values()),
                                         abs=1e-6)
    assert sheet.is_solvent == (sheet.equity >= 0)
    frame = sheet.to_frame()
    assert frame.loc[("Equity", "Assets less liabilities"), "USD"] == pytest.approx(sheet.equity)


@settings(max_examples=100)
@given(assets=lines.filter(bool), cut=st.floats(0, 1))
def test_haircuts_never_raise_equity(assets, cut):
    sheet = BalanceSheet(assets, {"loan": 1.0})
    cut_sheet = sheet.haircut({k: cut for k in assets})
    assert cut_sheet.equity <= sheet.equity + 1e-9
    assert cut_sheet.total_assets == pytest.approx((1 - cut) * sheet.total_assets, abs=1e-6)
    assert sheet.asset_values == dict(assets)      # the original is untouched


def test_balance_sheet_rejects_bad_lines_and_is_immutable():
    with pytest.raises(ValueError, match="assets\\['FTT'\\]"):
        BalanceSheet({"FTT": -1.0})
    with pytest.raises(ValueError, match="haircuts\\['FTT'\\]"):
        BalanceSheet({"FTT": 1.0}).haircut({"FTT": 1.5})
    with pytest.raises(ValueError, match="no asset line"):
        BalanceSheet({"FTT": 1.0}).mark(SOL=2.0)
    sheet = BalanceSheet.from_holdings({"FTT": 10.0}, {"FTT": 22.0}, {"loan": 100.0})
    assert sheet.equity == pytest.approx(120.0)
    assert sheet.leverage == pytest.approx(220.0 / 120.0)
    assert BalanceSheet({"x": 1.0}, {"y": 2.0}).leverage == math.inf
    with pytest.raises(TypeError):
        sheet.assets["FTT"] = 0.0


# ---------------------------------------------------------------- self-checks


def test_check_says_right_wrong_or_unanswered_and_logs_data_not_verdicts(tmp_path,
                                                                        monkeypatch):
    log = tmp_path / "grades.jsonl"
    monkeypatch.setenv(checks.GRADE_LOG_ENV, str(log))
    key = "step01.otc_share"
    right = checks.answer_key(key).expected()
    verdicts = [checks.check(key, given) for given in (..., None, right * 1.5, "abc", right)]
    assert [r.status for r in verdicts] == ["unanswered", "unanswered", "wrong", "wrong", "right"]
    assert [r.points for r in verdicts] == [0, 0, 0, 0, 1]
    logged = [json.loads(line) for line in log.read_text().splitlines()]
    assert [row["submission"] for row in logged] == [
        {"unanswered": True}, {"unanswered": True}, {"value": right * 1.5}, {"value": "abc"},
        {"value": right}]
    assert all("status" not in row and "points" not in row for row in logged)
    # the verdict never shows the right answer
    for r in verdicts:
        assert f"{right:.3f}" not in repr(r) and f"{right:.2f}" not in repr(r)


def test_check_survives_a_student_function_that_raises():
    result = checks.check("step01.ticket_fee", lambda run, fee: 1 / 0)
    assert result.status == "wrong" and "ZeroDivisionError" in result.message


@pytest.mark.parametrize("key", ["nonsense", "step99.x", "step01.nope"])
def test_unknown_keys_are_a_clear_error(key):
    with pytest.raises(ValueError):
        checks.check(key, 1.0)


def _value(spec, given):
    return checks.judge(spec, checks.submission(spec, given))


def test_value_answers_are_judged_within_their_tolerance():
    number = checks.Answer(expected=lambda: 2.0, rtol=1e-3)
    assert _value(number, 2.001) == "right" and _value(number, 2.01) == "wrong"
    assert _value(number, "2") == "wrong" and _value(number, float("nan")) == "wrong"
    vector = checks.Answer(expected=lambda: [1.0, 2.0])
    assert _value(vector, np.array([1.0, 2.0])) == "right"
    assert _value(vector, [1.0, 2.0, 3.0]) == "wrong"
    word = checks.Answer(expected=lambda: "B-book")
    assert _value(word, " b-book ") == "right" and _value(word, "A-book") == "wrong"
    two_places = checks.Answer(expected=lambda: 0.774, decimals=2)
    assert _value(two_places, 0.77) == "right" and _value(two_places, 0.7744) == "right"
    assert _value(two_places, 0.78) == "wrong" and _value(two_places, 0.76) == "wrong"
    with pytest.raises(ValueError, match="exactly one of expected"):
        checks.Answer()
    with pytest.raises(ValueError, match="both reference and cases"):
        checks.Answer(reference=abs)


def test_function_answers_are_judged_on_their_cases():
    spec = checks.Answer(reference=lambda n: np.arange(n) * 0.5, cases=lambda: [(1,), (3,)])
    assert _value(spec, lambda n: np.arange(n) / 2) == "right"
    assert _value(spec, lambda n: np.arange(n + 1) / 2) == "wrong"
    assert _value(spec, lambda n: np.arange(n) * 0.5 + 1e-3) == "wrong"
    assert _value(spec, 3.0) == "wrong"
    mask = checks.Answer(reference=lambda n: np.arange(n) % 2 == 0, cases=lambda: [(4,)],
                         exact=True)
    assert _value(mask, lambda n: np.arange(n) % 2 == 0) == "right"
    assert _value(mask, lambda n: (np.arange(n) % 2 == 0).astype(int)) == "wrong"


# ---------------------------------------------------------------- hostile answers


def test_an_object_cannot_read_the_expected_value_while_it_is_converted():
    """Its __float__ looks for the right answer in the caller's frames; there is none yet."""
    import inspect

    class Peeker:
        def __float__(self):
            for frame in inspect.stack():
                for name in ("want", "expected", "right"):
                    value = frame.frame.f_locals.get(name)
                    if isinstance(value, float | np.floating):
                        return float(value)
            return -1.0

    assert checks.check("step01.otc_share", Peeker()).status == "wrong"


def test_a_function_cannot_return_the_reference_outputs():
    """The student's function runs before any reference output exists."""
    import inspect

    def sneaky(run, fee):
        for frame in inspect.stack():
            for value in frame.frame.f_locals.values():
                if isinstance(value, np.ndarray) and value.shape == (20,):
                    return value
        return np.zeros(20)

    assert checks.check("step01.ticket_fee", sneaky).status == "wrong"


def test_loosening_a_tolerance_in_the_kernel_does_not_reach_the_grader(tmp_path):
    """The grader judges in its own process, with the answer keys as the library ships them."""
    import subprocess
    import sys

    spec = checks.answer_key("step01.otc_share")
    data = checks.submission(spec, 0.0)
    object.__setattr__(spec, "atol", 1e9)          # what a notebook could do to its key
    assert checks.judge(spec, data) == "right"       # that copy is loosened ...
    assert checks.check("step01.otc_share", 0.0).status == "wrong"   # ... the next is not
    assert checks.answer_key("step01.otc_share").atol < 1e-2
    code = ("import json, sys; from toymarkets.chapters import checks; "
            "print(checks.judge(checks.answer_key('step01.otc_share'), json.loads(sys.argv[1])))")
    fresh = subprocess.run([sys.executable, "-c", code, json.dumps(data)], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert fresh == "wrong"


# ---------------------------------------------------------------- Try it and style


def _live_line():
    """A figure built once, and an update that only moves its line."""
    fig, ax = style.figure()
    line = ax.plot([0, 1], [0, 1], animated=True)[0]
    ax.set_ylim(0, 2)
    style.label(ax, x="time [steps]", y="level [USD]")
    return fig, lambda level: line.set_ydata([0, level])


def test_tryit_shows_a_live_widget_a_static_figure_and_a_stable_note():
    slider = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, description="level")
    fig, update = _live_line()
    live = TryIt(update, fig, {"level": slider}, alt="A rising line.")
    bundle = live._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"} <= set(bundle)
    assert "level" in bundle["text/plain"] and "0x" not in bundle["text/plain"]
    # one look and one update rule for every chapter's controls: follow the drag
    assert slider.style.description_width == "initial" and slider.continuous_update is True
    before = live.image.value
    slider.value = 2.0
    assert live.image.value != before                     # moving the slider redraws
    assert live.figure() is fig                           # ... in place: the same figure
    assert bundle["image/png"] == live._repr_mimebundle_()["image/png"]   # HTML keeps defaults
    slider.value = 1.0
    assert live.image.value == live.default_png           # back at the defaults, same picture
    where = fig.axes[0].get_position().bounds             # the layout was computed once:
    fig.axes[0].set_ylabel("a much longer label [USD]")   # a longer label does not move it
    live.render()
    assert fig.axes[0].get_position().bounds == where
    with pytest.raises(ValueError, match="alt"):
        TryIt(update, fig, {"level": slider}, alt=" ")
    with pytest.raises(ValueError, match="figure must be a matplotlib Figure"):
        TryIt(update, None, {"level": slider}, alt="A line.")
    with pytest.raises(ValueError, match="figure has no animated artist"):
        TryIt(lambda level: None, style.figure()[0], {"level": slider}, alt="A line.")


def test_labels_must_carry_units():
    fig, ax = style.figure()
    with pytest.raises(ValueError, match="units"):
        style.label(ax, x="time", y="price [USD]")
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_palette_is_okabe_ito():
    assert style.COLORS[:3] == ["#0072B2", "#E69F00", "#009E73"]


def test_glue_refuses_non_finite_numbers():
    with pytest.raises(ValueError, match="x is not a finite number"):
        notebook.glue("x", np.float64("nan"))


# ---------------------------------------------------------------- table of contents


def test_every_chapter_notebook_is_in_the_toc_and_every_toc_page_exists():
    listed = {p.as_posix() for p in toc.pages()}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "book").glob("*.ipynb")}
    assert on_disk <= listed, f"not in _toc.yml: {sorted(on_disk - listed)}"
    assert toc.notebooks(), "the toc lists no notebook"


@pytest.mark.parametrize("value", [3, 2.5, np.float64(221.37), "text", np.int64(7)])
def test_glue_writes_the_record_myst_nb_writes(value, monkeypatch):
    """Our glue must emit exactly what myst_nb.glue(name, value, display=False) emits."""
    import IPython.display
    import myst_nb.ext.glue as myst_glue

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setattr(myst_glue, "ipy_display", lambda *a, **k: calls.append((a, k)))
    notebook.glue("value", value)
    plain = value.item() if isinstance(value, np.generic) else value
    myst_glue.glue("value", plain, display=False)
    assert len(calls) == 2 and calls[0] == calls[1]
    assert notebook.GLUE_PREFIX == myst_glue.GLUE_PREFIX


def test_replace_rechecks_and_names_unknown_parameters():
    from toymarkets.models.marketmaking import MarketMaker

    with pytest.raises(ValueError, match="MarketMaker has no parameter"):
        MarketMaker().replace(nope=1)
    with pytest.raises(ValueError, match="hedge_ratio"):
        MarketMaker().replace(hedge_ratio=2.0)
    assert MarketMaker().replace(hedge_ratio=0.5).hedge_ratio == 0.5


# ---------------------------------------------------------------- results and solvers

from types import MappingProxyType  # noqa: E402

from toymarkets.core import results, solvers  # noqa: E402
from toymarkets.models import glostenmilgrom, marketmaking, pricesupport, toxicflow  # noqa: E402


@pytest.mark.parametrize("make", [
    lambda: marketmaking.simulate(marketmaking.MarketMaker(n_steps=50), np.random.default_rng(1),
                                  n_paths=2),
    lambda: pricesupport.simulate(pricesupport.PriceSupport(n_steps=20), np.random.default_rng(1),
                                  n_paths=2),
    lambda: toxicflow.simulate(toxicflow.ToxicFlow(), np.random.default_rng(1), n_trades=200),
    lambda: glostenmilgrom.simulate_glosten_milgrom(90, 110, 0.5, 0.2, np.random.default_rng(1),
                                                    n_trades=100),
], ids=["marketmaking", "pricesupport", "toxicflow", "glostenmilgrom"])
def test_every_model_result_is_read_only(make):
    result = make()
    assert isinstance(result, results.Result)
    arrays = [getattr(result, f) for f in result.__dataclass_fields__
              if isinstance(getattr(result, f), np.ndarray)]
    assert arrays, "the result holds no arrays"
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    for f in result.__dataclass_fields__:
        value = getattr(result, f)
        if isinstance(value, dict | MappingProxyType):
            with pytest.raises(TypeError):
                value["new"] = 1
            for array in value.values():
                with pytest.raises(ValueError, match="read-only"):
                    array[...] = 0
    with pytest.raises(AttributeError):
        result.params = None


def test_components_totals_add_up_and_cumulate():
    run = marketmaking.simulate(marketmaking.MarketMaker(n_steps=100), np.random.default_rng(4),
                                n_paths=3)
    totals = run.totals()
    assert list(totals.columns) == [*marketmaking.COMPONENTS, "total"]
    np.testing.assert_allclose(totals["total"], totals.drop(columns="total").sum(axis=1))
    cumulative = run.cumulative(2)
    np.testing.assert_allclose(cumulative.iloc[-1].to_numpy(), totals.loc[2].to_numpy())
    with pytest.raises(ValueError, match=r"path must be a whole number in \[0, 2\]"):
        run.cumulative(3)


def test_iterate_finds_a_contraction_fixed_point_and_counts_its_steps():
    found = solvers.iterate(lambda x: 0.5 * x + 1.0, 0.0, tol=1e-12, record=True)
    assert found.converged and found.x == pytest.approx(2.0, abs=1e-11)
    # Step n moves 2 * 0.5**n; it first falls below tol * (1 + 2) at n = ceil(log2(2 / 3e-12)).
    assert found.iterations == math.ceil(math.log2(2.0 / 3e-12))
    assert found.history.shape == (found.iterations + 1,)
    np.testing.assert_allclose(found.history[1:] - 2.0, 0.5 * (found.history[:-1] - 2.0))


def test_iterate_raises_instead_of_returning_a_guess():
    with pytest.raises(solvers.ConvergenceError, match="max_iter=50"):
        solvers.iterate(lambda x: 2.0 * x + 1.0, np.array([1.0]), max_iter=50)
    with pytest.raises(ValueError, match="not finite"):
        solvers.iterate(lambda x: x + np.inf, np.array([1.0]))
    with pytest.raises(ValueError, match="f must keep the shape"):
        solvers.iterate(lambda x: np.append(x, 1.0), np.zeros(2))


@given(st.floats(0.1, 100.0))
def test_bisect_finds_the_square_root(a):
    root = solvers.bisect(lambda x: x * x - a, 0.0, max(a, 1.0), tol=1e-13)
    assert root.converged and root.lo <= root.x <= root.hi
    assert root.x == pytest.approx(math.sqrt(a), rel=1e-11)


def test_bisect_needs_a_bracket_and_raises_when_out_of_steps():
    with pytest.raises(ValueError, match="must differ in sign"):
        solvers.bisect(lambda x: x * x + 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="lo must be less than hi"):
        solvers.bisect(lambda x: x, 1.0, 0.0)
    with pytest.raises(solvers.ConvergenceError, match="max_iter=3"):
        solvers.bisect(lambda x: x - 0.3, 0.0, 1.0, max_iter=3)


@pytest.mark.parametrize("call, message", [
    (lambda: v.generator(np.random.RandomState(0)), "rng must be a numpy.random.Generator"),
    (lambda: v.generator(42), "rng must be a numpy.random.Generator, got int"),
    (lambda: v.instance("params", 3, str), "params must be a str, got int"),
    (lambda: v.choice("mark", "cost", ("market", "fair")), r"mark must be one of \['market'"),
])
def test_shared_checks_name_what_they_refuse(call, message):
    with pytest.raises(ValueError, match=message):
        call()
