// The public authoring API. Models and specs import only this module.

export {
  domain,
  bool,
  int,
  enumOf,
  ref,
  optional,
  array,
  record,
  thread,
  set,
  DomainSet,
  type ReadonlyDomainSet,
  type Domain,
  type Type,
  type Infer,
  type DeepReadonly,
} from './spec/schema.ts';
export {
  model,
  Model,
  type ActionDef,
  type ThreadDef,
  type StepDef,
  type AlternativeDef,
  type StepParams,
  type ParamSchema,
  type Fairness,
} from './spec/model.ts';
export { spec, type Spec, type SpecDef, type Verdict } from './spec/spec.ts';
