import { corsHeaders, PREFLIGHT_HEADERS } from '../../src/http/cors';

describe('corsHeaders', () => {
  const allowList = ['https://ops.example'];

  it('sends nothing when no origin is allowed', () => {
    expect(corsHeaders('https://ops.example', [])).toEqual({});
    expect(corsHeaders(undefined, [])).toEqual({});
  });

  it('echoes an allowed origin, with Vary: Origin', () => {
    expect(corsHeaders('https://ops.example', allowList)).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://ops.example',
    });
  });

  it('answers a foreign or missing origin with Vary only', () => {
    expect(corsHeaders('https://evil.example', allowList)).toEqual({ Vary: 'Origin' });
    expect(corsHeaders(undefined, allowList)).toEqual({ Vary: 'Origin' });
  });

  it("echoes any origin for '*' (never the literal '*', which would refuse credentials)", () => {
    expect(corsHeaders('https://any.example', ['*'])).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://any.example',
    });
  });

  it('lets preflights ask for what the SSE routes read', () => {
    expect(PREFLIGHT_HEADERS['Access-Control-Allow-Headers']).toContain('Last-Event-ID');
    expect(PREFLIGHT_HEADERS['Access-Control-Allow-Methods']).toBe('GET, HEAD');
  });
});
