"""The messy-input corpus (scripts/make_bad_inputs.py) and random garbage in a clean ledger."""

import datetime as dt

import make_bad_inputs as corpus
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_examples import examples

from fuchan_lib.core import schema
from fuchan_lib.core.exceptions import LedgerError
from fuchan_lib.ingest.ledger import ledger_from_rows, read_ledger

CANONICAL = {kind: [c.name for c in cols] for kind, cols in schema.COLUMNS_BY_KIND.items()}


@pytest.fixture(scope="module")
def references(bad_input_corpus):
    out, _ = bad_input_corpus
    return {
        kind: read_ledger(out / f"reference_{kind}.xlsx", kind)
        for kind in (schema.INDUSTRY, schema.SERVICE, schema.INDICATORS)
    }


def test_the_corpus_covers_at_least_thirty_cases_both_ways():
    outcomes = [c.expect for c in corpus.CASES]
    assert len(corpus.CASES) >= 30
    assert outcomes.count("same") >= 15 and outcomes.count("error") >= 15
    assert len({c.name for c in corpus.CASES}) == len(corpus.CASES)


def test_the_clean_reference_reads_back_to_the_synthetic_frames(references):
    frames = corpus.clean_frames()
    for kind, read in references.items():
        expected = frames[kind]
        assert len(read) == len(expected)
        for column in expected.columns:
            got, want = read[column], expected[column]
            if want.dtype.kind == "M":
                assert (got.isna() == want.isna()).all()
                assert (got[want.notna()] == want[want.notna()].astype("datetime64[ns]")).all()
            else:
                assert [None if pd.isna(v) else v for v in got] == \
                       [None if pd.isna(v) else v for v in want], column


@pytest.mark.parametrize("case", corpus.CASES, ids=lambda c: c.name)
def test_each_case_loads_the_same_or_is_refused_where_expected(case, bad_input_corpus, references):
    _, paths = bad_input_corpus
    path = paths[case.name]
    if case.expect == "same":
        frame = read_ledger(path, case.kind, sheet=case.sheet, year=case.year)
        columns = CANONICAL[case.kind]
        pd.testing.assert_frame_equal(frame[columns], references[case.kind][columns])
        return
    with pytest.raises(LedgerError) as err:
        read_ledger(path, case.kind, sheet=case.sheet, year=case.year)
    e = err.value
    assert e.file == path.name
    assert (e.sheet, e.row, e.column) == (case.expected_sheet, case.row, case.column)
    assert case.match in str(e)
    assert "Traceback" not in str(e) and e.fix


# --- random garbage ------------------------------------------------------------------------------

GARBAGE = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["合计", "小计", "—", "未复工", "2023年2月30日", "1,234", "３０人", "是", "√",
                     "_x000B_", "\u3000", "注：x", "规上", "停产放假", "长期停业", "#N/A", "TRUE"]),
    st.integers(-10**6, 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(dt.date(1900, 1, 1), dt.date(2200, 1, 1)),
)


@pytest.fixture(scope="module")
def clean_grid():
    return corpus.table(corpus.clean_frames()[schema.INDUSTRY])


@pytest.fixture(scope="module")
def clean_ledger(clean_grid):
    """The clean grid as read, once for all the examples below."""
    return ledger_from_rows(clean_grid, schema.INDUSTRY, file="x.xlsx", sheet="S")


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_garbage_in_cells_is_refused_at_a_touched_cell_or_leaves_other_rows_unchanged(
    clean_grid, clean_ledger, data
):
    header, rows = clean_grid[0], [list(r) for r in clean_grid[1:]]
    cells = data.draw(st.lists(
        st.tuples(st.integers(0, len(rows) - 1), st.integers(0, len(header) - 1), GARBAGE),
        min_size=1, max_size=6,
    ))
    for i, j, value in cells:
        rows[i][j] = value
    touched_rows = {i + 2 for i, _, _ in cells}
    touched_columns = {header[j] for _, j, _ in cells}
    clean = clean_ledger
    try:
        frame = ledger_from_rows([header, *rows], schema.INDUSTRY, file="x.xlsx", sheet="S", year=2023)
    except LedgerError as err:
        assert err.row in touched_rows and err.column in touched_columns
        assert (err.file, err.sheet) == ("x.xlsx", "S")
        return
    # untouched rows are all there, unchanged; so are the counts they make up
    untouched = ~clean[schema.SOURCE_ROW].isin(touched_rows)
    kept = frame.set_index(schema.SOURCE_ROW)
    expected = clean[untouched].set_index(schema.SOURCE_ROW)
    # 乡镇 is categorical over the values present, so compare values, not category lists
    pd.testing.assert_frame_equal(kept.loc[expected.index], expected, check_categorical=False)
    # a touched row is either dropped (blank, 合计, footnote) or still a valid row
    assert set(kept.index) - set(expected.index) <= touched_rows
    assert kept[schema.NAME].notna().all()
    assert kept[schema.SCALE].isin(schema.SCALES).all()
    assert kept[schema.STATUS].isin(schema.INDUSTRY_STATUSES).all()
    counts = frame[~frame[schema.SOURCE_ROW].isin(touched_rows)][schema.STATUS].value_counts()
    assert counts.equals(clean[untouched][schema.STATUS].value_counts())
