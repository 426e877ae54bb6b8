import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { parse } from 'yaml';
import { objects, read, synthProject, VARIANTS } from './support';
import { helmLint, helmTemplate, kubeValidateStrict, testWithTools, WRAPPER_TOOLS } from '../validators/tools';

const HELM_AND_KUBE = [...WRAPPER_TOOLS.helmTemplate, ...WRAPPER_TOOLS.kubeValidateStrict];
const APP = { ...VARIANTS['python-signals-pubsub-grpc'], ports: [{ name: 'grpc', port: 50051 }] };

describe('escape hatches never drop a consumer\'s change', () => {
  // GIVEN a consumer who patches through findObject and patchObject, adds labels, a value and a cdk8s-plus object
  const { project, dir } = synthProject(APP, p => {
    const chart = p.helmChart;
    chart.findObject('Deployment', 'deployment').addJsonPatch(JsonPatch.add('/metadata/annotations/owner', 'team-seats'));
    chart.patchObject('Deployment', 'deployment',
      JsonPatch.add('/metadata/labels/team', 'seats'),
      JsonPatch.add('/spec/template/metadata/labels/team', 'seats'),
      JsonPatch.add('/spec/template/metadata/annotations/sidecar.example.com~1inject', 'false'),
    );
    chart.patchObject('Service', 'service', JsonPatch.add('/metadata/labels/exposed', 'internal'));
    chart.addValue({ path: 'podLabels', defaultValue: { tier: 'vehicle' }, description: 'merged into the chart\'s podLabels' });
    const cache = new kplus.ConfigMap(chart.scope, 'cache', { metadata: { labels: { role: 'cache' } }, data: { size: '16' } });
    chart.addObject('cache', cache);
    chart.addObject('quota', new ApiObject(chart.scope, 'quota', {
      apiVersion: 'v1', kind: 'ResourceQuota', spec: { hard: { pods: '10' } },
    }), { condition: '.Values.quota.enabled' });
    chart.addValue({ path: 'quota.enabled', defaultValue: true, description: 'Create the ResourceQuota.' });
  });
  const chartDir = path.join(dir, project.helmChart.chartDir);

  testWithTools(HELM_AND_KUBE, 'patches through findObject and patchObject apply after the chart\'s own, labels included', () => {
    // WHEN
    helmLint(chartDir);
    const text = helmTemplate(chartDir, 'car');
    // THEN
    kubeValidateStrict(text);
    const rendered = objects(text);
    const deployment = rendered.find(o => o.kind === 'Deployment' && o.metadata.name === 'car-seat-adjuster');
    expect(deployment.metadata.annotations.owner).toBe('team-seats');
    expect(deployment.metadata.labels).toMatchObject({ 'team': 'seats', 'app.kubernetes.io/name': 'seat-adjuster', 'app.kubernetes.io/instance': 'car' });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'team': 'seats', 'tier': 'vehicle', 'app.kubernetes.io/instance': 'car' });
    expect(deployment.spec.template.metadata.annotations['sidecar.example.com/inject']).toBe('false');
    expect(deployment.spec.template.metadata.annotations['checksum/env']).toMatch(/^[0-9a-f]{64}$/);
    const service = rendered.find(o => o.kind === 'Service' && o.metadata.name === 'car-seat-adjuster');
    expect(service.metadata.labels).toMatchObject({ 'exposed': 'internal', 'app.kubernetes.io/instance': 'car' });
  });

  test('addValue on a map the chart has merges its keys into the default', () => {
    expect(parse(read(dir, `${project.helmChart.chartDir}/values.yaml`)).podLabels).toEqual({ tier: 'vehicle' });
  });

  testWithTools(HELM_AND_KUBE, 'a cdk8s-plus object (or any ApiObject) is templated like the chart\'s own', () => {
    // WHEN
    const rendered = objects(helmTemplate(chartDir, 'car'));
    const off = objects(helmTemplate(chartDir, 'car', [], { 'quota.enabled': 'false' }));
    // THEN
    const cache = rendered.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'car-seat-adjuster-cache');
    expect(cache.data).toEqual({ size: '16' });
    expect(cache.metadata.namespace).toBe(rendered.find(o => o.kind === 'Deployment').metadata.namespace);
    expect(cache.metadata.labels).toMatchObject({ 'role': 'cache', 'app.kubernetes.io/instance': 'car', 'app.kubernetes.io/managed-by': 'Helm' });
    expect(rendered.find(o => o.kind === 'ResourceQuota').metadata.name).toBe('car-seat-adjuster-quota');
    expect(off.find(o => o.kind === 'ResourceQuota')).toBeUndefined();
  });
});

describe('escape hatches fail loudly instead of losing work', () => {
  test('a patch below a key the chart renders from values names the key and the fix', () => {
    expect(() => synthProject(APP, p => p.helmChart.patchObject('Deployment', 'deployment', JsonPatch.add('/spec/template/spec/nodeSelector/disk', 'ssd'))))
      .toThrow(/JSON patch "add \/spec\/template\/spec\/nodeSelector\/disk" of Deployment "deployment" \(templates\/deployment\.yaml\) goes into \/spec\/template\/spec\/nodeSelector, which the chart renders from a Helm template expression.*Fix: set it through the chart's values, or replace \/spec\/template\/spec\/nodeSelector as a whole/);
  });

  test('replacing such a key as a whole works', () => {
    const { project, dir } = synthProject(APP, p => p.helmChart.patchObject('Deployment', 'deployment', JsonPatch.replace('/spec/template/spec/nodeSelector', { disk: 'ssd' })));
    expect(read(dir, `${project.helmChart.chartDir}/templates/deployment.yaml`)).toContain('nodeSelector:\n        disk: ssd\n');
  });

  test('addValue on a value that is not a map, a group, or a key the default has, fails naming what exists', () => {
    expect(() => synthProject(APP, p => p.helmChart.addValue({ path: 'replicaCount', defaultValue: 2, description: 'x' })))
      .toThrow('Helm value "replicaCount" already exists in the chart ("Number of pods (ignored when autoscaling.enabled).", default 1). Only map defaults merge.');
    expect(() => synthProject(APP, p => p.helmChart.addValue({ path: 'image', defaultValue: {}, description: 'x' })))
      .toThrow(/Helm value "image" is a group of the chart with the keys repository, tag, digest, pullPolicy\. Fix: add a key below it/);
    expect(() => synthProject(APP, p => p.helmChart.addValue({ path: 'networkPolicy.egress.dnsPodLabels', defaultValue: { 'k8s-app': 'coredns' }, description: 'x' })))
      .toThrow(/the chart's default already has "k8s-app"/);
  });

  test('addObject wants a DNS label as id', () => {
    expect(() => synthProject(APP, p => p.helmChart.addObject('My Cache', new kplus.ConfigMap(p.helmChart.scope, 'c'))))
      .toThrow(/id "My Cache" is not a DNS label/);
  });
});
