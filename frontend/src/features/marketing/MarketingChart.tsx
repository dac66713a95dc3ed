import { useMantineTheme } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Bars only, drawn as SVG: this module (and ECharts with it) is a chunk of the marketing screen
// alone, fetched once its table is on screen.
echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface SourceFigures {
  source: string;
  cost: number;
  revenue: number;
}

/** Cost beside revenue per source, the costliest on top. */
export function CostRevenueChart({
  rows,
  title,
  costLabel,
  revenueLabel,
  format,
}: {
  rows: SourceFigures[];
  title: string;
  costLabel: string;
  revenueLabel: string;
  format: (value: number) => string;
}) {
  const theme = useMantineTheme();
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
    chart.current?.setOption(
      {
        animation: false,
        color: [theme.colors.orange[6], theme.colors.teal[6]],
        legend: { top: 0 },
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          valueFormatter: (value: unknown) => format(Number(value)),
        },
        grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'value', axisLabel: { formatter: (value: number) => format(value) } },
        yAxis: {
          type: 'category',
          inverse: true,
          data: rows.map((r) => r.source),
          axisLabel: { width: 140, overflow: 'truncate' },
        },
        series: [
          { type: 'bar', name: costLabel, data: rows.map((r) => r.cost) },
          { type: 'bar', name: revenueLabel, data: rows.map((r) => r.revenue) },
        ],
      },
      { notMerge: true },
    );
    chart.current?.resize();
  });

  // The table beside the chart holds the same figures for screen readers.
  return (
    <div
      ref={element}
      role="img"
      aria-label={title}
      style={{ width: '100%', height: Math.max(140, rows.length * 48 + 48) }}
    />
  );
}
