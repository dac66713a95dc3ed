import { useMantineTheme } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { type ChartOption, EChart } from '../charts/EChart';

// Only what a horizontal bar chart needs, drawn as SVG: this module (and ECharts with it) is a
// chunk of the reports screen alone, fetched after the screen's table is drawn.
echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartSeries {
  name: string;
  values: number[];
}

const ROW_HEIGHT = 28;

/** The largest groups of a report as horizontal bars, one colour per measure. */
export function IntakeReportChart({
  labels,
  series,
  title,
}: {
  labels: string[];
  series: ChartSeries[];
  title: string;
}) {
  const theme = useMantineTheme();
  const colors = [theme.colors.blue[7], theme.colors.orange[7], theme.colors.teal[7]];
  const option: ChartOption = {
    color: colors,
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: series.length > 1 ? { top: 0 } : { show: false },
    grid: {
      left: 8,
      right: 24,
      top: series.length > 1 ? 32 : 8,
      bottom: 8,
      containLabel: true,
    },
    xAxis: { type: 'value', minInterval: 1 },
    // The largest group on top.
    yAxis: {
      type: 'category',
      inverse: true,
      data: labels,
      axisLabel: { width: 160, overflow: 'truncate' },
    },
    series: series.map((one) => ({ type: 'bar', name: one.name, data: one.values })),
  };

  const height = Math.max(120, labels.length * ROW_HEIGHT * Math.max(1, series.length * 0.7) + 56);
  // The table below holds the same figures for screen readers; the chart names what it shows.
  return <EChart option={option} label={title} height={height} testId="report-chart" />;
}
