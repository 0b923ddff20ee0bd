import { describe, expect, test } from 'bun:test'
import { CliError, parseArgs } from './args.ts'

describe('parseArgs', () => {
  test('serve takes the defaults of the interface', () => {
    expect(parseArgs(['--config', './gateways'])).toMatchObject({
      command: 'serve',
      configDir: './gateways',
      admin: { hostname: '127.0.0.1', port: 9901 },
      bindAddress: '0.0.0.0',
      controllerName: undefined,
      logLevel: 'info',
      accessLog: true,
    })
  })

  test('check, --flag=value forms, and --admin off', () => {
    expect(parseArgs(['check', '--config=dir', '--admin', 'off', '--controller-name=weir.dev/x'])).toMatchObject({
      command: 'check',
      configDir: 'dir',
      admin: undefined,
      controllerName: 'weir.dev/x',
    })
    expect(parseArgs(['--config', 'd', '--admin', '[::1]:9000']).admin).toEqual({ hostname: '::1', port: 9000 })
  })

  test.each([[[]], [['--config']], [['--config', 'd', '--admin', 'nowhere']], [['--config', 'd', '--log-level', 'loud']], [['--config', 'd', '--frobnicate']]])(
    'refuses %j',
    (argv) => {
      expect(() => parseArgs(argv)).toThrow(CliError)
    }
  )
})
