"""Every bundled scenario declares, under expect:, what its source story teaches, and
`parley check` proves it over every line of play.
"""

from __future__ import annotations

import analysis_fixtures as fx
import pytest


@pytest.mark.parametrize("scenario_id", fx.bundled_ids())
def test_bundled_scenario_declares_its_source_advice_and_passes_check(scenario_id):
    report = fx.bundled_report(scenario_id)
    assert report.ok, "\n".join(d.render() for d in report.errors)
    kinds = {e["kind"] for e in report.expectations}
    assert len(report.expectations) >= 8 and {"line", "policy", "optimum"} <= kinds
    assert all(e["passed"] for e in report.expectations)
