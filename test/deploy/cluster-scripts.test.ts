import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, shellcheck, testWithTools } from '../validators/tools';

const CLUSTER_SCRIPTS = path.join(REPO_ROOT, 'scripts', 'cluster');

describe('the cluster scripts', () => {
  testWithTools(['shellcheck'], 'pass shellcheck (every severity)', () => {
    const scripts = fs.readdirSync(CLUSTER_SCRIPTS).filter(f => f.endsWith('.sh')).map(f => path.join(CLUSTER_SCRIPTS, f));
    expect(scripts.map(s => path.basename(s))).toEqual(expect.arrayContaining(['up.sh', 'down.sh', 'build.sh', 'env.sh', 'import-image.sh', 'preflight.sh']));
    shellcheck([...scripts, path.join(REPO_ROOT, '.ci', 'run')]);
  });

  test('read every version from scripts/versions.env and pin none of their own', () => {
    const versions = fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'versions.env'), 'utf8');
    for (const key of ['KUBERNETES_VERSION', 'ETCD_VERSION', 'COREDNS_VERSION', 'KUBE_NETWORK_POLICIES_VERSION', 'KUBECTL_LAYER_VERSION', 'PAUSE_IMAGE']) {
      expect(versions).toMatch(new RegExp(`^${key}=\\S+`, 'm'));
    }
    for (const file of fs.readdirSync(CLUSTER_SCRIPTS, { recursive: true }) as string[]) {
      const full = path.join(CLUSTER_SCRIPTS, file);
      if (!fs.statSync(full).isFile()) continue;
      // A version literal such as v1.34.4 or v3.6.8 belongs in versions.env, not in a script or config.
      expect({ file, versions: fs.readFileSync(full, 'utf8').match(/\bv\d+\.\d+\.\d+\b/g) ?? [] }).toEqual({ file, versions: [] });
    }
  });
});
