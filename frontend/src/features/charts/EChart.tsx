import * as echarts from 'echarts/core';
import { useEffect, useRef } from 'react';

export type ChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart drawn as SVG into a box as wide as its parent, redrawn whole on every render
 * and resized with its box.
 *
 * Each chart module registers the charts and components it draws (`echarts.use`) itself, so
 * ECharts and what a screen needs of it stay in that screen's chunk; this component only owns
 * the instance's life: created on mount, disposed on unmount.
 *
 * `label` is what a screen reader hears: the chart's title and, where no table beside it holds
 * the figures, a summary of them.
 */
export function EChart({
  option,
  label,
  height,
  testId,
}: {
  option: ChartOption;
  label: string;
  height: number;
  testId?: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const host = element.current;
    if (!host) return undefined;
    const drawn = echarts.init(host, undefined, { renderer: 'svg' });
    chart.current = drawn;
    const observer = new ResizeObserver(() => drawn.resize());
    observer.observe(host);
    return () => {
      observer.disconnect();
      drawn.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
    chart.current?.resize();
  });

  return (
    <div
      ref={element}
      role="img"
      aria-label={label}
      data-testid={testId}
      style={{ width: '100%', height }}
    />
  );
}
