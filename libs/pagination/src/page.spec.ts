import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { InvalidInputError } from '@app/errors';
import { encodeCursor } from './cursor';
import { PageQuery, pageRequest } from './page';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

class ListSomething extends PageQuery {}

describe(PageQuery.name, () => {
  it('should let a cursor of ours through as it is', () => {
    const cursor = encodeCursor({ createdAt: new Date('2024-05-06T07:08:09.123Z'), id: ID });

    const query = plainToInstance(ListSomething, { limit: '5', cursor });

    expect(query).toEqual({ limit: 5, cursor });
    expect(validateSync(query)).toEqual([]);
    expect(pageRequest(query).after).toEqual({ createdAt: new Date('2024-05-06T07:08:09.123Z'), id: ID });
  });

  it('should refuse a cursor PostgreSQL could not take while the query is built, in a subclass too', () => {
    // Year 0: JavaScript holds it, PostgreSQL does not. Refused here, before any handler or transaction.
    const cursor = Buffer.from(`0000-01-01T00:00:00.000Z|${ID}`).toString('base64url');

    expect(() => plainToInstance(ListSomething, { cursor })).toThrow(InvalidInputError);
    expect(() => plainToInstance(ListSomething, { cursor })).toThrow('cursor is not valid');
  });

  it('should leave a cursor that is not a string to the validation rules', () => {
    const query = plainToInstance(ListSomething, { cursor: ['a', 'b'] });

    expect(validateSync(query).map((e) => e.property)).toEqual(['cursor']);
  });
});
