import { describe, expect, test } from 'bun:test'
import type { RawFilter } from '../translate/route-filters.ts'
import { buildFilter, exchangeThrough, resource, service, testExchange, type FilterSetup } from '../testing/exchange.ts'

// HTTPRequestMirrorFilter (Gateway API v1.6): requests are copied to backendRef and its answers
// are ignored; `percent` or `fraction` (denominator 100 by default) say how many, all of them when
// neither is set. A backendRef that cannot be resolved is dropped and reported (ResolvedRefs=False)
// while the rule keeps working. Cases follow the conformance tests HTTPRouteRequestMirror,
// HTTPRouteRequestMultipleMirrors and HTTPRouteRequestPercentageMirror.

const SERVICES: FilterSetup = { resources: [service('mirror', [80]), service('mirror-2', [8080]), service('app', [80])] }

function mirror(requestMirror: Record<string, unknown>, setup: FilterSetup = SERVICES) {
  return buildFilter({ type: 'RequestMirror', requestMirror }, setup)
}

const toMirror = { backendRef: { name: 'mirror', port: 80 } }

/** mirroredShare sends `n` requests through the filters and counts those that got a mirror. */
function mirroredShare(raw: Record<string, unknown>, n: number): number {
  const { filter } = mirror(raw)
  let mirrored = 0
  for (let i = 0; i < n; i++) {
    const t = testExchange({ target: `/percent-mirror/${i}` })
    if (exchangeThrough([filter], t).mirroredTo.length > 0) mirrored++
  }
  return mirrored
}

describe('RequestMirror', () => {
  test('without percent or fraction every request is mirrored to the backendRef, and still forwarded', () => {
    const { filter, compiled, refErrors } = mirror(toMirror)
    expect(refErrors).toEqual([])
    expect(compiled.map((b) => b.key)).toEqual(['Service/default/mirror:80'])
    for (let i = 0; i < 100; i++) {
      const t = testExchange({ target: '/mirror' })
      const res = exchangeThrough([filter], t, { status: 200, headers: [['x-upstream', 'app']] })
      expect(res.answered).toBe(false)
      expect(res.header('x-upstream')).toBe('app')
      expect(res.mirroredTo).toEqual(['Service/default/mirror:80'])
    }
  })

  test('the request itself is not changed by mirroring', () => {
    const t = testExchange({ method: 'POST', target: '/mirror/a?b=c', headers: { 'x-h': '1' } })
    exchangeThrough([mirror(toMirror).filter], t)
    expect(t.ex.upstreamPath).toBe('/mirror/a')
    expect(t.ex.rawQuery).toBe('b=c')
    expect(t.ex.authority).toBe('example.com')
    expect(t.ex.headers).toEqual(['host', 'example.com', 'x-h', '1'])
    expect(t.downstream.headersSent).toBe(false)
  })

  test('two mirror filters send a copy to each backend (HTTPRouteRequestMultipleMirrors)', () => {
    const a = mirror(toMirror)
    const b = mirror({ backendRef: { name: 'mirror-2', port: 8080 } })
    const t = testExchange({ target: '/multi-mirror' })
    expect(exchangeThrough([a.filter, b.filter], t).mirroredTo).toEqual(['Service/default/mirror:80', 'Service/default/mirror-2:8080'])
  })

  test('the mirror gets the Service endpoints from its EndpointSlices', () => {
    const slice = resource('EndpointSlice', 'mirror-abc', { endpoints: [{ addresses: ['10.0.0.7'] }], ports: [{ port: 9000 }] })
    const labelled = { ...slice, meta: { ...slice.meta, labels: { 'kubernetes.io/service-name': 'mirror' } } }
    const { compiled } = mirror(toMirror, { resources: [resource('Service', 'mirror', { spec: { ports: [{ port: 80, targetPort: 9000 }] } }), labelled] })
    expect(compiled[0]?.endpoints).toEqual([{ address: '10.0.0.7', port: 9000 }])
  })
})

describe('RequestMirror sampling', () => {
  test.each([
    ['percent 0', { percent: 0 }],
    ['fraction 0/100', { fraction: { numerator: 0 } }],
    ['fraction 0/7', { fraction: { numerator: 0, denominator: 7 } }],
  ])('%s never mirrors', (_name, share) => {
    expect(mirroredShare({ ...toMirror, ...share }, 2000)).toBe(0)
  })

  test.each([
    ['percent 100', { percent: 100 }],
    ['fraction 100/100 (default denominator)', { fraction: { numerator: 100 } }],
    ['fraction 3/3', { fraction: { numerator: 3, denominator: 3 } }],
  ])('%s always mirrors', (_name, share) => {
    expect(mirroredShare({ ...toMirror, ...share }, 2000)).toBe(2000)
  })

  // 10000 draws each; the bound is five standard deviations of the binomial count, so a correct
  // implementation fails about once in two million runs, and a share off by a few points fails.
  const N = 10_000
  test.each([
    ['percent 50', { percent: 50 }, 0.5],
    ['percent 20', { percent: 20 }, 0.2],
    ['percent 1', { percent: 1 }, 0.01],
    ['percent 99', { percent: 99 }, 0.99],
    ['fraction 1/4', { fraction: { numerator: 1, denominator: 4 } }, 0.25],
    ['fraction 33 (of the default 100)', { fraction: { numerator: 33 } }, 0.33],
    ['fraction 5/1000', { fraction: { numerator: 5, denominator: 1000 } }, 0.005],
  ])('%s mirrors about that share of %#', (_name, share, p) => {
    const count = mirroredShare({ ...toMirror, ...share }, N)
    const sigma = Math.sqrt(N * p * (1 - p))
    expect(count).toBeGreaterThanOrEqual(Math.floor(N * p - 5 * sigma))
    expect(count).toBeLessThanOrEqual(Math.ceil(N * p + 5 * sigma))
  })

  test('a zero share does not even set up the mirror backend', () => {
    expect(mirror({ ...toMirror, percent: 0 }).compiled).toEqual([])
  })
})

describe('RequestMirror to a backendRef that cannot be used', () => {
  test.each<[string, Record<string, unknown>, FilterSetup, string]>([
    ['a missing Service', { backendRef: { name: 'no-such-service', port: 80 } }, SERVICES, 'BackendNotFound'],
    ['a port the Service does not have', { backendRef: { name: 'mirror', port: 81 } }, SERVICES, 'BackendNotFound'],
    ['a kind other than Service', { backendRef: { group: 'example.com', kind: 'Bucket', name: 'mirror', port: 80 } }, SERVICES, 'InvalidKind'],
    [
      'a Service in another namespace without a ReferenceGrant',
      { backendRef: { name: 'mirror', namespace: 'other', port: 80 } },
      { resources: [service('mirror', [80], 'other')] },
      'RefNotPermitted',
    ],
  ])('%s: the mirror is dropped and reported, the request still goes through', (_name, requestMirror, setup, reason) => {
    const { filter, refErrors, compiled } = mirror(requestMirror, setup)
    expect(refErrors.map((e) => [e.type, e.reason])).toEqual([['ResolvedRefs', reason]])
    expect(compiled).toEqual([])
    const t = testExchange({ target: '/mirror' })
    const res = exchangeThrough([filter], t, { status: 200 })
    expect(res.answered).toBe(false)
    expect(res.status).toBe(200)
    expect(res.mirroredTo).toEqual([])
  })

  test('a ReferenceGrant makes the cross-namespace mirror usable', () => {
    const grant = resource(
      'ReferenceGrant',
      'allow',
      { spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } },
      'other'
    )
    const raw: RawFilter = { type: 'RequestMirror', requestMirror: { backendRef: { name: 'mirror', namespace: 'other', port: 80 } } }
    const { filter, refErrors } = buildFilter(raw, { resources: [service('mirror', [80], 'other'), grant] })
    expect(refErrors).toEqual([])
    const t = testExchange()
    expect(exchangeThrough([filter], t).mirroredTo).toEqual(['Service/other/mirror:80'])
  })
})
