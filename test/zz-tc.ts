import { bool, model, record, thread, type Infer } from '../src/index.ts';
const t1 = thread(['a', 'b']);
const r1 = record({ lock: bool(), t: thread(['a', 'b']) });
const r2 = record({ lock: bool(), t: t1 });
type T1 = Infer<typeof r1>['t'];
type T2 = Infer<typeof r2>['t'];
const x1: T1 = { pc: 'zzz' };
const x2: T2 = { pc: 'zzz' };
void x1; void x2; void model;
