import { useMantineTheme } from '@mantine/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

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

  const colors = [theme.colors.teal[7], theme.colors.yellow[7], theme.colors.gray[6]];
  useEffect(() => {
    chart.current?.setOption(
      {
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
      },
      { notMerge: true },
    );
    chart.current?.resize();
  });

  // The cards above hold the same figures for screen readers; the chart names what it shows.
  return (
    <div
      ref={element}
      role="img"
      aria-label={title}
      data-testid="abc-chart"
      style={{ width: '100%', height: 240 }}
    />
  );
}
