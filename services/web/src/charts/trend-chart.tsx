import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from '../api/content-types';

/**
 * The target range drawn behind a blood glucose line: 3.9–10.0 mmol/L, the international consensus
 * "time in range" for people with diabetes (Battelino et al., Diabetes Care 2019). A professional's
 * own targets per client are not in the API yet.
 */
export const GLUCOSE_TARGET = { low: 3.9, high: 10.0, unit: 'mmol/L' } as const;

const isGlucose = (s: Series) => s.unit === GLUCOSE_TARGET.unit;

/**
 * One series over time (uPlot on a canvas), with its data as a table for screen readers and keyboard
 * users (the canvas itself is hidden from assistive technology).
 */
export function TrendChart({ series }: { series: Series }) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const target = isGlucose(series) ? GLUCOSE_TARGET : null;
  useEffect(() => {
    const el = box.current;
    if (!el || series.points.length === 0) return;
    const xs = series.points.map((p) => new Date(p.at).getTime() / 1000);
    const ys = series.points.map((p) => p.value);
    const drawTarget = (u: uPlot) => {
      if (!target) return;
      const { ctx, bbox } = u;
      const top = u.valToPos(target.high, 'y', true);
      const bottom = u.valToPos(target.low, 'y', true);
      ctx.save();
      ctx.fillStyle = 'rgba(46, 125, 50, 0.14)';
      ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
      ctx.restore();
    };
    const lo = Math.min(...ys, target?.low ?? Infinity, series.min ?? Infinity);
    const hi = Math.max(...ys, target?.high ?? -Infinity);
    const chart = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: [Math.floor(lo) - 1, Math.ceil(hi) + 1] } },
        axes: [{ stroke: '#333' }, { stroke: '#333', label: series.unit ?? undefined }],
        series: [{}, { label: series.label, stroke: '#1d4e5f', width: 2, points: { show: true, size: 6 } }],
        hooks: { drawClear: [drawTarget] },
      },
      [xs, ys],
      el,
    );
    const resize = () => chart.setSize({ width: Math.max(280, el.clientWidth), height: 220 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.destroy();
    };
  }, [series, target]);
  const caption = `${series.title}: ${series.label}${series.unit ? ` (${series.unit})` : ''}`;
  return (
    <figure className="trend">
      <figcaption>{caption}</figcaption>
      {target && (
        <p className="muted">
          {t('trend.target', { low: target.low, high: target.high, unit: target.unit })}
        </p>
      )}
      {series.points.length === 0 ? (
        <p>{t('trend.empty')}</p>
      ) : (
        <div ref={box} className="chart" aria-hidden="true" />
      )}
      <details>
        <summary>{t('trend.table')}</summary>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('trend.when')}</th>
              <th scope="col">{t('trend.value')}</th>
            </tr>
          </thead>
          <tbody>
            {series.points.map((p) => (
              <tr key={p.at}>
                <td>
                  {new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
                    new Date(p.at),
                  )}
                </td>
                <td>
                  {p.value}
                  {target && (p.value < target.low || p.value > target.high)
                    ? ` (${t('trend.outside')})`
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
