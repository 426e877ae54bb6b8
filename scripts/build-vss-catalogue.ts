// Builds vss/vss-<release>.json, the compact signal catalogue the package ships, from the official VSS release
// JSON exports (vss_release_<version>.json; by default ../shared/vss, whose README gives their provenance).
// Keeps per signal its path, type, datatype, unit, min, max and allowed values; no description texts.
// Run: npx projen vss:catalogue [source dir]
import * as fs from 'fs';
import * as path from 'path';
import { catalogueFileName, renderCompactCatalogue } from '../src/vss/vss-catalogue';
import { signalsOfVssTree } from '../src/vss/vss-signal';

const RELEASE_EXPORT = /^vss_release_(\d+(?:\.\d+)+)\.json$/;

/** The folder the package ships the catalogue from. */
export const CATALOGUE_DIR = path.resolve(__dirname, '..', 'vss');

/** The release exports in `sourceDir` as catalogue files: file name → contents. */
export function buildVssCatalogue(sourceDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of fs.readdirSync(sourceDir).sort()) {
    const release = RELEASE_EXPORT.exec(name)?.[1];
    if (release === undefined) continue;
    const tree = JSON.parse(fs.readFileSync(path.join(sourceDir, name), 'utf8'));
    files.set(catalogueFileName(release), renderCompactCatalogue(release, signalsOfVssTree(tree)));
  }
  if (files.size === 0) throw new Error(`${sourceDir} holds no VSS release export (vss_release_<version>.json)`);
  return files;
}

if (require.main === module) {
  const sourceDir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'vss'));
  const files = buildVssCatalogue(sourceDir);
  fs.mkdirSync(CATALOGUE_DIR, { recursive: true });
  for (const stale of fs.readdirSync(CATALOGUE_DIR).filter(f => /^vss-.*\.json$/.test(f) && !files.has(f))) {
    fs.rmSync(path.join(CATALOGUE_DIR, stale));
  }
  for (const [name, contents] of files) {
    fs.writeFileSync(path.join(CATALOGUE_DIR, name), contents);
    console.log(`${path.relative(process.cwd(), path.join(CATALOGUE_DIR, name))}: ${contents.split('\n').length - 3} signals, ${contents.length} bytes`);
  }
}
