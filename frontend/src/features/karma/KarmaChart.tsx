import { useMantineTheme } from '@mantine/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { type ChartOption, EChart } from '../charts/EChart';

// Only what a line chart needs, drawn as SVG: this module (and ECharts with it) is a chunk of
// its own, fetched after the client's karma figures are on screen.
echarts.use([LineChart, GridComponent, TooltipComponent, SVGRenderer]);

export interface KarmaPoint {
  day: string;
  score: number;
}

/** A client's karma at the end of each day that changed it. */
export function KarmaChart({ points, title }: { points: KarmaPoint[]; title: string }) {
  const theme = useMantineTheme();
  const option: ChartOption = {
    color: [theme.colors.violet[7]],
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', scale: true },
    series: [
      {
        type: 'line',
        step: 'end',
        showSymbol: points.length < 40,
        data: points.map((point) => [point.day, point.score]),
      },
    ],
  };

  // The entries listed below hold the same figures for screen readers.
  return <EChart option={option} label={title} height={180} testId="karma-chart" />;
}
