"""Regenerate fixtures/countries.json: every ISO 3166-1 country, in English and Chinese.

Sources, all maintained upstream and pinned in pyproject.toml's "countries" extra:
- pycountry (the ISO 3166-1 list: alpha-2, alpha-3),
- Babel's CLDR data (English and Simplified Chinese short names: "Russia", "俄罗斯"),
- country_converter's table (UN M49 sub-region, mapped to the five M49 regions).

Run: .venv/bin/pip install -e ".[countries]" && .venv/bin/python scripts/build_countries.py
"""

import csv
import importlib.util
import json
from pathlib import Path

import pycountry
from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "countries.json"

# UN M49 sub-regions and the region containing each.
SUBREGION_TO_REGION = {
    "Northern Africa": "Africa",
    "Eastern Africa": "Africa",
    "Middle Africa": "Africa",
    "Southern Africa": "Africa",
    "Western Africa": "Africa",
    "Caribbean": "Americas",
    "Central America": "Americas",
    "South America": "Americas",
    "Northern America": "Americas",
    "Central Asia": "Asia",
    "Eastern Asia": "Asia",
    "South-eastern Asia": "Asia",
    "Southern Asia": "Asia",
    "Western Asia": "Asia",
    "Eastern Europe": "Europe",
    "Northern Europe": "Europe",
    "Southern Europe": "Europe",
    "Western Europe": "Europe",
    "Australia and New Zealand": "Oceania",
    "Melanesia": "Oceania",
    "Micronesia": "Oceania",
    "Polynesia": "Oceania",
    "Antarctica": "",
}


def m49_subregions():
    # Read the data file without importing country_converter (which loads pandas).
    spec = importlib.util.find_spec("country_converter")
    table = Path(spec.submodule_search_locations[0]) / "country_data.tsv"
    with table.open(encoding="utf-8") as handle:
        return {row["ISO3"]: row["UNregion"] for row in csv.DictReader(handle, delimiter="\t")}


def main():
    english = Locale("en").territories
    chinese = Locale.parse("zh_Hans").territories
    subregions = m49_subregions()
    rows = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        code = country.alpha_2
        subregion = subregions.get(country.alpha_3)
        if subregion is None or subregion not in SUBREGION_TO_REGION:
            raise SystemExit(f"{code}: no UN M49 sub-region ({subregion!r}); update the mapping")
        rows.append(
            {
                "model": "commentary.country",
                "pk": code,
                "fields": {
                    "alpha3": country.alpha_3,
                    "name": english.get(code) or getattr(country, "common_name", country.name),
                    "name_zh": chinese.get(code, ""),
                    "region": SUBREGION_TO_REGION[subregion],
                },
            }
        )
    OUT.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} countries to {OUT}")


if __name__ == "__main__":
    main()
