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
import { thresholdOverrides } from './thresholds.js';
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

const refId = (index: number): string => String.fromCharCode(65 + index);

/** A Prometheus target; refIds are A, B, C... in the order the panel lists its queries. */
export function promQuery(query: QuerySpec, index: number, instant = false): DataqueryBuilder {
  const builder = new DataqueryBuilder()
    .datasource(datasourceRef)
    .refId(refId(index))
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
  /** Dashed threshold lines (thresholds.ts `thresholdLine`), drawn after the queries. */
  readonly thresholdLines?: readonly QuerySpec[];
  /** One threshold shared by every series of the first query (stat colouring), e.g. `up` below 1. */
  readonly fixedThreshold?: { readonly value: number; readonly bad: 'above' | 'below' };
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

/** The panel's queries followed by its threshold lines. */
function allQueries(spec: PanelSpec): QuerySpec[] {
  return [...spec.queries, ...(spec.thresholdLines ?? [])];
}

function overridesOf(spec: PanelSpec) {
  const lineRefIds = (spec.thresholdLines ?? []).map((_, index) => refId(spec.queries.length + index));
  return thresholdOverrides({
    lineRefIds,
    ...(spec.fixedThreshold === undefined ? {} : { fixed: { refId: refId(0), ...spec.fixedThreshold } }),
  });
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
    .targets(allQueries(spec).map((query, index) => promQuery(query, index)))
    .links(runbookLinks(model, spec.alerts ?? []))
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .overrides(overridesOf(spec));
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.noValue !== undefined) builder.noValue(spec.noValue);
  return builder;
}

export function statPanel(model: Model, ids: PanelIds, spec: PanelSpec) {
  const builder = panelBasics(new StatPanelBuilder(), ids, spec, { width: 6, height: 6 })
    .targets(allQueries(spec).map((query, index) => promQuery(query, index, true)))
    .links(runbookLinks(model, spec.alerts ?? []))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    // Without alert thresholds Grafana would colour by its default 80 threshold: meaningless here.
    .colorMode(spec.fixedThreshold !== undefined ? common.BigValueColorMode.Background : common.BigValueColorMode.None)
    .graphMode(common.BigValueGraphMode.None)
    .overrides(overridesOf(spec));
  if (spec.noValue !== undefined) builder.noValue(spec.noValue);
  return builder;
}

export function tablePanel(model: Model, ids: PanelIds, spec: PanelSpec) {
  return panelBasics(new TablePanelBuilder(), ids, spec, { width: 12, height: 8 })
    .targets(allQueries(spec).map((query, index) => promQuery(query, index, true).format(PromQueryFormat.Table)))
    .links(runbookLinks(model, spec.alerts ?? []))
    .overrides(overridesOf(spec));
}
