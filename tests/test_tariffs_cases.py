"""Hand-worked duties from published guidance, one case each (issue 16).

Each expected figure is worked out here from the guidance the docstring names, not read back from
the rules file: if a rule's rate, base, exemption or dates drift from that guidance, the case
fails. Rates are fractions of the customs value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rackwright.tariffs import (
    DutyStack,
    PartFacts,
    TariffRules,
    duty_stack,
    load_tariff_rules,
    parse_hts,
    quarter_duty,
)


@pytest.fixture(scope="module")
def tariffs() -> TariffRules:
    return load_tariff_rules()


def stack_of(tariffs: TariffRules, hts: str, origin: str, day: str, **facts: Any) -> DutyStack:
    on = date.fromisoformat(day)
    return duty_stack(tariffs.rules, parse_hts(hts), origin, on, PartFacts(**facts))


def rate_of(stack: DutyStack, rule: str) -> float:
    lines = {line.rule: line for line in stack.lines}
    return lines[rule].rate if rule in lines else 0.0


def test_transceiver_8517_62_from_taiwan_pays_no_reciprocal_tariff(tariffs: TariffRules) -> None:
    """CBP CSMS #64724565 (2025-04-11): 8517.62 is excluded from the reciprocal tariff
    (9903.01.32); MFN on 8517.62 is Free. Taiwan's EO 14326 rate (20 %) reaches only what is not
    excluded: a bare PCB (8534) from Taiwan pays it. From 2026-07-24 the forced-labor Section 301
    exempts 8517.62 too (U.S. note 52(b))."""
    optic = stack_of(tariffs, "8517.62.0090", "TW", "2025-11-15")
    assert optic.total_rate == 0.0
    assert "exempt" in next(ln.basis for ln in optic.lines if ln.rule == "ieepa-reciprocal")
    assert stack_of(tariffs, "8534.00.00", "TW", "2025-11-15").total_rate == pytest.approx(0.20)
    assert stack_of(tariffs, "8517.62.0090", "TW", "2026-12-01").total_rate == 0.0
    assert stack_of(tariffs, "8534.00.00", "TW", "2026-12-01").total_rate == pytest.approx(0.10)


def test_8542_from_china_stacks_301_and_fentanyl_but_not_reciprocal(tariffs: TariffRules) -> None:
    """USTR four-year review: 8541/8542 of China at 50 % from 2025-01-01 (9903.91.05); the
    fentanyl duty 20 % until 2025-11-09, 10 % from 2025-11-10 (ST&R, EOs of 2025-11-04), no
    electronics exemption; the reciprocal tariff excludes 8542 (CSMS #64724565). IEEPA duties
    ended 2026-02-24; the 2025-12-23 Section 301 semiconductor action is 0 % until 2027-06-23."""
    before = stack_of(tariffs, "8542.31.00.00", "CN", "2025-11-01")
    after = stack_of(tariffs, "8542.31.00.00", "CN", "2025-11-15")
    assert before.total_rate == pytest.approx(0.50 + 0.20)
    assert after.total_rate == pytest.approx(0.50 + 0.10)
    assert rate_of(after, "ieepa-reciprocal") == 0.0
    today = stack_of(tariffs, "8542.31.00.00", "CN", "2026-12-01")
    assert today.total_rate == pytest.approx(0.50)
    assert rate_of(today, "301-china-semis-2025") == 0.0


def test_copper_cable_pays_232_on_its_copper_content_only(tariffs: TariffRules) -> None:
    """Copper proclamation of 2025-07-30 (from 2025-08-01): 50 % on the value of the copper content
    of 8544.42 cables; the non-copper content pays the reciprocal tariff; Section 301 (List 3,
    25 %) and China's fentanyl duty (10 %) stack on the full value. With copper 40 % of value:
    from China 0.5*0.4 + 0.25 + 0.10*0.6 + 0.10 = 0.61; from Taiwan 0.5*0.4 + 0.20*0.6 = 0.32.
    From 2026-04-06 (Proclamation 11021) 8544.42 is Annex I-B: 25 % of the full value, and a
    Section 232 article pays no forced-labor Section 301."""
    cn = stack_of(tariffs, "8544.42.20.00", "CN", "2025-11-15", metal_value_share={"copper": 0.4})
    assert rate_of(cn, "232-copper-content") == pytest.approx(0.20)
    assert rate_of(cn, "ieepa-reciprocal") == pytest.approx(0.06)
    assert cn.total_rate == pytest.approx(0.61)
    tw = stack_of(tariffs, "8544.42.20.00", "TW", "2025-11-15", metal_value_share={"copper": 0.4})
    assert tw.total_rate == pytest.approx(0.32)
    later = stack_of(
        tariffs,
        "8544.42.20.00",
        "TW",
        "2026-12-01",
        metal_value_share={"copper": 0.05},
        metal_weight_share=0.6,
    )
    assert later.total_rate == pytest.approx(0.25)
    assert rate_of(later, "301-forced-labor") == 0.0
    light = stack_of(tariffs, "8544.42.20.00", "TW", "2026-12-01", metal_weight_share=0.10)
    assert rate_of(light, "232-metals-2026") == 0.0  # 15 % or less metal by weight: out


def test_steel_rack_frame_pays_232_on_its_steel_content(tariffs: TariffRules) -> None:
    """CBP NY ruling (ZT Group International): an empty steel server cabinet rack is 9403.10.0040,
    Free. BIS inclusions (90 FR 40326) made 9403.10 a steel derivative from 2025-08-18: 50 % on the
    steel content, the rest pays the reciprocal rate (Taiwan 20 %). Steel 30 % of value:
    0.5*0.3 + 0.2*0.7 = 0.29; steel melted and poured in the U.S. is exempt: 0.2 on the rest
    (0.7). Proclamation 11021 put 9403.10 in Annex II (out of scope) from 2026-04-06."""
    frame = stack_of(tariffs, "9403.10.00.40", "TW", "2025-11-15", metal_value_share={"steel": 0.3})
    assert frame.total_rate == pytest.approx(0.29)
    us_steel = stack_of(
        tariffs,
        "9403.10.00.40",
        "TW",
        "2025-11-15",
        metal_value_share={"steel": 0.3},
        us_melted_share=1.0,
    )
    assert rate_of(us_steel, "232-steel-inclusions") == 0.0
    assert us_steel.total_rate == pytest.approx(0.20)
    before_inclusion = stack_of(
        tariffs, "9403.10.00.40", "TW", "2025-08-15", metal_value_share={"steel": 0.3}
    )
    assert rate_of(before_inclusion, "232-steel-inclusions") == 0.0
    today = stack_of(tariffs, "9403.10.00.40", "TW", "2026-12-01", metal_value_share={"steel": 0.3})
    assert today.total_rate == pytest.approx(0.10)  # forced-labor 301, Taiwan 10 % less MFN 0


def test_rack_integrated_in_mexico_enters_as_a_computer_with_and_without_usmca(
    tariffs: TariffRules,
) -> None:
    """CBP NY N342790: a populated server rack from Mexico is classified as a whole (heading
    8471). EO 14194 as amended (from 2025-03-07): USMCA-qualifying goods owe no IEEPA duty, others
    25 %, electronics included (the reciprocal tariff does not apply to Mexico). 8471.50 is Free
    MFN. So a 3.2 MUSD rack pays 0 or 800 kUSD; under Section 122 (2026-02-24 to 2026-07-23) 8471
    is on Annex II, so both pay 0."""
    rack_usd = 3_200_000
    qualifying = stack_of(tariffs, "8471.50.01.50", "MX", "2025-12-01", usmca=True)
    not_qualifying = stack_of(tariffs, "8471.50.01.50", "MX", "2025-12-01", usmca=False)
    assert qualifying.total_rate * rack_usd == 0.0
    assert not_qualifying.total_rate * rack_usd == pytest.approx(800_000)
    for usmca in (True, False):
        assert stack_of(tariffs, "8471.50.01.50", "MX", "2026-05-01", usmca=usmca).total_rate == 0


def test_exclusion_expiring_inside_the_plan_horizon(tariffs: TariffRules) -> None:
    """USTR extended its 178 Section 301 exclusions to 2026-11-10 (through 2026-11-09); one covers
    8544.42.2000 telecom conductors with connectors valued over $0.35 up to $2 (List 3, 25 %
    otherwise). A $1.50 patch cord from China: Section 232 I-B 25 % all along (copper 60 % of
    weight), Section 301 lifted to 2026-11-09 and 25 % from 2026-11-10. In quarter 2026Q4 (92 days)
    the exclusion covers 40 days: 0.25 + 0.25 * 52/92. A $2.50 cord was never excluded."""
    cord: dict[str, Any] = {"unit_value_usd": 1.5, "metal_weight_share": 0.6}
    assert stack_of(
        tariffs, "8544.42.20.00", "CN", "2026-11-09", **cord
    ).total_rate == pytest.approx(0.25)
    assert stack_of(
        tariffs, "8544.42.20.00", "CN", "2026-11-10", **cord
    ).total_rate == pytest.approx(0.50)
    facts = PartFacts(unit_value_usd=1.5, metal_weight_share=0.6)
    q4 = quarter_duty(tariffs.rules, parse_hts("8544.42.20.00"), "CN", facts, "2026Q4")
    assert q4.total_rate == pytest.approx(0.25 + 0.25 * 52 / 92)
    dear = stack_of(
        tariffs, "8544.42.20.00", "CN", "2026-11-09", unit_value_usd=2.5, metal_weight_share=0.6
    )
    assert dear.total_rate == pytest.approx(0.50)
