/**
 * What a target object allows and how its creates are made idempotent, as its connector
 * declares them (ObjectDescription: `creatable`, `archivable`, `deletable`, `createKey`).
 * The engine asks; it never tests which system it talks to (ARCHITECTURE "Connectors").
 */
import type { Connector, CreateKeySpec, ObjectDescription } from '../connector/index.ts';

/** What the engine may do to an object of the other side. */
export interface TargetCapabilities {
  /** The object's name. */
  readonly object: string;
  /** Records can be created. */
  readonly creatable: boolean;
  /** Records can be archived (soft-deleted). */
  readonly archivable: boolean;
  /** Records can be deleted. */
  readonly deletable: boolean;
  /**
   * How creates are keyed, when they can be now: a generated key whose field must first
   * be made (`ensure`) counts only once the object has that field.
   */
  readonly createKey?: CreateKeySpec;
}

/** The capabilities of `object` as described. An object the connector does not describe allows what the contract defaults to. */
export function capabilitiesOf(object: string, described: ObjectDescription | undefined): TargetCapabilities {
  const key = described?.createKey;
  const usable =
    key !== undefined &&
    (key.source === 'field' ||
      key.ensure === undefined ||
      described?.fields.some((f) => f.name === key.field) === true);
  return {
    object,
    creatable: described?.creatable !== false,
    archivable: described?.archivable === true,
    deletable: described?.deletable !== false,
    ...(usable ? { createKey: key } : {}),
  };
}

/** The capabilities of `object` on `connector` (its description is cached by the connector). */
export async function targetCapabilities(connector: Connector, object: string): Promise<TargetCapabilities> {
  return capabilitiesOf(
    object,
    (await connector.describe()).find((o) => o.name === object),
  );
}
