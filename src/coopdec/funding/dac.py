"""Recipient-country groups of the co-financing rules.

``LEAST_DEVELOPED`` is the first column ("Least Developed Countries") of the OECD DAC List of ODA
Recipients effective for reporting on 2024 and 2025 flows (reviewed in 2023,
https://www.oecd.org/en/topics/sub-issues/oda-eligibility-and-conditions/dac-list-of-oda-recipients.html),
transcribed by hand as ISO 3166-1 alpha-2 codes: the IATI codelists shipped in ``data/iati`` carry
no income group. The list keeps São Tomé and Príncipe and Solomon Islands (scheduled to leave the
UN category on 13 December 2024: the DAC moves them at its next revision) and Angola (its
graduation deferred). Revise it with the DAC's next triennial review (second half of 2026).
"""

DAC_LIST = "DAC List of ODA Recipients, 2024 and 2025 flows"

LEAST_DEVELOPED = frozenset(
    {
        # Africa
        "AO", "BJ", "BF", "BI", "CF", "TD", "KM", "CD", "DJ", "ER", "ET", "GM", "GN", "GW", "LS", "LR",
        "MG", "MW", "ML", "MR", "MZ", "NE", "RW", "ST", "SN", "SL", "SO", "SS", "SD", "TZ", "TG", "UG", "ZM",
        # Asia
        "AF", "BD", "KH", "LA", "MM", "NP", "TL", "YE",
        # America
        "HT",
        # Oceania
        "KI", "SB", "TV",
    }
)  # fmt: skip


def is_least_developed(country_code: str | None) -> bool:
    return bool(country_code) and country_code in LEAST_DEVELOPED
