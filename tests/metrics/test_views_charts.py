"""The inline SVG charts of the KPI pages: text is escaped, gaps stay gaps,
thresholds are drawn where their values are, bars link to their records."""

import re

from stanchion.metrics.charts import bar_chart, line_chart, nice_ticks, sparkline


def test_sparkline_breaks_the_line_where_a_period_has_no_value():
    svg = str(sparkline([1.0, 2.0, None, 4.0, 5.0, 6.0], label="MTTA"))
    lines = re.findall(r'<polyline class="chart-line" points="([^"]+)"', svg)
    assert [len(points.split()) for points in lines] == [2, 3]
    assert svg.count("<circle") == 1  # the last period is marked


def test_sparkline_without_data_says_so():
    svg = str(sparkline([None, None], label="CSAT"))
    assert "CSAT: no data" in svg
    assert "<polyline" not in svg


def test_chart_text_is_escaped():
    evil = '<script>alert("x")</script>'
    for svg in (
        sparkline([1.0, 2.0], label=evil),
        line_chart([(evil, 1.0, ""), ("b", 2.0, "")], label=evil),
        bar_chart([(evil, 3.0, '/x?a=1&b="2"', "on")], label=evil),
    ):
        assert "<script>" not in str(svg)
        assert "&lt;script&gt;" in str(svg)
    bars = str(bar_chart([("VPN", 3.0, '/x?a=1&b="2"', "on")]))
    assert 'href="/x?a=1&amp;b=&quot;2&quot;"' in bars


def test_line_chart_draws_the_target_at_its_value():
    svg = str(line_chart([("a", 0.0, ""), ("b", 100.0, "")], target=50.0, warning=25.0))
    target_y = float(re.search(r'class="chart-target"[^>]* y1="([\d.]+)"', svg).group(1))
    warning_y = float(re.search(r'class="chart-warning"[^>]* y1="([\d.]+)"', svg).group(1))
    ys = [float(y) for y in re.findall(r'<circle class="chart-dot" cx="[\d.]+" cy="([\d.]+)"', svg)]
    # The axis runs 0..100: the target sits halfway between the two points,
    # the warning a quarter of the way up.
    assert abs(target_y - (ys[0] + ys[1]) / 2) < 0.2
    assert abs(warning_y - (ys[0] - (ys[0] - ys[1]) / 4)) < 0.2


def test_line_chart_points_link_to_their_periods():
    svg = str(line_chart([("2026-08", None, "/a"), ("2026-09", 3.0, "/kpis/mttr/?at=2026-09-01")]))
    assert svg.count("<a ") == 1  # no value, no point to follow
    assert 'href="/kpis/mttr/?at=2026-09-01"' in svg


def test_bar_lengths_are_proportional_and_empty_bars_say_no_data():
    svg = str(bar_chart([("A", 10.0, "", None), ("B", 5.0, "", None), ("C", None, "", None)]))
    bar = r'<rect class="chart-bar[^"]*" x="\d+" y="\d+" width="([\d.]+)"'
    widths = [float(w) for w in re.findall(bar, svg)]
    assert len(widths) == 2
    assert abs(widths[0] - 2 * widths[1]) < 0.2
    assert "no data" in svg


def test_nice_ticks_cover_the_range_in_round_steps():
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    ticks = nice_ticks(99.2, 100)
    assert ticks[0] <= 99.2 and ticks[-1] >= 100
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    assert nice_ticks(5, 5)[0] <= 5 <= nice_ticks(5, 5)[-1]
