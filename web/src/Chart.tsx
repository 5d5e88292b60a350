// A small time-series chart (uPlot, canvas: no inline markup, works under the strict CSP).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  className: 'primary' | 'secondary' | 'limit';
}

const COLOURS = { primary: '#2557d6', secondary: '#b3261e', limit: '#8a6d00' };

/** `days`: UTC dates (`YYYY-MM-DD`), one per value. */
export function Chart({
  days,
  series,
  label,
  bars = false,
}: {
  days: string[];
  series: Series[];
  label: string;
  bars?: boolean;
}) {
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null || days.length === 0) return;
    const x = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 180,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{}, { size: 60 }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: COLOURS[s.className],
            width: s.className === 'limit' ? 1 : 2,
            dash: s.className === 'limit' ? [6, 4] : [],
            ...(bars && s.className !== 'limit' && uPlot.paths.bars !== undefined
              ? { paths: uPlot.paths.bars({ size: [0.6, 40] }), fill: `${COLOURS[s.className]}66` }
              : {}),
            points: { show: days.length < 3 },
          })),
        ],
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [days, series, bars]);
  return <div className="chart" role="img" aria-label={label} ref={box} />;
}
