import { useMantineTheme } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { type ChartOption, EChart } from '../charts/EChart';

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
  const option: ChartOption = {
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
  };

  // The table beside the chart holds the same figures for screen readers.
  return <EChart option={option} label={title} height={Math.max(140, rows.length * 48 + 48)} />;
}
