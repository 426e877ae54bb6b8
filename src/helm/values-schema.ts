/**
 * JSON schema fragments of Kubernetes fields, as strict as the API server's validation where JSON Schema
 * can say it (apimachinery's validation rules), for values.schema.json: a bad value fails `helm install`
 * with the value's path instead of an API server error after the release started.
 * @internal
 */

type Schema = Record<string, unknown>;

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
// A qualified name: an optional DNS-subdomain prefix and "/", then 1-63 characters of [-A-Za-z0-9_.], alphanumeric at both ends.
const QUALIFIED_NAME = `^(${DNS_LABEL}(\\.${DNS_LABEL})*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`;

/** A label or annotation key (`prefix/name`). */
export const qualifiedName: Schema = { type: 'string', pattern: QUALIFIED_NAME, maxLength: 317 };

/** A label value: at most 63 characters of [-A-Za-z0-9_.], alphanumeric at both ends, or empty. */
export const labelValue: Schema = { type: 'string', pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$', maxLength: 63 };

/** A map of labels. */
export const labels: Schema = { type: 'object', propertyNames: qualifiedName, additionalProperties: labelValue };

/** A map of annotations (any string value). */
export const annotations: Schema = { type: 'object', propertyNames: qualifiedName, additionalProperties: { type: 'string' } };

/** A resource quantity: `100m`, `1.5`, `64Mi`, `1e3`, or a number. */
export const quantity: Schema = {
  type: ['string', 'number'],
  pattern: '^[+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$',
  minimum: 0,
};

/** Requests and limits: cpu, memory, ephemeral-storage and extended resources, each a quantity. */
export const resources: Schema = {
  type: 'object',
  properties: {
    requests: { type: 'object', propertyNames: qualifiedName, additionalProperties: quantity },
    limits: { type: 'object', propertyNames: qualifiedName, additionalProperties: quantity },
  },
  additionalProperties: false,
};

/** A user or group id (int64 in the API, non-negative; 0 is root). */
const id: Schema = { type: 'integer', minimum: 0, maximum: 2147483647 };

const seccompProfile: Schema = {
  type: 'object',
  properties: { type: { type: 'string', enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] }, localhostProfile: { type: 'string' } },
  required: ['type'],
  additionalProperties: false,
};

/** A pod's securityContext. */
export const podSecurityContext: Schema = {
  type: 'object',
  properties: {
    runAsUser: id,
    runAsGroup: id,
    fsGroup: id,
    runAsNonRoot: { type: 'boolean' },
    supplementalGroups: { type: 'array', items: id },
    supplementalGroupsPolicy: { type: 'string', enum: ['Merge', 'Strict'] },
    fsGroupChangePolicy: { type: 'string', enum: ['OnRootMismatch', 'Always'] },
    seccompProfile,
    appArmorProfile: { type: 'object' },
    seLinuxOptions: { type: 'object' },
    seLinuxChangePolicy: { type: 'string' },
    sysctls: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } }, required: ['name', 'value'], additionalProperties: false } },
    windowsOptions: { type: 'object' },
  },
  additionalProperties: false,
};

/** A container's securityContext. */
export const containerSecurityContext: Schema = {
  type: 'object',
  properties: {
    runAsUser: id,
    runAsGroup: id,
    runAsNonRoot: { type: 'boolean' },
    allowPrivilegeEscalation: { type: 'boolean' },
    privileged: { type: 'boolean' },
    readOnlyRootFilesystem: { type: 'boolean' },
    capabilities: {
      type: 'object',
      properties: { add: { type: 'array', items: { type: 'string' } }, drop: { type: 'array', items: { type: 'string' } } },
      additionalProperties: false,
    },
    procMount: { type: 'string', enum: ['Default', 'Unmasked'] },
    seccompProfile,
    appArmorProfile: { type: 'object' },
    seLinuxOptions: { type: 'object' },
    windowsOptions: { type: 'object' },
  },
  additionalProperties: false,
};

/** A container port: a number in 1-65535 or a port name (IANA_SVC_NAME: 1-15 of [a-z0-9-], a letter among them). */
export const port: Schema = {
  oneOf: [
    { type: 'integer', minimum: 1, maximum: 65535 },
    // Go's regexp has no lookahead: "has a letter" is a second pattern.
    { type: 'string', allOf: [{ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' }, { pattern: '[a-z]' }], maxLength: 15 },
  ],
};

const seconds = (minimum: number): Schema => ({ type: 'integer', minimum });
const handler = (properties: Record<string, Schema>, required: string[]): Schema => ({
  // null removes the default's handler when another one is set (Helm merges maps).
  type: ['object', 'null'], properties, required, additionalProperties: false,
});

/** A liveness, readiness or startup probe; null turns it off. */
export const probe: Schema = {
  type: ['object', 'null'],
  properties: {
    exec: handler({ command: { type: 'array', items: { type: 'string' }, minItems: 1 } }, ['command']),
    httpGet: handler({
      path: { type: 'string' },
      port,
      host: { type: 'string' },
      scheme: { type: 'string', enum: ['HTTP', 'HTTPS'] },
      httpHeaders: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } }, required: ['name', 'value'], additionalProperties: false } },
    }, ['port']),
    tcpSocket: handler({ port, host: { type: 'string' } }, ['port']),
    grpc: handler({ port: { type: 'integer', minimum: 1, maximum: 65535 }, service: { type: 'string' } }, ['port']),
    initialDelaySeconds: seconds(0),
    timeoutSeconds: seconds(1),
    periodSeconds: seconds(1),
    successThreshold: seconds(1),
    failureThreshold: seconds(1),
    terminationGracePeriodSeconds: seconds(1),
  },
  additionalProperties: false,
};

/** Pod tolerations. */
export const tolerations: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      key: qualifiedName,
      operator: { type: 'string', enum: ['Exists', 'Equal'] },
      value: { type: 'string' },
      effect: { type: 'string', enum: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
      tolerationSeconds: { type: 'integer' },
    },
    additionalProperties: false,
  },
};

/** Pod affinity rules. */
export const affinity: Schema = {
  type: 'object',
  properties: { nodeAffinity: { type: 'object' }, podAffinity: { type: 'object' }, podAntiAffinity: { type: 'object' } },
  additionalProperties: false,
};

/** Secrets for pulling images: `[{name: regcred}]`. */
export const imagePullSecrets: Schema = {
  type: 'array',
  items: { type: 'object', properties: { name: { type: 'string', pattern: `^${DNS_LABEL}(\\.${DNS_LABEL})*$`, maxLength: 253 } }, required: ['name'], additionalProperties: false },
};

/** A PriorityClass name (a DNS subdomain), or empty for the cluster default. */
export const priorityClassName: Schema = { type: 'string', pattern: `^(${DNS_LABEL}(\\.${DNS_LABEL})*)?$`, maxLength: 253 };

/** Extra container env entries. */
export const envEntries: Schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { name: { type: 'string', pattern: '^[^=]+$' }, value: { type: 'string' }, valueFrom: { type: 'object' } },
    required: ['name'],
    additionalProperties: false,
  },
};

/** A map of environment variables to (template) strings. */
export const envMap: Schema = { type: 'object', propertyNames: { pattern: '^[^=]+$' }, additionalProperties: { type: 'string' } };
