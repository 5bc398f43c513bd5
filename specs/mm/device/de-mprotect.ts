// hmm-tests `exclusive_mprotect`: the page is device-exclusive and mapped
// RW+atomic by the device, then the process mprotect(PROT_READ)s it. The
// PROTECTION_VMA notifier revokes the device's grant before the change,
// and the driver's next atomic fault finds no VM_WRITE (the device write
// gets EPERM): P10 says the mirror never keeps more than the VMA allows.

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { forkPinModel, scenario } from '../../../models/mm/fork-pin-model.ts';
import { P11_FINISHES, PROP, addDriverProgress, allHold, type PropId } from '../../../models/mm/properties.ts';
import { PARENT } from '../../../models/mm/state.ts';

const SC = scenario(2, [], { noFork: true, driver: { start: 'any' }, devWrite: true, parentMprotect: 'any' });

const PROPS: readonly PropId[] = ['P7', 'P8', 'P10', 'P11R', 'P12'];

export default spec({
  name: 'de-mprotect',
  doc: 'hmm-tests exclusive_mprotect: mprotect(PROT_READ) revokes the device grant',
  variants: DE_KERNELS,
  variantDocs: DE_KERNEL_DOCS,
  bounds: () => '1 VA, 1 mm, 2 pages, 1 driver atomic fault (3 rounds), device writes, 1 mprotect',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addDriverProgress(m, false);
    m.sometimes('grant-revoked-by-mprotect', (s) => s.user[PARENT].mprotect.pc === 'done' && s.pte[PARENT].dx && s.dev.perm === 'none' && s.drv.pc === 'done', {
      doc: 'mprotect ran while the entry was device-exclusive and the device lost its grant',
    });
    m.sometimes('atomic-granted', (s) => s.dev.perm === 'atomic');
    return m;
  },
  expect: {
    '*': allHold(PROPS, P11_FINISHES),
    // mprotect's callback also sends the old nouveau loop round again (B7).
    'v5.14': { [PROP.P11R]: 'violated', [PROP.P12]: 'violated' },
    'v6.14': { [PROP.P12]: 'violated' },
  },
});
