import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenQueue, tfpkgPathsFromArgv } from './open-requests';

describe('tfpkgPathsFromArgv', () => {
  it('picks .tfpkg arguments, resolved against the caller folder', () => {
    const argv = ['/opt/TF Assessor/tf-assessor', '--allow-file-access-from-files', 'sub/a.tfpkg', '/abs/B.TFPKG', 'notes.txt', '.'];
    expect(tfpkgPathsFromArgv(argv, '/home/u')).toEqual([path.resolve('/home/u', 'sub/a.tfpkg'), path.resolve('/abs/B.TFPKG')]);
  });

  it('ignores switches even when they end in .tfpkg, and duplicates', () => {
    expect(tfpkgPathsFromArgv(['--open=x.tfpkg', 'a.tfpkg', './a.tfpkg'], '/w')).toEqual([path.resolve('/w/a.tfpkg')]);
  });

  it('finds nothing in a plain launch', () => {
    expect(tfpkgPathsFromArgv(['/usr/bin/electron', '.'], '/w')).toEqual([]);
  });
});

describe('OpenQueue', () => {
  it('hands out queued paths once, in order, without duplicates', () => {
    const q = new OpenQueue();
    q.push('/a.tfpkg', '/b.tfpkg');
    q.push('/a.tfpkg', '/c.tfpkg');
    expect(q.size).toBe(3);
    expect(q.drain()).toEqual(['/a.tfpkg', '/b.tfpkg', '/c.tfpkg']);
    expect(q.drain()).toEqual([]);
  });
});
