/** The Kubernetes outputs' settings as the model resolves them (spec `kubernetes`). */
export interface KubernetesSettings {
  /** Namespace every resource is created in. */
  readonly namespace: string;
  /** Labels on every resource: what the operator's rule/monitor selectors match (e.g. `release`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Named port of each service's Kubernetes Service that serves the metrics path. */
  readonly metricsPort: string;
  /** Label key whose value, the service name, selects each service's Kubernetes Service. */
  readonly serviceSelectorLabel: string;
  /** The Secret that holds every receiver credential, keyed by the credential file's name. */
  readonly secretName: string;
  /** The label the Grafana dashboard sidecar watches, and its value. */
  readonly dashboardLabel: { readonly name: string; readonly value: string };
}
