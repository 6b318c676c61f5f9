import type { ReceiverModel } from '../model/types.js';

/**
 * One receiver as Alertmanager configures it. Credentials are only ever referenced through
 * `*_file` fields: the generated file names where a secret lives, never the secret itself.
 */
export function renderReceiver(receiver: ReceiverModel): Record<string, unknown> {
  switch (receiver.type) {
    case 'slack':
      return {
        name: receiver.name,
        slack_configs: [
          {
            api_url_file: receiver.apiUrlFile,
            channel: receiver.channel,
            send_resolved: true,
            title: '{{ .Status | toUpper }} {{ .CommonLabels.priority }} {{ .CommonLabels.alertname }}',
            text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.runbook_url }}\n{{ end }}',
          },
        ],
      };
    case 'pagerduty':
      return {
        name: receiver.name,
        pagerduty_configs: [{ routing_key_file: receiver.routingKeyFile, send_resolved: true }],
      };
    case 'email':
      return {
        name: receiver.name,
        email_configs: [
          {
            to: receiver.to,
            from: receiver.from,
            smarthost: receiver.smarthost,
            ...(receiver.authUsername === undefined ? {} : { auth_username: receiver.authUsername }),
            ...(receiver.authPasswordFile === undefined ? {} : { auth_password_file: receiver.authPasswordFile }),
            send_resolved: true,
          },
        ],
      };
    case 'webhook':
      return { name: receiver.name, webhook_configs: [{ url: receiver.url, send_resolved: true }] };
  }
}
