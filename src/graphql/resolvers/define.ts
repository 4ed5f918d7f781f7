// Adds a resolver method to a generated resolver class with its decorators,
// as `@Query(...) async name(@Arg(...) id, @Ctx() ctx)` would.
type Method = (...args: never[]) => unknown;
/** type-graphql's parameter decorators (property key never undefined). */
type ParamDecorator = (target: object, propertyKey: string | symbol, parameterIndex: number) => void;

export function defineMethod(
  target: new () => object,
  name: string,
  implementation: Method,
  decorators: { method: MethodDecorator[]; params: ParamDecorator[] },
): void {
  const prototype = target.prototype as object;
  Object.defineProperty(prototype, name, { value: implementation, writable: true, configurable: true });
  decorators.params.forEach((decorate, index) => decorate(prototype, name, index));
  for (const decorate of decorators.method) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
    const result = decorate(prototype, name, descriptor);
    if (result) Object.defineProperty(prototype, name, result);
  }
}
