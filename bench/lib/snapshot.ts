// A private copy of the built package (dist/ and package.json) for the bench to load, so that
// another `npm run build` in the same tree during a long run cannot remove it mid-way.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './ipc';

const FILES = ['signalwire-space.js', 'signalwire-list-participants.js', 'signalwire-get-participant.js', 'lib/client/client.js'];

function complete(dist: string): boolean {
  return FILES.every((f) => fs.existsSync(path.join(dist, 'nodes', f)));
}

export async function snapshotPackage(): Promise<string> {
  const dir = path.join(REPO_ROOT, '.bench', `pkg-${process.pid}`);
  const src = path.join(REPO_ROOT, 'dist');
  for (let attempt = 0; attempt < 60; attempt++) {
    if (complete(src)) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      try {
        fs.cpSync(src, path.join(dir, 'dist'), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
        if (complete(path.join(dir, 'dist'))) return dir;
      } catch {
        // dist/ changed under us: try again
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('dist/ is missing or incomplete: run `npm run build` first');
}

export function removeSnapshot(dir: string): void {
  if (dir.startsWith(path.join(REPO_ROOT, '.bench'))) fs.rmSync(dir, { recursive: true, force: true });
}
