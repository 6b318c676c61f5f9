/**
 * The routing as a prometheus-operator `AlertmanagerConfig` (v1alpha1): the same route tree,
 * inhibitions and receivers as alertmanager.yml, translated field by field, with every
 * credential a reference to a key of one Kubernetes Secret (never a value).
 */
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { IInhibitRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/InhibitRule';
import type { IReceiver } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/Receiver';
import type { IRoute } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/Route';
import { renderAlertmanagerConfig } from '../alertmanager/config.js';
import type { Model, ReceiverModel } from '../model/types.js';
import { crdMatcher } from './matchers.js';
import type { KubernetesSettings } from './settings.js';

type Plain = Record<string, unknown>;

/** The Secret key a credential file maps to: its file name. */
export const secretKeyOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function route(source: Plain): IRoute {
  const text = (key: string): string | undefined => (typeof source[key] === 'string' ? (source[key] as string) : undefined);
  const list = (key: string): string[] | undefined => (Array.isArray(source[key]) ? (source[key] as string[]) : undefined);
  const routes = Array.isArray(source['routes']) ? (source['routes'] as Plain[]) : [];
  const fields: IRoute = {};
  const receiver = text('receiver');
  if (receiver !== undefined) fields.receiver = receiver;
  const groupBy = list('group_by');
  if (groupBy !== undefined) fields.groupBy = groupBy;
  const groupWait = text('group_wait');
  if (groupWait !== undefined) fields.groupWait = groupWait;
  const groupInterval = text('group_interval');
  if (groupInterval !== undefined) fields.groupInterval = groupInterval;
  const repeatInterval = text('repeat_interval');
  if (repeatInterval !== undefined) fields.repeatInterval = repeatInterval;
  const matchers = list('matchers');
  if (matchers !== undefined) fields.matchers = matchers.map(crdMatcher);
  if (source['continue'] === true) fields.continue = true;
  // The CRD types child routes loosely (JSON); they are routes of the same shape.
  if (routes.length > 0) fields.routes = routes.map(route) as unknown as IRoute['routes'];
  return fields;
}

function receiver(model: ReceiverModel, secretName: string): IReceiver {
  const secret = (file: string) => ({ name: secretName, key: secretKeyOf(file) });
  switch (model.type) {
    case 'slack':
      return { name: model.name, slackConfigs: [{ apiURL: secret(model.apiUrlFile), channel: model.channel, sendResolved: true }] };
    case 'pagerduty':
      return { name: model.name, pagerdutyConfigs: [{ routingKey: secret(model.routingKeyFile), sendResolved: true }] };
    case 'email':
      return {
        name: model.name,
        emailConfigs: [
          {
            to: model.to,
            from: model.from,
            smarthost: model.smarthost,
            ...(model.authUsername === undefined ? {} : { authUsername: model.authUsername }),
            ...(model.authPasswordFile === undefined ? {} : { authPassword: secret(model.authPasswordFile) }),
            sendResolved: true,
          },
        ],
      };
    case 'webhook':
      return { name: model.name, webhookConfigs: [{ url: model.url, sendResolved: true }] };
  }
}

export function alertmanagerConfigResource(model: Model, settings: KubernetesSettings): Plain {
  const plain = renderAlertmanagerConfig(model);
  const inhibitRules = (plain['inhibit_rules'] as Plain[]).map((rule): IInhibitRule => ({
    sourceMatch: (rule['source_matchers'] as string[]).map(crdMatcher),
    targetMatch: (rule['target_matchers'] as string[]).map(crdMatcher),
    ...(rule['equal'] === undefined ? {} : { equal: rule['equal'] as string[] }),
  }));
  const resource = new AlertmanagerConfig({
    metadata: { name: 'vigil', namespace: settings.namespace, labels: { ...settings.labels } },
    spec: {
      route: route(plain['route'] as Plain),
      inhibitRules,
      receivers: model.receivers.map((entry) => receiver(entry, settings.secretName)),
    },
  });
  resource.validate();
  return resource.toJSON() as Plain;
}
