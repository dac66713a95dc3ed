import { useMantineTheme } from '@mantine/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

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
      },
      { notMerge: true },
    );
    chart.current?.resize();
  });

  // The entries listed below hold the same figures for screen readers.
  return (
    <div
      ref={element}
      role="img"
      aria-label={title}
      data-testid="karma-chart"
      style={{ width: '100%', height: 180 }}
    />
  );
}
