// Variant matrices for the THP COW specs: kernel era x cow.c layout (x GUP
// path), each variant named '<era>-<layout>[-fast]'.

import { LAYOUT_DOCS, THP_KERNELS, THP_KERNEL_DOCS, type Layout, type ThpKernel } from './cow-model.ts';

export interface ThpVariant {
  readonly era: keyof typeof THP_KERNELS;
  readonly k: ThpKernel;
  readonly layout: Layout;
  readonly fast: boolean;
}

export const ALL_LAYOUTS: readonly Layout[] = ['pmd', 'pte', 'single', 'partial'];

export function thpVariants(
  layouts: readonly Layout[] = ALL_LAYOUTS,
  paths: readonly ('slow' | 'fast')[] = ['slow'],
): { variants: Record<string, ThpVariant>; docs: Record<string, string> } {
  const variants: Record<string, ThpVariant> = {};
  const docs: Record<string, string> = {};
  for (const era of Object.keys(THP_KERNELS) as (keyof typeof THP_KERNELS)[]) {
    for (const layout of layouts) {
      for (const path of paths) {
        const name = `${era}-${layout}${path === 'fast' ? '-fast' : ''}`;
        variants[name] = { era, k: THP_KERNELS[era], layout, fast: path === 'fast' };
        docs[name] = `${THP_KERNEL_DOCS[era]}; ${LAYOUT_DOCS[layout]}${path === 'fast' ? '; GUP-fast' : ''}`;
      }
    }
  }
  return { variants, docs };
}

/** Expectations: every listed property violated in every variant whose name matches. */
export function violatedWhere(
  names: readonly string[],
  match: (v: string) => boolean,
  props: readonly string[],
): Record<string, Record<string, 'violated'>> {
  const out: Record<string, Record<string, 'violated'>> = {};
  for (const v of names) {
    if (match(v)) out[v] = Object.fromEntries(props.map((p) => [p, 'violated' as const]));
  }
  return out;
}
