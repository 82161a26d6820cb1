import { describe, expect, it } from 'vitest';
import { humanize, lookupLabel, objectName, pluralize, snakeCase, uniqueNames } from '../../../src/main/introspect/naming';

describe('snake_case names from database names', () => {
  it.each([
    ['InvoiceLine', 'invoice_line'],
    ['SupportRepId', 'support_rep_id'],
    ['support_rep_id', 'support_rep_id'],
    ['Customer Account', 'customer_account'],
    ['e-mail', 'e_mail'],
    ['HTTPServerLog', 'http_server_log'],
    ['Créé le', 'cree_le'],
    ['order', 'order'],
    ['2021 Sales', '_2021_sales'],
    ['_id', '_id'],
    ['   ', 'field'],
  ])('%s → %s', (raw, snake) => expect(snakeCase(raw)).toBe(snake));

  it('prefixes the namespace and never starts an object name with a digit', () => {
    expect(objectName('Customer', 'biz')).toBe('biz_customer');
    expect(objectName('2021 Sales')).toBe('t_2021_sales');
  });

  it('keeps names unique when two normalise to one', () => {
    expect([...uniqueNames(['Order', 'order', 'ORDER']).values()]).toEqual(['order', 'order_2', 'order_3']);
  });

  it('labels from names', () => {
    expect(humanize('support_rep_id')).toBe('Support Rep ID');
    expect(lookupLabel('support_rep_id')).toBe('Support Rep');
    expect(lookupLabel('reports_to')).toBe('Reports To');
    expect(pluralize('Category')).toBe('Categories');
    expect(pluralize('Box')).toBe('Boxes');
    expect(pluralize('Paid Orders')).toBe('Paid Orders');
    expect(pluralize('Invoice Line')).toBe('Invoice Lines');
  });
});
