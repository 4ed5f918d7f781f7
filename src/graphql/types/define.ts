// Builds type-graphql classes from the resource descriptions. The decorators
// are the same ones a hand-written class would carry, applied as functions,
// always with an explicit type (so no decorator metadata is needed).
import { Float, ID, Int, registerEnumType, type FieldOptions } from 'type-graphql';
import { Field } from 'type-graphql';
import type { AttributeDescription } from '../../resources/description.js';
import { DateScalar } from '../scalars.js';
import { upperFirst } from '../naming.js';

export interface GraphQLClass {
  new (): object;
  readonly prototype: object;
}
/** What a type function may answer (type-graphql does not export the name). */
export type ReturnTypeFuncValue = ReturnType<NonNullable<Parameters<typeof Field>[0]>>;

/** An empty class with a given name (type-graphql names types after their class unless told). */
export function namedClass(name: string): GraphQLClass {
  return { [name]: class {} }[name]!;
}

export function addField(target: GraphQLClass, name: string, type: () => ReturnTypeFuncValue, options: FieldOptions = {}): void {
  Field(type, options)(target.prototype, name);
}

const enums = new Map<string, object>();

/** One GraphQL enum per enum attribute, e.g. GradeLetter. */
function enumFor(attribute: AttributeDescription): object {
  const name = upperFirst(attribute.field);
  let values = enums.get(name);
  if (!values) {
    values = Object.fromEntries((attribute.enumValues ?? []).map((v) => [v, v]));
    registerEnumType(values, { name });
    enums.set(name, values);
  }
  return values;
}

/** The GraphQL type of an attribute's value. */
export function attributeType(attribute: AttributeDescription | 'id'): ReturnTypeFuncValue {
  if (attribute === 'id') return ID;
  switch (attribute.type) {
    case 'string':
      return String;
    case 'integer':
      return Int;
    case 'float':
      return Float;
    case 'boolean':
      return Boolean;
    case 'date':
      return DateScalar;
    case 'enum':
      return enumFor(attribute);
  }
}
