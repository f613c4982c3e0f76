/**
 * The explicit connector registry. Each connector folder exports its descriptor from its
 * index.ts; list it here. Nothing is discovered at run time, so what ships is exactly
 * what this list says.
 */
import { createRegistry, type ConnectorDescriptor } from '../src/connector/index.ts';
import hubspot from './hubspot/index.ts';
import odoo from './odoo/index.ts';

/** Every shipped connector descriptor, in no particular order. */
export const connectorDescriptors: readonly ConnectorDescriptor[] = [hubspot, odoo];

/** The registry the composition root (src/cli) uses to create connectors by kind. */
export const connectorRegistry = createRegistry(connectorDescriptors);
