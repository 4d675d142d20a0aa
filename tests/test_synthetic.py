"""The seeded example county: deterministic, realistic shares, internally consistent."""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fuchan_lib.core import creditcode
from fuchan_lib.core import schema
from synthetic import TOWNS, make_county, write_county

FESTIVAL = pd.Timestamp("2023-01-22")
AS_OF = pd.Timestamp("2023-02-15")
SEED_SECTORS = (
    "租赁和商务服务业", "水利、环境和公共设施管理业", "居民服务、修理和其他服务业",
    "教育", "卫生和社会工作", "文化、体育和娱乐业",
)


@pytest.fixture(scope="module")
def county():
    return make_county()


@pytest.fixture(scope="module")
def as_xlsx(county, tmp_path_factory) -> list[Path]:
    """The county written as .xlsx once (write_county's paths), for the tests that read it back."""
    return write_county(county, tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def industry(county):
    return county[schema.INDUSTRY]


@pytest.fixture(scope="module")
def service(county):
    return county[schema.SERVICE]


def test_same_seed_gives_identical_frames_and_another_seed_does_not(county):
    again = make_county()
    for key, frame in county.items():
        pd.testing.assert_frame_equal(frame, again[key])
    other = make_county(seed=7)
    assert not other[schema.INDUSTRY].equals(county[schema.INDUSTRY])


def test_industry_ledger_does_not_depend_on_the_number_of_service_rows(industry):
    pd.testing.assert_frame_equal(make_county(1200, 5)[schema.INDUSTRY], industry)


@pytest.mark.parametrize(
    "key, columns",
    [
        (schema.INDUSTRY, schema.INDUSTRY_COLUMNS),
        (schema.SERVICE, schema.SERVICE_COLUMNS),
        (schema.INDICATORS, schema.INDICATOR_COLUMNS),
        (schema.ENTERPRISE_INDICATORS, schema.ENTERPRISE_INDICATOR_COLUMNS),
    ],
)
def test_frames_have_the_canonical_columns_in_order(county, key, columns):
    # the optional 预计复工日期 is not made: the committed example ledgers predate it
    assert list(county[key].columns) == [c.name for c in columns if c.name != schema.EXPECTED]


def test_industry_values_are_canonical_with_realistic_shares(industry):
    assert len(industry) == 1200
    assert set(industry[schema.SCALE]) == set(schema.SCALES)
    assert 100 <= (industry[schema.SCALE] == schema.ABOVE_SCALE).sum() <= 140
    shares = industry[schema.STATUS].value_counts(normalize=True)
    assert set(shares.index) == set(schema.INDUSTRY_STATUSES)
    assert 0.09 <= shares["正常生产"] <= 0.15
    assert 0.03 <= shares["长期停产"] <= 0.07
    assert set(industry[schema.TOWN]) == set(TOWNS)
    assert {"城关镇", "工业园区"} <= set(TOWNS) and 8 <= len(TOWNS) <= 12


def test_service_categories_trades_and_sectors(service):
    assert len(service) == 600
    shares = service[schema.CATEGORY].value_counts(normalize=True)
    assert 0.20 <= shares[schema.RETAIL_ABOVE_QUOTA] <= 0.30
    assert 0.50 <= shares[schema.BIG_INDIVIDUAL] <= 0.60
    assert 0.15 <= shares[schema.SERVICE_ABOVE_SCALE] <= 0.25
    for category in (schema.RETAIL_ABOVE_QUOTA, schema.BIG_INDIVIDUAL):
        trades = service.loc[service[schema.CATEGORY] == category, schema.TRADE]
        assert set(trades) == set(schema.RETAIL_TRADES)
    sectors = set(service.loc[service[schema.CATEGORY] == schema.SERVICE_ABOVE_SCALE, schema.TRADE])
    assert sectors <= set(schema.SERVICE_SECTORS)
    assert len(sectors) >= 6 and set(SEED_SECTORS) <= sectors
    assert set(service[schema.STATUS]) == set(schema.SERVICE_STATUSES)


def test_credit_codes_are_valid_unique_and_typed_by_registrant(industry, service):
    codes = pd.concat([industry[schema.CREDIT_CODE], service[schema.CREDIT_CODE]], ignore_index=True)
    assert creditcode.valid_mask(codes).all()
    assert all(creditcode.is_valid(c) for c in codes.iloc[::97])  # the scalar path agrees
    assert codes.is_unique
    individual = service[schema.CATEGORY] == schema.BIG_INDIVIDUAL
    assert service.loc[individual, schema.CREDIT_CODE].str.startswith("92").all()
    assert service.loc[~individual, schema.CREDIT_CODE].str.startswith("91").all()


def test_enterprise_names_are_unique_across_both_ledgers_and_plausible(industry, service):
    names = pd.concat([industry[schema.NAME], service[schema.NAME]], ignore_index=True)
    assert names.is_unique
    assert names.str.startswith("示例县").all()
    assert industry[schema.NAME].str.endswith("公司").all()


@pytest.mark.parametrize("key", [schema.INDUSTRY, schema.SERVICE])
def test_staff_and_returned_are_consistent_integers(county, key):
    frame = county[key]
    assert frame[schema.STAFF].dtype == np.int64 and frame[schema.RETURNED].dtype == np.int64
    assert (frame[schema.STAFF] >= 1).all()
    assert (frame[schema.RETURNED] >= 0).all()
    assert (frame[schema.RETURNED] <= frame[schema.STAFF]).all()


def test_above_scale_industry_employs_more(industry):
    median = industry.groupby(schema.SCALE)[schema.STAFF].median()
    assert median[schema.ABOVE_SCALE] > 3 * median[schema.BELOW_SCALE]


@pytest.mark.parametrize("key", [schema.INDUSTRY, schema.SERVICE])
def test_resumption_dates_only_for_holiday_and_never_before_the_festival(county, key):
    frame = county[key]
    dates = frame[schema.RESUMED_ON]
    assert pd.api.types.is_datetime64_any_dtype(dates)
    assert (dates.dropna() == dates.dropna().dt.normalize()).all()  # no time part
    holiday = frame[schema.STATUS].isin(schema.ON_HOLIDAY)
    assert dates[~holiday].isna().all()
    assert (dates.dropna() > FESTIVAL).all()
    assert (dates > AS_OF).sum() >= 1  # a few resumed after the as-of date
    assert dates[holiday].isna().sum() >= 1  # a few not resumed at all


def test_resumption_peaks_a_week_after_the_festival(industry):
    offsets = (industry[schema.RESUMED_ON] - FESTIVAL).dt.days.dropna()
    assert 7 <= offsets.mode().iloc[0] <= 10
    assert offsets.between(7, 10).mean() > 0.3


def test_above_scale_resume_faster(industry):
    holiday = industry[industry[schema.STATUS] == "停产放假"]
    resumed = holiday[schema.RESUMED_ON] <= AS_OF
    rate = resumed.groupby(holiday[schema.SCALE]).mean()
    assert rate[schema.ABOVE_SCALE] > rate[schema.BELOW_SCALE]
    days = (holiday[schema.RESUMED_ON] - FESTIVAL).dt.days.groupby(holiday[schema.SCALE]).median()
    assert days[schema.ABOVE_SCALE] <= days[schema.BELOW_SCALE]


@pytest.mark.parametrize("key", [schema.INDUSTRY, schema.SERVICE])
def test_reasons_exactly_where_not_resumed_and_return_rates_follow(county, key):
    frame = county[key]
    holiday = frame[schema.STATUS].isin(schema.ON_HOLIDAY)
    long_stopped = frame[schema.STATUS].isin(schema.LONG_STOPPED)
    waiting = holiday & ~(frame[schema.RESUMED_ON] <= AS_OF)
    has_reason = frame[schema.REASON].notna()
    assert (has_reason == (waiting | long_stopped)).all()
    ratio = frame[schema.RETURNED] / frame[schema.STAFF]
    assert ratio[holiday & ~waiting].mean() > 0.7
    assert ratio[waiting].mean() < 0.3


def test_industry_reasons_include_the_common_ones(industry):
    reasons = set(industry[schema.REASON].dropna())
    assert {"订单不足", "原材料短缺", "设备检修", "用工不足", "资金困难", "用电受限"} <= reasons


def test_indicators_one_row_per_seed_indicator_in_wan_yuan(county):
    frame = county[schema.INDICATORS].set_index(schema.INDICATOR)
    assert tuple(frame.index) == schema.SEED_INDICATORS
    assert (frame[schema.UNIT] == "万元").all()
    assert frame[schema.GROWTH].notna().tolist() == [False, True, False, False, False, False]
    assert 50_000 <= frame.loc["规模以上工业总产值", schema.CURRENT] <= 100_000  # 5–10 亿元 in January
    assert frame.loc["住宿业营业额", schema.CURRENT] < frame.loc["住宿业营业额", schema.LAST_YEAR]
    assert (frame[schema.CURRENT] > frame[schema.LAST_YEAR]).sum() >= 4
    assert (frame[schema.TARGET] > frame[schema.CURRENT]).all()  # the Q1 target exceeds January
    assert frame[schema.TARGET_GROWTH].notna().all()


def test_enterprise_form_sums_to_the_published_gross_output(county, industry):
    enterprise = county[schema.ENTERPRISE_INDICATORS]
    above = industry.loc[industry[schema.SCALE] == schema.ABOVE_SCALE, schema.NAME]
    assert enterprise[schema.NAME].tolist() == above.tolist()
    assert (enterprise[schema.INDICATOR] == "规模以上工业总产值").all()
    published = county[schema.INDICATORS].set_index(schema.INDICATOR).loc["规模以上工业总产值"]
    assert enterprise[schema.CURRENT].sum() == published[schema.CURRENT]
    assert enterprise[schema.LAST_YEAR].sum() != published[schema.LAST_YEAR]  # 可比口径 differs
    assert (enterprise[schema.LAST_YEAR] > 0).all()


def test_other_festival_dates_and_empty_ledgers_work():
    frames = make_county(300, 0, seed=1, spring_festival=date(2024, 2, 10), as_of=date(2024, 3, 1))
    dates = frames[schema.INDUSTRY][schema.RESUMED_ON].dropna()
    assert (dates > pd.Timestamp("2024-02-10")).all()
    assert len(frames[schema.SERVICE]) == 0
    assert list(frames[schema.SERVICE].columns) == [c.name for c in schema.SERVICE_COLUMNS
                                                    if c.name != schema.EXPECTED]
    empty = make_county(0, 10)
    assert len(empty[schema.ENTERPRISE_INDICATORS]) == 0
    assert empty[schema.INDICATORS][schema.CURRENT].iloc[0] == 0


def test_bad_arguments_are_refused_in_chinese():
    with pytest.raises(ValueError, match="不能为负"):
        make_county(-1, 0)
    with pytest.raises(ValueError, match="早于春节"):
        make_county(10, 10, as_of=date(2023, 1, 1))


def test_a_hundred_thousand_rows_stay_unique_and_valid():
    frames = make_county(10**5, 10**5, seed=5)
    for key in (schema.INDUSTRY, schema.SERVICE):
        frame = frames[key]
        assert len(frame) == 10**5
        assert frame[schema.NAME].is_unique and frame[schema.CREDIT_CODE].is_unique
    assert creditcode.valid_mask(frames[schema.INDUSTRY][schema.CREDIT_CODE]).all()


def test_xlsx_round_trips_the_data_and_is_byte_stable(county, as_xlsx, tmp_path):
    paths = as_xlsx
    assert sorted(p.name for p in paths) == sorted(f"{k}.xlsx" for k in county)
    again = write_county(make_county(), tmp_path / "b")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    for key, frame in county.items():
        back = pd.read_excel(paths[0].parent / f"{key}.xlsx", sheet_name=key, engine="openpyxl")
        assert list(back.columns) == list(frame.columns)
        dated = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        back[dated] = back[dated].astype("datetime64[s]")  # the reader picks its own resolution
        pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_xlsx_dates_are_formatted_as_dates(as_xlsx):
    import openpyxl

    sheet = openpyxl.load_workbook(as_xlsx[0].parent / f"{schema.INDUSTRY}.xlsx")[schema.INDUSTRY]
    column = [c.name for c in schema.INDUSTRY_COLUMNS].index(schema.RESUMED_ON) + 1
    dated = [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column) if row[0].value]
    assert dated and all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in dated)


def test_csv_is_utf8_with_bom_and_plain_dates(county, tmp_path):
    paths = write_county(county, tmp_path, fmt="csv")
    raw = (tmp_path / f"{schema.INDUSTRY}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(paths[0], encoding="utf-8-sig", dtype=str)
    dates = back[schema.RESUMED_ON].dropna()
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert back[schema.NAME].tolist() == county[schema.INDUSTRY][schema.NAME].tolist()


def test_unknown_format_is_refused(county, tmp_path):
    with pytest.raises(ValueError, match="不支持的输出格式“json”"):
        write_county(county, tmp_path, fmt="json")


def test_committed_example_data_is_what_the_generator_makes(county):
    example = Path(__file__).resolve().parents[1] / "data" / "example"
    for key, frame in county.items():
        back = pd.read_excel(example / f"{key}.xlsx", sheet_name=key, engine="openpyxl")
        dated = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        back[dated] = back[dated].astype("datetime64[s]")
        pd.testing.assert_frame_equal(back, frame, check_dtype=False, obj=f"data/example/{key}.xlsx")
