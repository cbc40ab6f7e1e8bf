import fc from 'fast-check';
import {
  isNotification,
  JsonRpcErrorCode,
  jsonRpcIncomingSchema,
  jsonRpcRequestSchema,
  parseIncoming,
  type JsonRpcIncoming,
} from '../../src/daemon/json-rpc';

describe('parseIncoming', () => {
  it.each([
    ['a success response', '{"jsonrpc":"2.0","result":{"events":[]},"id":1}'],
    ['a success response with a null result', '{"jsonrpc":"2.0","result":null,"id":"a"}'],
    [
      'an error response',
      '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Job not found","data":null},"id":2}',
    ],
    [
      'an error response with a null id',
      '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}',
    ],
    ['a notification', '{"jsonrpc":"2.0","method":"monitor.event","params":{"job_id":"a"}}'],
    ['a notification without params', '{"jsonrpc":"2.0","method":"ping"}'],
  ])('accepts %s, keeping every field', (_name, line) => {
    const parsed = parseIncoming(line);
    expect(parsed).toEqual({ ok: true, message: JSON.parse(line) as unknown });
  });

  it('keeps unknown extra fields', () => {
    expect(parseIncoming('{"jsonrpc":"2.0","result":1,"id":1,"extra":[1]}')).toEqual({
      ok: true,
      message: { jsonrpc: '2.0', result: 1, id: 1, extra: [1] },
    });
  });

  it('says not_json for a line that is not JSON', () => {
    expect(parseIncoming('{"jsonrpc":')).toEqual({ ok: false, reason: 'not_json' });
    expect(parseIncoming('')).toEqual({ ok: false, reason: 'not_json' });
  });

  it.each([
    ['a wrong version', '{"jsonrpc":"1.0","result":1,"id":1}'],
    ['no version', '{"result":1,"id":1}'],
    ['neither result nor error', '{"jsonrpc":"2.0","id":1}'],
    ['both result and error', '{"jsonrpc":"2.0","result":1,"error":{"code":1,"message":"x"},"id":1}'],
    ['a success without id', '{"jsonrpc":"2.0","result":1}'],
    ['a success with a null id', '{"jsonrpc":"2.0","result":1,"id":null}'],
    ['an error without a numeric code', '{"jsonrpc":"2.0","error":{"code":"E","message":"x"},"id":1}'],
    ['an error without a message', '{"jsonrpc":"2.0","error":{"code":1},"id":1}'],
    ['a request (method and id)', '{"jsonrpc":"2.0","method":"m","id":1}'],
    ['an array', '[{"jsonrpc":"2.0","result":1,"id":1}]'],
    ['a number', '42'],
    ['null', 'null'],
  ])('says not_json_rpc for %s, with the parsed value', (_name, line) => {
    expect(parseIncoming(line)).toEqual({
      ok: false,
      reason: 'not_json_rpc',
      value: JSON.parse(line) as unknown,
    });
  });
});

describe('parseIncoming against the schema', () => {
  const absent = Symbol('absent');
  const member = (...values: unknown[]) => fc.oneof(fc.constantFrom(absent, ...values), fc.jsonValue());
  /** Lines shaped like messages, each member right, wrong or missing, with extra members. */
  const messageLike = fc
    .record({
      jsonrpc: member('2.0', '1.0', 2),
      method: member('monitor.event', ''),
      params: member({ job_id: 'a' }, null, [1]),
      id: member(1, 'a', null),
      result: member(null, 1),
      error: member({ code: -32000, message: 'x' }, { code: 'E', message: 'x' }),
    })
    .chain((known) =>
      fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => {
        const message: Record<string, unknown> = { ...extra };
        for (const [key, value] of Object.entries(known)) {
          if (value === absent) delete message[key];
          else message[key] = value;
        }
        return JSON.stringify(message);
      }),
    );

  it('accepts exactly what jsonRpcIncomingSchema accepts, with the same message', () => {
    fc.assert(
      fc.property(fc.oneof(messageLike, fc.json()), (line) => {
        const schema = jsonRpcIncomingSchema.safeParse(JSON.parse(line));
        const parsed = parseIncoming(line);
        expect(parsed.ok).toBe(schema.success);
        if (parsed.ok) expect(parsed.message).toEqual(schema.data);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isNotification', () => {
  it('tells notifications from responses', () => {
    const notification = { jsonrpc: '2.0', method: 'monitor.event', params: {} } as JsonRpcIncoming;
    const response = { jsonrpc: '2.0', result: null, id: 1 } as JsonRpcIncoming;
    const error = { jsonrpc: '2.0', error: { code: -1, message: 'x' }, id: null } as JsonRpcIncoming;
    expect([notification, response, error].map(isNotification)).toEqual([true, false, false]);
  });
});

describe('jsonRpcRequestSchema', () => {
  it('accepts requests and notifications with object, array, null or no params', () => {
    for (const params of [{ a: 1 }, [1], null, undefined]) {
      expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', method: 'm', params, id: 1 }).success).toBe(
        true,
      );
    }
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', method: 'm' }).success).toBe(true);
  });

  it('rejects a missing method, scalar params and a bad id', () => {
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', id: 1 }).success).toBe(false);
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', method: 'm', params: 'x', id: 1 }).success).toBe(
      false,
    );
    expect(jsonRpcRequestSchema.safeParse({ jsonrpc: '2.0', method: 'm', id: {} }).success).toBe(false);
  });
});

describe('JsonRpcErrorCode', () => {
  it('holds the codes of the conductor protocol', () => {
    expect(JsonRpcErrorCode).toMatchObject({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      JobNotFound: -32000,
      WorkspaceNotFound: -32005,
    });
  });
});
