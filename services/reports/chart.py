"""The chart of progress against target: an SVG drawn from the quarterly figures.

Four bars and a target line need no plotting library; SVG prints sharp, embeds in HTML and PDF alike,
and its text uses the page's Thai font.
"""

from __future__ import annotations

from html import escape

from catalog.reporting import IndicatorReport

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 150, 24, 44
MET, UNMET, TARGET_COLOUR = "#2b5797", "#d9822b", "#b91d47"
RUNNING = "#8c9bb5"  # a quarter still running, below its target so far
# presentation attributes, not CSS classes: the SVG renders the same in browsers, WeasyPrint and image viewers
FONT = 'font-family="Sarabun, \'TH Sarabun New\', \'Noto Sans Thai\', sans-serif"'
TICK = f'{FONT} font-size="12" fill="#444"'
VALUE = f'{FONT} font-size="12" font-weight="bold" fill="#1d1d1f"'
LEGEND = TICK
GRID = 'stroke="#e2e2e2" stroke-width="1"'
TARGET = f'fill="none" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 3"'


def progress_chart(report: IndicatorReport) -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(report.quarters)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="ผลงานเทียบกับเป้าหมายรายไตรมาส">']
    for tick in range(0, 101, 20):
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" {GRID}/>'
                     f'<text x="{LEFT - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" {TICK}>{tick}</text>')
    targets = []
    for index, quarter in enumerate(report.quarters):
        center = LEFT + slot * (index + 0.5)
        if quarter.progress is not None:
            height = plot_h * quarter.progress / 100
            colour = MET if quarter.met else (RUNNING if quarter.running else UNMET)  # running: not failed
            parts.append(f'<rect x="{center - slot * 0.3:.1f}" y="{y(quarter.progress):.1f}" width="{slot * 0.6:.1f}" '
                         f'height="{height:.1f}" fill="{colour}"/>'
                         f'<text x="{center:.1f}" y="{y(quarter.progress) - 6:.1f}" text-anchor="middle" '
                         f'{VALUE}>{quarter.progress:.2f}</text>')
        targets.append(f"{center:.1f},{y(quarter.target):.1f}")
        parts.append(f'<text x="{center:.1f}" y="{TOP + plot_h + 20}" text-anchor="middle" {TICK}>'
                     f'{escape(quarter.label_th)}</text>')
    parts.append(f'<polyline points="{" ".join(targets)}" {TARGET}/>')
    parts += [f'<circle cx="{point.split(",")[0]}" cy="{point.split(",")[1]}" r="4" fill="{TARGET_COLOUR}"/>'
              for point in targets]
    legend_x = LEFT + plot_w + 16
    parts.append(f'<rect x="{legend_x}" y="{TOP}" width="14" height="14" fill="{MET}"/>'
                 f'<text x="{legend_x + 20}" y="{TOP + 12}" {LEGEND}>ผลงาน (ร้อยละ)</text>'
                 f'<line x1="{legend_x}" x2="{legend_x + 14}" y1="{TOP + 32}" y2="{TOP + 32}" {TARGET}/>'
                 f'<text x="{legend_x + 20}" y="{TOP + 36}" {LEGEND}>ค่าเป้าหมายสะสม</text>'
                 f'<rect x="{legend_x}" y="{TOP + 46}" width="14" height="14" fill="{UNMET}"/>'
                 f'<text x="{legend_x + 20}" y="{TOP + 58}" {LEGEND}>ต่ำกว่าเป้าหมาย</text>')
    parts.append("</svg>")
    return "".join(parts)
