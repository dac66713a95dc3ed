import { useMantineTheme } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { type ChartOption, EChart } from '../charts/EChart';

// Only what a bar chart needs, drawn as SVG: this module (and ECharts with it) is a chunk of
// the ABC screen alone, fetched after the screen's cards and table are drawn.
echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export interface AbcBar {
  label: string;
  amount: number;
  /** What the bar says above it: the class's share of the total. */
  caption: string;
}

/** The amount each ABC class holds, one bar per class in the classes' colours. */
export function AbcChart({
  bars,
  title,
  format,
}: {
  bars: AbcBar[];
  title: string;
  format: (amount: number) => string;
}) {
  const theme = useMantineTheme();
  const colors = [theme.colors.teal[7], theme.colors.yellow[7], theme.colors.gray[6]];
  const option: ChartOption = {
    animation: false,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (value: unknown) => format(Number(value)),
    },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: bars.map((bar) => bar.label) },
    yAxis: {
      type: 'value',
      axisLabel: { formatter: (value: number) => format(value) },
    },
    series: [
      {
        type: 'bar',
        name: title,
        barMaxWidth: 72,
        data: bars.map((bar, index) => ({
          value: bar.amount,
          itemStyle: { color: colors[index % colors.length] },
          label: { show: true, position: 'top', formatter: bar.caption },
        })),
      },
    ],
  };

  // The cards above hold the same figures for screen readers; the chart names what it shows.
  return <EChart option={option} label={title} height={240} testId="abc-chart" />;
}
