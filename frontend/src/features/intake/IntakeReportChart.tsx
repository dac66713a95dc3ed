import { useMantineTheme } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

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

  const colors = [theme.colors.blue[7], theme.colors.orange[7], theme.colors.teal[7]];
  useEffect(() => {
    chart.current?.setOption(
      {
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
      },
      { notMerge: true },
    );
    chart.current?.resize();
  });

  const height = Math.max(120, labels.length * ROW_HEIGHT * Math.max(1, series.length * 0.7) + 56);
  // The table below holds the same figures for screen readers; the chart names what it shows.
  return (
    <div
      ref={element}
      role="img"
      aria-label={title}
      data-testid="report-chart"
      style={{ width: '100%', height }}
    />
  );
}
