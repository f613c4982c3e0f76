/**
 * The model registry: model definitions with Odoo's magic fields added (`id`,
 * `display_name`, `create_date`, `create_uid`, `write_date`, `write_uid`), looked up by
 * technical name the way `env[model]` does.
 */
import { OdooError } from '../errors.ts';
import type { FieldDef, ModelDef, Row } from './types.ts';

/** A model definition with its complete field table. */
export interface Model extends ModelDef {
  /** Every field, magic ones included. */
  readonly allFields: Readonly<Record<string, FieldDef>>;
  /** True when the model has an `active` field (archived rows hidden by default). */
  readonly hasActive: boolean;
}

const magicFields = (): Record<string, FieldDef> => ({
  id: { type: 'integer', string: 'ID', readonly: true },
  display_name: { type: 'char', string: 'Display Name', readonly: true, compute: () => [] },
  create_date: { type: 'datetime', string: 'Created on', readonly: true },
  create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', readonly: true },
  write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
  write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', readonly: true },
});

/** True for fields kept on the row (not computed on read). */
export function isStored(field: FieldDef): boolean {
  return field.compute === undefined && field.type !== 'one2many';
}

/** Models by name. */
export class Registry {
  private readonly models = new Map<string, Model>();

  /** Adds model definitions (magic fields are added here). */
  constructor(defs: readonly ModelDef[]) {
    for (const def of defs) {
      const allFields = { ...magicFields(), ...def.fields };
      this.models.set(def.name, { ...def, allFields, hasActive: 'active' in def.fields });
    }
  }

  /** The model, or `UserError: Object x doesn't exist` as execute_kw answers for an unknown model. */
  get(name: string): Model {
    const model = this.models.get(name);
    if (!model) throw new OdooError('odoo.exceptions.UserError', `Object ${name} doesn't exist`);
    return model;
  }

  /** The model, or undefined. */
  find(name: string): Model | undefined {
    return this.models.get(name);
  }

  /** Every model name. */
  names(): string[] {
    return [...this.models.keys()];
  }

  /** A field of a model, or `ValueError: Invalid field 'x' on model 'y'`. */
  field(model: Model, name: string): FieldDef {
    const field = Object.hasOwn(model.allFields, name) ? model.allFields[name] : undefined;
    if (!field) throw new OdooError('builtins.ValueError', `Invalid field '${name}' on model '${model.name}'`);
    return field;
  }
}

/** The default display name: the `name` field, else `model,id` (Odoo's fallback). */
export function defaultDisplayName(model: Model, row: Row): string {
  const name = row['name'];
  if (typeof name === 'string' && name !== '') return name;
  return 'name' in model.allFields ? '' : `${model.name},${row.id}`;
}
