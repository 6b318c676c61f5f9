import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { Model } from '../model/types.js';
import type { AlertName } from './alerts.js';
import { runbookLinks } from './links.js';
import { thresholdOverrides, type SeriesThreshold } from './thresholds.js';
import { datasourceRef } from './variables.js';

/** Panel ids must be unique within a dashboard and stable across runs: allocate in build order. */
export class PanelIds {
  private last = 0;
  next(): number {
    this.last += 1;
    return this.last;
  }
}

export interface QuerySpec {
  readonly expr: string;
  readonly legend: string;
}

/** A Prometheus target; refIds are A, B, C... in the order the panel lists its queries. */
export function promQuery(query: QuerySpec, index: number, instant = false): DataqueryBuilder {
  const builder = new DataqueryBuilder()
    .datasource(datasourceRef)
    .refId(String.fromCharCode(65 + index))
    .expr(query.expr)
    .legendFormat(query.legend);
  return instant ? builder.instant() : builder.range();
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  /** Alerts whose state this panel shows; the panel links to their runbooks. */
  readonly alerts?: readonly AlertName[];
  readonly thresholds?: readonly SeriesThreshold[];
  readonly width?: number;
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
  /** Text shown instead of "No data" when a query legitimately has no series. */
  readonly noValue?: string;
}

/** The setters every panel kind shares; each returns the builder for chaining. */
interface CommonPanelSetters<B> {
  id(id: number): B;
  title(title: string): B;
  description(description: string): B;
  datasource(datasource: typeof datasourceRef): B;
  unit(unit: string): B;
  span(span: number): B;
  height(height: number): B;
}

/** Identity, datasource, unit and size, set in one order so every panel kind renders alike. */
function panelBasics<B extends CommonPanelSetters<B>>(builder: B, ids: PanelIds, spec: PanelSpec, size: { width: number; height: number }): B {
  return builder
    .id(ids.next())
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRef)
    .unit(spec.unit)
    .span(spec.width ?? size.width)
    .height(spec.height ?? size.height);
}

export function timeseriesPanel(model: Model, ids: PanelIds, spec: PanelSpec): cog.Builder<Panel> {
  const builder = panelBasics(new TimeseriesPanelBuilder(), ids, spec, { width: 12, height: 8 })
    .targets(spec.queries.map((query, index) => promQuery(query, index)))
    .links(runbookLinks(model, spec.alerts ?? []))
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .overrides(thresholdOverrides(spec.thresholds ?? [], true));
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.noValue !== undefined) builder.noValue(spec.noValue);
  return builder;
}

export function statPanel(model: Model, ids: PanelIds, spec: PanelSpec) {
  const builder = panelBasics(new StatPanelBuilder(), ids, spec, { width: 6, height: 6 })
    .targets(spec.queries.map((query, index) => promQuery(query, index, true)))
    .links(runbookLinks(model, spec.alerts ?? []))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    // Without alert thresholds Grafana would colour by its default 80 threshold: meaningless here.
    .colorMode((spec.thresholds ?? []).length > 0 ? common.BigValueColorMode.Background : common.BigValueColorMode.None)
    .graphMode(common.BigValueGraphMode.None)
    .overrides(thresholdOverrides(spec.thresholds ?? [], false));
  if (spec.noValue !== undefined) builder.noValue(spec.noValue);
  return builder;
}

export function tablePanel(model: Model, ids: PanelIds, spec: PanelSpec) {
  return panelBasics(new TablePanelBuilder(), ids, spec, { width: 12, height: 8 })
    .targets(spec.queries.map((query, index) => promQuery(query, index, true).format(PromQueryFormat.Table)))
    .links(runbookLinks(model, spec.alerts ?? []))
    .overrides(thresholdOverrides(spec.thresholds ?? [], false));
}
