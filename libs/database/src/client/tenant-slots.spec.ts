import { TenantSlots } from './tenant-slots';

const A = 'tenant-a';
const B = 'tenant-b';

describe('TenantSlots', () => {
  it('should let a tenant run up to its cap, queue the rest in order, and never hold other tenants', async () => {
    const slots = new TenantSlots(2);
    const order: string[] = [];
    const leaveA1 = await slots.enter(A);
    const leaveA2 = await slots.enter(A);
    const a3 = slots.enter(A).then((leave) => (order.push('a3'), leave));
    const a4 = slots.enter(A).then((leave) => (order.push('a4'), leave));
    const leaveB = await slots.enter(B);
    order.push('b');
    expect(slots.load(A)).toEqual({ running: 2, waiting: 2 });

    leaveA1();
    const leaveA3 = await a3;
    expect(order).toEqual(['b', 'a3']);
    leaveA2();
    leaveA3();
    (await a4)();
    leaveB();
    expect(order).toEqual(['b', 'a3', 'a4']);
    expect(slots.load(A)).toEqual({ running: 0, waiting: 0 });
    expect(slots.load(B)).toEqual({ running: 0, waiting: 0 });
  });

  it('should count a slot left twice once', async () => {
    const slots = new TenantSlots(1);
    const leave = await slots.enter(A);
    const next = slots.enter(A);
    leave();
    leave();
    const leaveNext = await next;
    expect(slots.load(A)).toEqual({ running: 1, waiting: 0 });
    leaveNext();
    expect(slots.load(A)).toEqual({ running: 0, waiting: 0 });
  });
});
