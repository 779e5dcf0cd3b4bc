"""The benchmark's Markdown tables, each row saying whether it meets the target the issue set.

Targets are checked, never enforced: a slow row prints "no" and the command still succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsroom.benchmark.drive import Load

# Public p95 at a million claims may grow to this multiple of the p95 at a thousand (searches more).
P95_RATIO = 2.0
SEARCH_P95_RATIO = 3.0
# No public request, admin page or publication may take longer than this (ms).
CEILING_MS = 1000.0
# The hot embed's requests/s against a static file of its size served by the same server; its 304 against the same.
EMBED_VS_STATIC = 0.8
NOT_MODIFIED_VS_STATIC = 1.0


@dataclass
class Row:
    name: str
    group: str
    search: bool = False
    skip: str = ""
    small: Load | None = None
    large: Load | None = None
    queries: tuple[int | None, int | None] = (None, None)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _rps(load: Load | None) -> str:
    return "—" if load is None else f"{load.rps:,.1f}"


def _latency(load: Load | None) -> str:
    return "—" if load is None else f"{_ms(load.p50)} / {_ms(load.p95)}"


def _ratio(row: Row) -> float | None:
    if row.small is None or row.large is None or row.small.p95 <= 0:
        return None
    return row.large.p95 / row.small.p95


def _named(row: Row) -> str:
    return f"{row.name} ({'; '.join(row.notes)})" if row.notes else row.name


def _queries(row: Row) -> str:
    small, large = row.queries
    return f"{'—' if small is None else small} / {'—' if large is None else large}"


def public_verdict(row: Row) -> list[str]:
    failed = list(row.problems)
    if row.small is None or row.large is None:
        return failed or ["not measured"]
    limit = SEARCH_P95_RATIO if row.search else P95_RATIO
    ratio = _ratio(row)
    if ratio is not None and ratio > limit:
        failed.append(f"p95 ×{ratio:.1f} > ×{limit:g}")
    small, large = row.queries
    if small != large:
        failed.append("query counts differ")
    longest = max(row.small.max, row.large.max)
    if longest > CEILING_MS:
        failed.append(f"a request took {_ms(longest)} ms")
    errors = row.small.errors + row.large.errors
    if errors:
        failed.append(f"{errors} errors")
    return failed


def _verdict(failed: list[str]) -> str:
    return "yes" if not failed else "**no**: " + "; ".join(failed)


def public_table(rows: list[Row]) -> list[str]:
    lines = [
        "| endpoint | small rps | small p50 / p95 ms | large rps | large p50 / p95 ms | p95 large / small "
        "| queries small / large | slowest ms | target met? |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        if row.skip:
            lines.append(f"| {_named(row)} | | | | | | {_queries(row)} | | n/a: {row.skip} |")
            continue
        ratio = _ratio(row)
        longest = max((load.max for load in (row.small, row.large) if load is not None), default=None)
        name = _named(row)
        lines.append(
            f"| {name} | {_rps(row.small)} | {_latency(row.small)} | {_rps(row.large)} | {_latency(row.large)} "
            f"| {'—' if ratio is None else f'×{ratio:.2f}'} | {_queries(row)} "
            f"| {'—' if longest is None else _ms(longest)} | {_verdict(public_verdict(row))} |"
        )
    return lines


def embed_table(rows: dict[str, Row]) -> list[str]:
    """The hot embed and its 304 against the static file of the same size, on the same server."""
    static = rows.get("static file, same size as the embed")
    lines = [
        "| compared with the static file | small rps | small ratio | large rps | large ratio | target | target met? |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, target in [("embed, hot", EMBED_VS_STATIC), ("embed, 304", NOT_MODIFIED_VS_STATIC)]:
        row = rows.get(name)
        if row is None or static is None:
            continue
        cells, failed = [], []
        for scale in ("small", "large"):
            load, base = getattr(row, scale), getattr(static, scale)
            if load is None or base is None or base.rps <= 0:
                cells += [_rps(load), "—"]
                failed.append(f"{scale} not measured")
                continue
            ratio = load.rps / base.rps
            cells += [_rps(load), f"×{ratio:.2f}"]
            if ratio < target:
                failed.append(f"{scale} ×{ratio:.2f}")
        lines.append(f"| {name} | {' | '.join(cells)} | ≥ ×{target:g} | {_verdict(failed)} |")
    if static is not None:
        lines.append(
            f"| (static file itself) | {_rps(static.small)} | ×1 | {_rps(static.large)} | ×1 | | |",
        )
    return lines


def timed_table(rows: list[Row], *, what: str) -> list[str]:
    """Admin pages and publications: p95 at the large scale under the ceiling."""
    lines = [
        f"| {what} | small p50 / p95 ms | large p50 / p95 ms | queries small / large | target met? |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        failed = list(row.problems)
        if row.large is None:
            failed.append("not measured")
        else:
            if row.large.p95 > CEILING_MS:
                failed.append(f"p95 {_ms(row.large.p95)} ms")
            if row.large.errors + (row.small.errors if row.small else 0):
                failed.append("errors")
        name = _named(row)
        lines.append(
            f"| {name} | {_latency(row.small)} | {_latency(row.large)} | {_queries(row)} | {_verdict(failed)} |"
        )
    return lines


def render(*, header: list[str], public: list[Row], embeds: dict[str, Row], admin: list[Row], publishing: list[Row]):
    lines = [*header, ""]
    if public:
        lines += [
            f"Public endpoints (wrk). Target: p95 at large within ×{P95_RATIO:g} of small "
            f"(searches ×{SEARCH_P95_RATIO:g}), equal query counts, no request over {CEILING_MS:,.0f} ms.",
            "",
            *public_table(public),
            "",
        ]
    if embeds:
        lines += [
            "Embed against a static file of the same size on the same server. Target: hot embed "
            f"≥ ×{EMBED_VS_STATIC:g} the static file's requests/s, its 304 ≥ ×{NOT_MODIFIED_VS_STATIC:g}.",
            "",
            *embed_table(embeds),
            "",
        ]
    if admin:
        lines += [
            f"Admin, logged in as an editor, one request at a time. Target: p95 at large under {CEILING_MS:,.0f} ms.",
            "",
            *timed_table(admin, what="admin page"),
            "",
        ]
    if publishing:
        lines += [
            "Publishing through the fact box service, each in a transaction rolled back afterwards. "
            f"Target: p95 at large under {CEILING_MS:,.0f} ms.",
            "",
            *timed_table(publishing, what="publication"),
            "",
        ]
    return "\n".join(lines)
