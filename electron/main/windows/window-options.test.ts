import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from './window-options';
import { secureWebPreferences } from '../security/web-preferences';

describe('mainWindowOptions', () => {
  it('uses the remembered size and position', () => {
    const o = mainWindowOptions({ width: 1400, height: 900, x: 40, y: 60, maximized: false }, '/p.cjs');
    expect(o).toMatchObject({ width: 1400, height: 900, x: 40, y: 60 });
    expect(o.center).toBeUndefined();
  });

  it('centres the window when no position is remembered', () => {
    const o = mainWindowOptions({ width: 1280, height: 800, maximized: false }, '/p.cjs');
    expect(o.x).toBeUndefined();
    expect(o.y).toBeUndefined();
    expect(o.center).toBe(true);
  });

  it('never gets smaller than 1024×700', () => {
    const o = mainWindowOptions({ width: 1280, height: 800, maximized: false }, '/p.cjs');
    expect(o.minWidth).toBe(1024);
    expect(o.minHeight).toBe(700);
  });

  it('stays hidden until the page is ready to show', () => {
    expect(mainWindowOptions({ width: 1280, height: 800, maximized: false }, '/p.cjs').show).toBe(false);
  });

  it('uses the secure webPreferences with the preload path', () => {
    const o = mainWindowOptions({ width: 1280, height: 800, maximized: false }, '/app/out/preload/index.cjs');
    expect(o.webPreferences).toStrictEqual(secureWebPreferences('/app/out/preload/index.cjs'));
  });
});
