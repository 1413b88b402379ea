"""Where the duty rules come from: every rule, classification and scenario has a legal basis and
sources, every cited address belongs to the outlet its title names, and the confidence a figure
claims is backed by the kind of source it cites.

A rule tagged V (read in the legal text or the agency's guidance) cites a primary source or a CBP
ruling; S (read in a reputable secondary) cites at least one addressed, non-assumption source;
E and U say why: they cite a labelled assumption (T-A...) or carry notes.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from rackwright.catalog.models import Confidence
from rackwright.tariffs import TariffRules, load_tariff_rules

PRIMARY, RULING, PRESS, SECONDARY = "primary", "ruling", "press", "secondary"

# Reviewed hosts: host -> (how the title opens, the kinds a source there may be).
HOSTS: dict[str, tuple[str, frozenset[str]]] = {
    "www.federalregister.gov": ("Federal Register", frozenset({PRIMARY})),
    "www.govinfo.gov": ("GovInfo", frozenset({PRIMARY})),
    "content.govdelivery.com": ("CBP CSMS", frozenset({PRIMARY})),
    "www.supremecourt.gov": ("Supreme Court of the United States", frozenset({PRIMARY})),
    "ustr.gov": ("USTR", frozenset({PRIMARY})),
    "hts.usitc.gov": ("USITC", frozenset({PRIMARY})),
    "rulings.cbp.gov": ("CBP ruling", frozenset({RULING})),
    "www.nnrglobal.com": ("NNR Global Logistics", frozenset({SECONDARY})),
    "info.expeditors.com": ("Expeditors", frozenset({SECONDARY})),
    "www.aacb.com": ("AACB", frozenset({SECONDARY})),
    "tradefacts.io": ("TradeFacts.io", frozenset({SECONDARY})),
    "www.livingstonintl.com": ("Livingston International", frozenset({SECONDARY})),
    "www.einpresswire.com": ("EIN Presswire", frozenset({SECONDARY})),
    "www.ghy.com": ("GHY International", frozenset({SECONDARY})),
    "www.ashurstperkinscoie.com": ("Ashurst Perkins Coie", frozenset({PRESS})),
    "www.strtrade.com": ("Sandler, Travis & Rosenberg", frozenset({PRESS})),
    "www.thompsonhinesmartrade.com": ("Thompson Hine SmarTrade", frozenset({PRESS})),
    "www.greenwich-mercantile.com": ("Greenwich Mercantile", frozenset({PRESS})),
    "www.peacocktariffconsulting.com": ("Peacock Tariff Consulting", frozenset({PRESS})),
    "stage.consumerelectronicsdaily.com": ("Consumer Electronics Daily", frozenset({PRESS})),
    "www.ncbfaa.org": ("NCBFAA", frozenset({PRESS})),
    "www.internationaltradeinsights.com": ("Husch Blackwell", frozenset({PRESS})),
}
# github.com is reviewed per owner: the owner is the publisher.
GITHUB_OWNERS: dict[str, tuple[str, frozenset[str]]] = {
    "Budget-Lab-Yale": ("The Budget Lab at Yale", frozenset({PRESS})),
    "sail-engineering": ("SAIL Engineering", frozenset({SECONDARY})),
}


@pytest.fixture(scope="module")
def tariffs() -> TariffRules:
    return load_tariff_rules()


def _reviewed(url: str) -> tuple[str, frozenset[str]] | None:
    parsed = urlparse(url)
    if parsed.hostname == "github.com":
        owner = parsed.path.strip("/").split("/")[0]
        return next((v for k, v in GITHUB_OWNERS.items() if k.lower() == owner.lower()), None)
    return HOSTS.get(parsed.hostname or "")


def test_every_addressed_source_is_on_a_reviewed_host_of_the_outlet_it_names(
    tariffs: TariffRules,
) -> None:
    for source in tariffs.sources.values():
        if source.kind == "assumption":
            assert not source.url and source.title, source.id
            continue
        assert source.kind in {PRIMARY, RULING, PRESS, SECONDARY}, source.id
        if not source.url:
            assert source.kind == RULING, source.id  # a ruling is findable by number in CROSS
            continue
        assert urlparse(source.url).scheme in {"https", "http"}, source.id  # as stored
        reviewed = _reviewed(source.url)
        assert reviewed is not None, (source.id, source.url)
        outlet, kinds = reviewed
        assert source.title.startswith(outlet), (source.id, source.title)
        assert source.kind in kinds, (source.id, source.kind)


def _backed(tariffs: TariffRules, sources: tuple[str, ...], confidence: Confidence) -> bool:
    cited = [tariffs.sources[s] for s in sources]
    if confidence is Confidence.VENDOR:
        return any(s.kind in {PRIMARY, RULING} for s in cited)
    if confidence is Confidence.PRESS:
        return any(s.kind != "assumption" and (s.url or s.kind == RULING) for s in cited)
    return any(s.kind == "assumption" for s in cited)


def test_every_rule_has_a_period_a_basis_and_sources_that_back_its_confidence(
    tariffs: TariffRules,
) -> None:
    rules = [*tariffs.rules, *(r for s in tariffs.scenarios.values() for r in s.added)]
    for rule in rules:
        assert rule.periods and rule.basis and rule.sources, rule.id
        labelled = _backed(tariffs, rule.sources, rule.confidence)
        assert labelled or (
            rule.confidence in {Confidence.ESTIMATE, Confidence.UNVERIFIED} and rule.notes
        ), rule.id


def test_every_classification_and_scenario_is_sourced(tariffs: TariffRules) -> None:
    for cls in (*tariffs.parts.values(), *tariffs.categories.values()):
        assert cls.guidance and cls.sources, cls.key
        assert _backed(tariffs, cls.sources, cls.confidence) or cls.uncertain, cls.key
    for scenario in tariffs.scenarios.values():
        assert scenario.confidence is Confidence.UNVERIFIED, scenario.name  # alternatives
        assert "T-A11" in scenario.sources, scenario.name  # labelled illustrative
