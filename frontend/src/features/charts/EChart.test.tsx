import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const instance = { setOption: vi.fn(), resize: vi.fn(), dispose: vi.fn() };
const init = vi.fn(() => instance);
vi.mock('echarts/core', () => ({ init: (...args: unknown[]) => init(...(args as [])) }));

const { EChart } = await import('./EChart');

describe('EChart', () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it('draws once as SVG, redraws the whole option on each render and disposes on unmount', () => {
    const first = { series: [{ type: 'bar', data: [1] }] };
    const view = render(<EChart option={first} label="Plan" height={120} testId="chart" />);
    const box = view.getByRole('img', { name: 'Plan' });
    expect(box).toHaveStyle({ height: '120px' });
    expect(init).toHaveBeenCalledTimes(1);
    expect(init).toHaveBeenCalledWith(box, undefined, { renderer: 'svg' });
    expect(instance.setOption).toHaveBeenLastCalledWith(first, { notMerge: true });

    const second = { series: [{ type: 'bar', data: [2] }] };
    view.rerender(<EChart option={second} label="Plan" height={120} testId="chart" />);
    expect(init).toHaveBeenCalledTimes(1);
    expect(instance.setOption).toHaveBeenLastCalledWith(second, { notMerge: true });

    view.unmount();
    expect(instance.dispose).toHaveBeenCalledTimes(1);
  });
});
