"""Where the default figures come from: every cited address belongs to the publisher it names.

A source's ``title`` opens with its outlet ("Tom's Hardware: ...", "CNA (Reuters wire): ..."); the
outlet's first named publisher must own the address. Every cited host is reviewed below with the
publisher it belongs to and its class:

- ``primary``: the maker's or agency's own documents, filings, government data, benchmark
  submissions;
- ``press``: news outlets, analyst firms and named expert analysts;
- ``secondary``: operator, reseller and trade blogs, digests, encyclopedias, knowledge bases.

A figure tagged V needs at least one primary source; a figure tagged S at least one primary or
press source. Content farms, crypto-exchange posts, social-media mirrors, personal wikis and
document-sharing sites are refused outright, and so are bare IP addresses, punycode mirror hosts
and listing or archive pages. A source with no address is either a labelled assumption or an
``unverified lead``, and a lead can only back figures tagged E or U.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

import rackwright
from rackwright.bom import load_supply_data
from rackwright.bom.models import Sourced
from rackwright.bom.supply import SupplyData
from rackwright.catalog import Catalog, Confidence, Entry, load_catalog
from rackwright.catalog.models import Source
from rackwright.errors import InputError

PRIMARY, PRESS, SECONDARY = "primary", "press", "secondary"
LEAD_KIND = "unverified lead"

# Reviewed hosts: an exact host, or a registrable domain covering its subdomains.
HOSTS: dict[str, tuple[str, str]] = {
    "openai.com": ("OpenAI", PRIMARY),
    "renesas.com": ("Renesas", PRIMARY),
    "foxconn.com": ("Hon Hai", PRIMARY),
    "itproportal.com": ("ITProPortal", PRESS),
    "consulting.us": ("Consulting.us", SECONDARY),
    "truckinginfo.com": ("Heavy Duty Trucking", PRESS),
    "nvidia.com": ("NVIDIA", PRIMARY),
    "amd.com": ("AMD", PRIMARY),
    "docs.vultr.com": ("Vultr", SECONDARY),
    "google.com": ("Google", PRIMARY),
    "blog.google": ("Google", PRIMARY),
    "readthedocs-hosted.com": ("AWS", PRIMARY),
    "eia.gov": ("EIA", PRIMARY),
    "acquisition.gov": ("FAR", PRIMARY),
    "trendforce.com": ("TrendForce", PRESS),
    "semianalysis.com": ("SemiAnalysis", PRESS),
    "uptimeinstitute.com": ("Uptime Institute", PRESS),
    "cushwake.cld.bz": ("Cushman & Wakefield", PRESS),
    "glennklockwood.com": ("Glenn Lockwood", PRESS),
    "tomshardware.com": ("Tom's Hardware", PRESS),
    "theregister.com": ("The Register", PRESS),
    "wccftech.com": ("Wccftech", PRESS),
    "cnbc.com": ("CNBC", PRESS),
    "channelnewsasia.com": ("CNA", PRESS),
    "thestar.com.my": ("The Star", PRESS),
    "taipeitimes.com": ("Taipei Times", PRESS),
    "business-standard.com": ("Business Standard", PRESS),
    "digitimes.com": ("DIGITIMES", PRESS),
    "evertiq.com": ("Evertiq", PRESS),
    "datacenterdynamics.com": ("DCD", PRESS),
    "industryweek.com": ("IndustryWeek", PRESS),
    "investing.com": ("Investing.com", PRESS),
    "marketscreener.com": ("MarketScreener", PRESS),
    "microgridknowledge.com": ("Microgrid Knowledge", PRESS),
    "utilitydive.com": ("Utility Dive", PRESS),
    "bicmagazine.com": ("BIC Magazine", PRESS),
    "chosun.com": ("Chosun Biz", PRESS),
    "kr-asia.com": ("KrASIA", PRESS),
    "hereclinton.com": ("HereClinton", PRESS),
    "yahoo.com": ("Yahoo News", PRESS),
    "hardwaretimes.com": ("Hardware Times", PRESS),
    "pcnews.ru": ("pcnews.ru", PRESS),
    "geektopia.es": ("Geektopia", PRESS),
    "epoch.ai": ("Epoch AI", PRESS),
    "tomtunguz.com": ("Tomasz Tunguz", PRESS),
    "arxiv.org": ("arXiv", PRIMARY),
    "btw.media": ("btw.media", SECONDARY),
    "glance.com": ("Glance", SECONDARY),
    "verda.com": ("Verda", SECONDARY),
    "thundercompute.com": ("Thunder Compute", SECONDARY),
    "fibermall.com": ("FiberMall", SECONDARY),
    "introl.com": ("Introl", SECONDARY),
    "diskmfr.com": ("diskmfr", SECONDARY),
    "setloop.io": ("Setloop", SECONDARY),
    "humeconsulting.co": ("Hume Consulting", SECONDARY),
    "huggingface.co": ("Hugging Face", SECONDARY),
    "yobitel.com": ("Yobitel", SECONDARY),
    "reportify.ai": ("Reportify", SECONDARY),
    "cloudnews.tech": ("CloudNews", SECONDARY),
    "aiinframap.com": ("AI Infra Map", SECONDARY),
    "supercluster.blog": ("supercluster.blog", SECONDARY),
    "wikipedia.org": ("Wikipedia", SECONDARY),
    "alliancetexasmiz.com": ("AllianceTexas", SECONDARY),
    "ip-fiber.com": ("ip-fiber", SECONDARY),
    "hyper.ai": ("HyperAI", SECONDARY),
    "geniusfirms.com": ("GeniusFirms", SECONDARY),
    "buysellram.com": ("BuySellRam", SECONDARY),
    "compux.net": ("CompuX", SECONDARY),
}
# github.com and its raw-file host are reviewed per owner: the owner is the publisher.
CODE_HOSTS = {"github.com", "raw.githubusercontent.com"}
CODE_OWNERS: dict[str, tuple[str, str]] = {
    "aws-neuron": ("AWS", PRIMARY),
    "mlcommons": ("MLCommons", PRIMARY),
    "epoch-research": ("Epoch AI", PRESS),
}
# Hosts refused whatever the title says: content farms and AI-written digests, crypto-exchange
# posts, social-media mirrors, personal wikis and blogs, document-sharing and mirror sites.
DENYLIST = {
    "cashwinner.info",
    "tippinsights.com",
    "briefbriefing.com",
    "futuretechstocks.com",
    "digibanker.org",
    "gate.com",
    "binance.bh",
    "aguea.com",
    "mirrorfrog.com",
    "epium.com",
    "thefilibusterblog.com",
    "aiwiki.ai",
    "awesomeagents.ai",
    "brent-newsom-nvidia.github.io",
    "mattfife.com",
    "sgpjbg.com",
    "fxbaogao.com",
    "scribd.com",
    "vuink.com",
    "nbot.ai",
    "edgen.tech",
    "reportify.cn",
    "semipulse.info",
    "letsdatascience.com",
    "jakotaindex.com",
    "particle.news",
    "byteiota.com",
    "futuroq.com",
    "aicerts.ai",
    "moneycheck.com",
    "ainvest.com",
    "i3investor.com",
    "bixbitusa.io",
    "ravikant.dev",
    "mixedtimes.com",
    "y-ic.de",
    "unanswered.io",
    "wtguru.com",
    "aetos.ai",
    "ceo-na.com",
    "theagenttimes.com",
    "theoutpost.ai",
    "econotimes.com",
    "aiminingco.com",
    "smbom.com",
    "ai-radar.it",
    "technologies.org",
    "cloudcurated.com",
    "pakinomist.com",
    "todayheadline.co",
    "hearn.me",
}
# Publishers a title may name; the first one named in the outlet must own the address.
OTHER_PUBLISHERS = {
    "Reuters",
    "Bloomberg",
    "TSMC",
    "Intel",
    "Micron",
    "SK hynix",
    "Foxconn",
    "Hon Hai",
    "Morgan Stanley",
    "HSBC",
    "Bernstein",
    "Goldman Sachs",
    "TechRadar",
    "ServeTheHome",
    "Nikkei",
    "Omdia",
    "CNBC-TV18",
    "Financial Times",
}
TWO_PART_SUFFIXES = {"com.my", "com.br", "com.tw", "co.uk", "com.hk", "co.jp"}
ARCHIVE_PATH = re.compile(r"/(?:19|20)\d{2}/(?:\d{2}/?)?$|/page/\d+/?$")
ARCHIVE_QUERY = re.compile(r"(?:^|&)(?:cat|pg|page)=")
URL_IN_TEXT = re.compile(r"https?://[^\s,;)]+")
DATA_ROOT = Path(rackwright.__file__).parent


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def supply(catalog: Catalog) -> SupplyData:
    return load_supply_data(catalog)


def _registrable(host: str) -> str:
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in TWO_PART_SUFFIXES else 2
    return ".".join(labels[-keep:])


def _host_of(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def _review(url: str) -> tuple[str, str] | None:
    """(publisher, class) for an address, or None when its host was never reviewed."""
    host = _host_of(url)
    if host in CODE_HOSTS:
        owner = urlparse(url).path.strip("/").split("/")[0]
        return CODE_OWNERS.get(owner)
    return HOSTS.get(host) or HOSTS.get(_registrable(host))


def _denied(url: str) -> bool:
    host = _host_of(url)
    return host in DENYLIST or _registrable(host) in DENYLIST


def _cited_sources(catalog: Catalog, supply: SupplyData) -> dict[str, Source]:
    cited: set[str] = set()
    for _, entry in catalog.iter_entries():
        cited.update(entry.sources)
        for prov in entry.provenance.values():
            cited.update(prov.sources)
    for record in _supply_records(supply):
        cited.update(record.sources)
    return {sid: supply.sources[sid] for sid in sorted(cited)}


def _supply_records(supply: SupplyData) -> Iterator[Sourced]:
    yield from supply.parts.values()
    yield from supply.mparts.values()
    yield from supply.offer_specs.values()
    yield from supply.assemblies.values()
    yield from supply.expansions
    yield from supply.families.values()


def _addressed(sources: dict[str, Source]) -> dict[str, Source]:
    return {sid: s for sid, s in sources.items() if s.url}


def _outlet(title: str) -> str:
    return title.split(":", 1)[0]


def _first_publisher(outlet: str) -> str | None:
    names = {name for name, _ in HOSTS.values()} | {name for name, _ in CODE_OWNERS.values()}
    names |= OTHER_PUBLISHERS
    found = [(outlet.find(name), -len(name), name) for name in names if name in outlet]
    return min(found)[2] if found else None


def test_every_cited_domain_is_reviewed(catalog: Catalog, supply: SupplyData) -> None:
    assert set(_cited_sources(catalog, supply)) <= set(supply.sources)
    sources = _addressed(supply.sources)
    unreviewed = {sid: s.url for sid, s in sources.items() if _review(s.url) is None}
    assert unreviewed == {}
    # The review table lists only hosts that something cites, so it stays the list of domains.
    used = {_host_of(s.url) for s in sources.values()}
    used |= {_registrable(h) for h in used}
    assert sorted(set(HOSTS) - used) == []


def test_addresses_are_web_pages_not_ip_addresses_or_mirrors(supply: SupplyData) -> None:
    bad: dict[str, str] = {}
    for sid, source in _addressed(supply.sources).items():
        parsed = urlparse(source.url)
        host = parsed.hostname or ""
        if parsed.scheme not in {"http", "https"} or not host:
            bad[sid] = f"not a web address: {source.url}"
            continue
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            bad[sid] = f"bare IP address {host}"
        if any(label.startswith("xn--") for label in host.split(".")):
            bad[sid] = f"punycode mirror host {host}"
        if ARCHIVE_PATH.search(parsed.path) or ARCHIVE_QUERY.search(parsed.query):
            bad[sid] = f"listing or archive page {source.url}"
    assert bad == {}


def test_no_source_or_note_points_at_a_refused_host(supply: SupplyData) -> None:
    refused = {
        sid: url
        for sid, source in supply.sources.items()
        for url in [source.url, *URL_IN_TEXT.findall(f"{source.title} {source.notes}")]
        if url and _denied(url)
    }
    assert refused == {}


def test_title_names_the_publisher_that_owns_the_address(supply: SupplyData) -> None:
    mismatched: dict[str, str] = {}
    for sid, source in _addressed(supply.sources).items():
        review = _review(source.url)
        if review is None:
            continue  # reported by test_every_cited_domain_is_reviewed
        named = _first_publisher(_outlet(source.title))
        if named != review[0]:
            mismatched[sid] = f"title opens with {named!r}, address belongs to {review[0]!r}"
    assert mismatched == {}


def test_sources_without_an_address_are_assumptions_or_labelled_leads(supply: SupplyData) -> None:
    unlabelled = [
        sid
        for sid, source in supply.sources.items()
        if not source.url and source.kind not in {"assumption", LEAD_KIND}
    ]
    assert unlabelled == []
    leads = [s for s in supply.sources.values() if s.kind == LEAD_KIND]
    assert all(s.title.startswith("Unverified lead: ") for s in leads)


def _support(source: Source | None) -> str | None:
    if source is None or not source.url:
        return None
    review = _review(source.url)
    return review[1] if review else None


def _unsupported(sources: list[str], confidence: Confidence, known: dict[str, Source]) -> str:
    """Why a V or S figure is not backed by a good enough source ('' when it is)."""
    classes = {_support(known.get(sid)) for sid in sources}
    if confidence is Confidence.VENDOR and PRIMARY not in classes:
        return "tagged V without a primary source"
    if confidence is Confidence.PRESS and not classes & {PRIMARY, PRESS}:
        return "tagged S without a primary or press source"
    return ""


def _figures(entry: Entry) -> Iterator[str]:
    meta = {"id", "name", "kind", "sources", "confidence", "notes", "provenance", "override"}
    for name in type(entry).model_fields:
        value = getattr(entry, name)
        wanted = isinstance(value, int | float | str) and not isinstance(value, bool)
        if name not in meta and wanted:
            yield name


def test_vendor_and_press_figures_rest_on_a_good_source(catalog: Catalog) -> None:
    problems: dict[str, str] = {}
    for kind, entry in catalog.iter_entries():
        for name in _figures(entry):
            prov = entry.provenance_of(name)
            why = _unsupported(prov.sources, prov.confidence, catalog.sources)
            if why:
                problems[f"{kind} {entry.id}.{name}"] = why
    assert problems == {}


def test_bom_records_tagged_v_or_s_rest_on_a_good_source(supply: SupplyData) -> None:
    problems = {
        record.id: why
        for record in _supply_records(supply)
        if (why := _unsupported(record.sources, record.confidence, supply.sources))
    }
    assert problems == {}


def _confidence_values(node: object, where: str) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "confidence":
                yield where, value
            yield from _confidence_values(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _confidence_values(value, f"{where}[{index}]")


def test_every_packaged_confidence_tag_is_in_the_legend() -> None:
    legend = {tag.value for tag in Confidence}
    assert legend == {"V", "S", "E", "U"}
    found: dict[str, object] = {}
    files = sorted(DATA_ROOT.rglob("*.toml"))
    assert len(files) > 20
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for where, value in _confidence_values(data, path.relative_to(DATA_ROOT).as_posix()):
            if value not in legend:
                found[where] = value
    assert found == {}


def test_a_catalog_file_with_an_undefined_tag_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[[facility]]\nid = "my-site"\nname = "Mine"\nregion = "US"\npue_ratio = 1.3\n'
        'electricity_usd_per_kwh = 0.07\nbuild_cost_usd_per_w = 10\nsources = ["A10"]\n'
        'confidence = "C"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_catalog([extra])
    assert info.value.field == "facility.0.confidence" and info.value.line == 9
