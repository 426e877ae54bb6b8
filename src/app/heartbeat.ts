/**
 * The app's liveness heartbeat, one definition for the sample apps (which write it), the image
 * (which runs the check) and the Helm chart (whose probes run it): while healthy, the app touches a
 * file every few seconds; a check command exits 0 only while that file is fresh.
 * @internal
 */
export const HEARTBEAT = {
  /** Environment variable naming the file; the app and the check both read it. */
  fileVariable: 'APP_HEARTBEAT_FILE',
  /** Default file: /tmp is the one writable folder (an emptyDir) of the read-only container. */
  defaultFile: '/tmp/heartbeat',
  /** How often the app touches the file. */
  intervalSeconds: 5,
  /** Age above which the check fails: several missed beats, so one slow beat is no failure. */
  maxAgeSeconds: 30,
  /** Age above which the liveness check fails: the pod is taken out of service first, restarted only when it stays hung. */
  livenessMaxAgeSeconds: 90,
  /** Flag that makes the C++ binary check the heartbeat instead of running the app. */
  checkFlag: '--check-heartbeat',
} as const;
