import { useMantineTheme } from '@mantine/core';
import { BarChart, FunnelChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

import { EChart } from '../charts/EChart';

// Only the funnel and bar charts, drawn as SVG: this module (and ECharts with it) is a chunk of
// the analytics screen alone, fetched after its figures are drawn.
echarts.use([FunnelChart, BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface FunnelStep {
  name: string;
  reached: number;
  /** Shown beside the stage: its conversion from the previous one. */
  label: string;
}

/** Each stage's reach as a funnel in the stages' order (not sorted by size: a stage some deals
 * skipped may hold more than the one before it). */
export function StageFunnelChart({ steps, title }: { steps: FunnelStep[]; title: string }) {
  const theme = useMantineTheme();
  const top = Math.max(1, ...steps.map((s) => s.reached));
  return (
    <EChart
      label={title}
      height={Math.max(160, steps.length * 56)}
      option={{
        animation: false,
        color: [theme.colors.blue[6]],
        tooltip: { trigger: 'item' },
        series: [
          {
            type: 'funnel',
            sort: 'none',
            min: 0,
            max: top,
            minSize: '8%',
            gap: 2,
            left: 8,
            right: 8,
            top: 8,
            bottom: 8,
            label: {
              position: 'inside',
              formatter: (p: { dataIndex: number }) => steps[p.dataIndex]?.label ?? '',
            },
            data: steps.map((s) => ({ name: s.name, value: s.reached })),
          },
        ],
      }}
    />
  );
}

/** Lost deals per reason as horizontal bars, the most frequent on top. */
export function LossReasonsChart({
  labels,
  counts,
  title,
}: {
  labels: string[];
  counts: number[];
  title: string;
}) {
  const theme = useMantineTheme();
  return (
    <EChart
      label={title}
      height={Math.max(120, labels.length * 28 + 40)}
      option={{
        animation: false,
        color: [theme.colors.red[6]],
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        grid: { left: 8, right: 24, top: 8, bottom: 8 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: {
          type: 'category',
          inverse: true,
          data: labels,
          axisLabel: { width: 160, overflow: 'truncate' },
        },
        series: [{ type: 'bar', data: counts }],
      }}
    />
  );
}

/** Demand by product: deals that asked for each product beside the deals that bought it. */
export function ProductDemandChart({
  products,
  asked,
  sold,
  askedLabel,
  soldLabel,
  title,
}: {
  products: string[];
  asked: number[];
  sold: number[];
  askedLabel: string;
  soldLabel: string;
  title: string;
}) {
  const theme = useMantineTheme();
  return (
    <EChart
      label={title}
      height={Math.max(160, products.length * 40 + 60)}
      option={{
        animation: false,
        color: [theme.colors.gray[5], theme.colors.teal[6]],
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0 },
        grid: { left: 8, right: 24, top: 32, bottom: 8 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: {
          type: 'category',
          inverse: true,
          data: products,
          axisLabel: { width: 180, overflow: 'truncate' },
        },
        series: [
          { type: 'bar', name: askedLabel, data: asked },
          { type: 'bar', name: soldLabel, data: sold },
        ],
      }}
    />
  );
}
