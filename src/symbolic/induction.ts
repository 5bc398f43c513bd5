export async function induction(..._a: any[]): Promise<any> { throw new Error('todo'); }
