import { useMantineTheme } from '@mantine/core';
import { BarChart, HeatmapChart, PieChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { EChart } from '../charts/EChart';

// Every chart of the dashboard, drawn as SVG: this module (and ECharts with it) is one chunk of
// the dashboard alone, fetched after the widgets' figures are on screen.
echarts.use([
  BarChart,
  HeatmapChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

export interface PlanBars {
  names: string[];
  plan: (number | null)[];
  fact: number[];
  forecast: (number | null)[];
  /** The series' names in the reader's language. */
  legend: { plan: string; fact: string; forecast: string };
}

/** Plan, fact and forecast of turnover side by side, one group of bars per employee. */
export function PlanFactChart({
  bars,
  title,
  format,
}: {
  bars: PlanBars;
  title: string;
  format: (amount: number) => string;
}) {
  const theme = useMantineTheme();
  return (
    <EChart
      label={title}
      height={Math.max(160, bars.names.length * 44 + 64)}
      option={{
        animation: false,
        color: [theme.colors.gray[5], theme.colors.blue[6], theme.colors.teal[5]],
        tooltip: {
          trigger: 'axis',
          axisPointer: { type: 'shadow' },
          valueFormatter: (value: number | null) => (value === null ? '—' : format(value)),
        },
        legend: { top: 0 },
        grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'value', axisLabel: { formatter: (value: number) => format(value) } },
        yAxis: {
          type: 'category',
          inverse: true,
          data: bars.names,
          axisLabel: { width: 140, overflow: 'truncate' },
        },
        series: [
          { type: 'bar', name: bars.legend.plan, data: bars.plan },
          { type: 'bar', name: bars.legend.fact, data: bars.fact },
          { type: 'bar', name: bars.legend.forecast, data: bars.forecast },
        ],
      }}
    />
  );
}

export interface FunnelStep {
  name: string;
  reached: number;
  /** Shown beside the bar: its reach and conversion from the previous stage. */
  label: string;
}

/**
 * Each stage's reach as a bar, in the stages' order (a stage some deals skipped may hold more
 * than the one before it): bars stay readable where a funnel's narrow end would not.
 */
export function ConversionChart({ steps, title }: { steps: FunnelStep[]; title: string }) {
  const theme = useMantineTheme();
  return (
    <EChart
      label={title}
      height={Math.max(120, steps.length * 28 + 24)}
      option={{
        animation: false,
        color: [theme.colors.blue[6]],
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 8, right: 96, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value', minInterval: 1, show: false },
        yAxis: {
          type: 'category',
          inverse: true,
          data: steps.map((s) => s.name),
          axisLabel: { width: 140, overflow: 'truncate' },
        },
        series: [
          {
            type: 'bar',
            data: steps.map((s) => s.reached),
            label: {
              show: true,
              position: 'right',
              formatter: (p: { dataIndex: number }) => steps[p.dataIndex]?.label ?? '',
            },
          },
        ],
      }}
    />
  );
}

/** Lost deals per reason as a ring. */
export function LossReasonsPie({
  slices,
  title,
}: {
  slices: { name: string; value: number }[];
  title: string;
}) {
  const theme = useMantineTheme();
  return (
    <EChart
      label={title}
      height={220}
      option={{
        animation: false,
        color: [
          theme.colors.red[6],
          theme.colors.orange[6],
          theme.colors.yellow[6],
          theme.colors.grape[6],
          theme.colors.pink[6],
          theme.colors.gray[6],
        ],
        tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
        series: [
          {
            type: 'pie',
            radius: ['40%', '70%'],
            label: { formatter: '{b}: {c}', overflow: 'truncate', width: 120 },
            data: slices,
          },
        ],
      }}
    />
  );
}

export interface HeatCell {
  /** 1 Monday ... 7 Sunday */
  weekday: number;
  /** 0 ... 23 */
  hour: number;
  value: number;
}

/** Weekdays down, hours across, the busier the darker. */
export function WorkTimeHeatmap({
  cells,
  weekdays,
  title,
  summary,
}: {
  cells: HeatCell[];
  /** Monday first, in the reader's language. */
  weekdays: string[];
  title: string;
  /** What the map shows, in words: the busiest hours. */
  summary: string;
}) {
  const theme = useMantineTheme();
  const top = Math.max(1, ...cells.map((c) => c.value));
  return (
    <EChart
      label={`${title}. ${summary}`}
      height={260}
      option={{
        animation: false,
        tooltip: { position: 'top' },
        grid: { left: 8, right: 8, top: 8, bottom: 48, containLabel: true },
        xAxis: {
          type: 'category',
          data: Array.from({ length: 24 }, (_, hour) => String(hour)),
          splitArea: { show: true },
        },
        yAxis: { type: 'category', data: weekdays, inverse: true, splitArea: { show: true } },
        visualMap: {
          min: 0,
          max: top,
          calculable: false,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          itemHeight: 120,
          inRange: { color: [theme.colors.gray[0], theme.colors.blue[8]] },
        },
        series: [
          {
            type: 'heatmap',
            data: cells.filter((c) => c.value > 0).map((c) => [c.hour, c.weekday - 1, c.value]),
            emphasis: { itemStyle: { borderColor: theme.colors.dark[7], borderWidth: 1 } },
          },
        ],
      }}
    />
  );
}
