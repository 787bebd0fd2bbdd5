// Relation and RelatedUnit: one relation of an endpoint and one remote unit in it, with
// their data views. Reads go through the hook session's cache; writes are staged there.
import { Err, Ok, type Result } from 'ts-results-es';
import type { HookSession } from '../juju/hook-session.js';
import type { RelationData } from '../juju/hook-tools.js';
import { compareUnitNames } from '../juju/ordering.js';
import { decodeValue, publishView, receivedView } from './views.js';

/** Anything with zod's safeParse (kept structural so the core does not import zod). */
export interface DataSchema<T> {
  /** Validate `value`; never throws for bad data. */
  safeParse(value: unknown):
    | {
        /** The value is valid. */
        success: true;
        /** The parsed value. */
        data: T;
      }
    | {
        /** The value is invalid. */
        success: false;
        /** Why. */
        error: {
          /** One entry per problem, first the most relevant. */
          issues: readonly SchemaIssue[];
        };
      };
}

/** One problem a schema found. */
export interface SchemaIssue {
  /** Where: the key path inside the value (`['cluster-address']`). */
  readonly path: readonly PropertyKey[];
  /** What is wrong. */
  readonly message: string;
}

/** Why a unit's received data did not parse: which unit, which key, what is wrong. */
export class ReceivedDataError extends Error {
  /** Always `ReceivedDataError`. */
  override readonly name = 'ReceivedDataError';
  constructor(
    /** The remote unit that published the data. */
    readonly unit: string,
    /** The relation it was published on. */
    readonly relationId: string,
    /** The first offending key ('' when the whole bag is wrong). */
    readonly key: string,
    /** What is wrong with it (never the value). */
    readonly problem: string,
  ) {
    super(`${unit} on ${relationId}: ${key ? `${key}: ` : ''}${problem}`);
  }
}

/** Parse a decoded bag with a schema; the error names the first offending key. */
export function parseBag<T>(
  schema: DataSchema<T>,
  bag: Record<string, unknown>,
  unit: string,
  relationId: string,
): Result<T, ReceivedDataError> {
  const parsed = schema.safeParse(bag);
  if (parsed.success) return Ok(parsed.data);
  const issue = parsed.error.issues[0];
  const key = issue?.path.length ? String(issue.path[0]) : '';
  return Err(new ReceivedDataError(unit, relationId, key, issue?.message ?? 'invalid data'));
}

/** No units (shared: never changed). */
const NO_UNITS: ReadonlySet<string> = new Set();

function decodeBag(bag: RelationData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(bag).sort()) out[key] = decodeValue(bag[key] as string);
  return out;
}

/**
 * One relation of an endpoint: its remote units, this unit's (and application's) bag to
 * publish in, and the remote application's bag. Writes are buffered until the hook commits.
 * @example
 * for (const relation of rt.endpoint(HttpProvides).relations) {
 *   relation.toPublish['port'] = 8080;            // the bag holds 8080 (JSON)
 *   relation.toPublish['name'] = 'web';           // the bag holds "web" (JSON, quoted)
 *   relation.toPublishRaw['hostname'] = 'web-0';  // the bag holds web-0 (as is)
 * }
 */
export class Relation {
  constructor(
    /** The hook session reads and writes go through. */
    readonly session: HookSession,
    /** The endpoint this relation belongs to. */
    readonly endpointName: string,
    /** The relation id, e.g. `cluster:0`. */
    readonly relationId: string,
    /** Units to leave out of joinedUnits (the departing unit during -departed). */
    private readonly exclude: ReadonlySet<string> = NO_UNITS,
  ) {}

  /** This unit's bag views, made on first use: they hold no state (every access asks the session). */
  private readonly unitViews: { json?: Record<string, unknown>; raw?: Record<string, unknown> } =
    {};

  /** The remote application's name (peers: this application), or undefined if unknown. */
  get application(): string | undefined {
    const app = this.session.relationListApp(this.relationId);
    if (app.isOk() && app.value) return app.value;
    const first = this.joinedUnits[0];
    return first ? first.unitName.split('/')[0] : undefined;
  }

  /** Remote units in the relation, in numeric order. */
  get joinedUnits(): readonly RelatedUnit[] {
    const list = this.session.relationList(this.relationId);
    if (list.isErr()) throw list.error;
    return list.value
      .filter((u) => !this.exclude.has(u))
      .sort(compareUnitNames)
      .map((u) => new RelatedUnit(this, u));
  }

  /** The remote units' names as Juju lists them (not sorted), without building unit views. */
  get joinedUnitNames(): readonly string[] {
    const list = this.session.relationList(this.relationId);
    if (list.isErr()) throw list.error;
    return this.exclude.size === 0 ? list.value : list.value.filter((u) => !this.exclude.has(u));
  }

  /** True when the relation has a remote unit (as `joinedUnits.length > 0`, without listing them). */
  get hasJoinedUnits(): boolean {
    const list = this.session.relationList(this.relationId);
    if (list.isErr()) throw list.error;
    return list.value.some((u) => !this.exclude.has(u));
  }

  /** A view of any unit in the relation, joined or departing. */
  unit(unitName: string): RelatedUnit {
    return new RelatedUnit(this, unitName);
  }

  /** This unit's bag: values JSON-encoded with sorted keys. Assign undefined/null to delete. */
  get toPublish(): Record<string, unknown> {
    this.unitViews.json ??= this.publish(false, true);
    return this.unitViews.json;
  }
  /** This unit's bag, strings as they are. */
  get toPublishRaw(): Record<string, unknown> {
    this.unitViews.raw ??= this.publish(false, false);
    return this.unitViews.raw;
  }
  /** The application's bag (leader only): values JSON-encoded. */
  get toPublishApp(): Record<string, unknown> {
    return this.publish(true, true);
  }
  /** The application's bag (leader only), strings as they are. */
  get toPublishAppRaw(): Record<string, unknown> {
    return this.publish(true, false);
  }

  /** The remote application's bag, JSON-decoded. Read-only. */
  get receivedApp(): Readonly<Record<string, unknown>> {
    return receivedView(() => this.remoteAppBag(), true, `application data on ${this.relationId}`);
  }
  /** The remote application's bag, as strings. Read-only. */
  get receivedAppRaw(): Readonly<Record<string, unknown>> {
    return receivedView(() => this.remoteAppBag(), false, `application data on ${this.relationId}`);
  }

  private remoteAppBag(): RelationData {
    const app = this.application;
    if (app === undefined) return {};
    const bag = this.session.relationGetCommitted(this.relationId, app, true);
    if (bag.isErr()) throw bag.error;
    return bag.value;
  }

  private publish(app: boolean, json: boolean): Record<string, unknown> {
    if (app) {
      const leader = this.session.isLeader();
      if (leader.isErr()) throw leader.error;
      if (!leader.value) {
        throw new Error(
          `toPublishApp on ${this.relationId} used by ${this.session.unitName}, which is not the leader; ` +
            "guard the handler with when('leadership.is_leader')",
        );
      }
    }
    return publishView(
      {
        session: this.session,
        relationId: this.relationId,
        entity: app ? this.session.applicationName : this.session.unitName,
        app,
        what: `${app ? 'application' : 'unit'} data on ${this.relationId}`,
      },
      json,
    );
  }
}

/**
 * A remote unit in a relation, with the data it published. Its data is untrusted input:
 * read it through `parse(schema)`, or check each value's type.
 * @example
 * for (const unit of endpoint.allJoinedUnits) {
 *   const data = unit.parse(peerSchema);
 *   if (data.isErr()) rt.log.warning(data.error.message);
 *   else addPeer(data.value.address);
 * }
 */
export class RelatedUnit {
  constructor(
    /** The relation the unit is in. */
    readonly relation: Relation,
    /** The unit's name, e.g. `mysql/1`. */
    readonly unitName: string,
  ) {}

  /** The relation id of its relation. */
  get relationId(): string {
    return this.relation.relationId;
  }

  /** The unit's number (`mysql/10` → 10). */
  get unitNumber(): number {
    return Number(this.unitName.split('/')[1]);
  }

  /** The raw bag as the unit published it (one relation-get per hook, cached). */
  rawData(): RelationData {
    const bag = this.relation.session.relationGetCommitted(this.relation.relationId, this.unitName);
    if (bag.isErr()) throw bag.error;
    return bag.value;
  }

  /** The unit's data, JSON-decoded (raw string where a value is not JSON). Read-only. */
  get received(): Readonly<Record<string, unknown>> {
    return receivedView(
      () => this.rawData(),
      true,
      `data of ${this.unitName} on ${this.relationId}`,
    );
  }

  /** The unit's data as strings. Read-only. */
  get receivedRaw(): Readonly<Record<string, unknown>> {
    return receivedView(
      () => this.rawData(),
      false,
      `data of ${this.unitName} on ${this.relationId}`,
    );
  }

  /** Validate the decoded data with a schema. Never throws for bad data: returns the reason. */
  parse<T>(schema: DataSchema<T>): Result<T, ReceivedDataError> {
    let bag: RelationData;
    try {
      bag = this.rawData();
    } catch (error) {
      return Err(
        new ReceivedDataError(
          this.unitName,
          this.relationId,
          '',
          `cannot read data: ${(error as Error).message}`,
        ),
      );
    }
    return parseBag(schema, decodeBag(bag), this.unitName, this.relationId);
  }
}
