/**
 * Generates known-fields.json: the property names of every schema Weir validates against, for
 * the unknown-field check (known-fields.ts).
 *
 * The @kubernetes-models packages ship their schemas only as ajv standalone validators, which do
 * not reject unknown properties (the CRDs do not say `additionalProperties: false`), and as
 * TypeScript declarations generated from the same OpenAPI schemas. This reads the declarations
 * with the TypeScript compiler, so the field names come from the package versions installed.
 *
 *   bun src/resources/known-fields-gen.ts     # rewrite known-fields.json after a package upgrade
 */
import ts from 'typescript'
import { dirname, join } from 'node:path'
import { schemaModules } from './kinds.ts'
import { OBJECT_META, type FieldNode, type FieldTree } from './known-fields-format.ts'

/** declarationOf maps a validator module to the declaration file and interface of its model. */
function declarationOf(module: string): { specifier: string; name: string } {
  if (module === OBJECT_META) return { specifier: '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta', name: 'IObjectMeta' }
  const gateway = /^@kubernetes-models\/gateway-api\/_schemas\/IoK8sSigsGatewayApiApis(x?)(V1(?:alpha\d|beta\d)?)(\w+)$/.exec(module)
  if (gateway) {
    const [, experimental, version, kind] = gateway
    const group = experimental ? 'gateway.networking.x-k8s.io' : 'gateway.networking.k8s.io'
    return { specifier: `@kubernetes-models/gateway-api/${group}/${version!.toLowerCase()}/${kind}`, name: `I${kind}` }
  }
  const core = /^kubernetes-models\/_schemas\/IoK8sApi(Core|Discovery)V1(\w+)$/.exec(module)
  if (core) {
    const [, group, kind] = core
    const path = group === 'Core' ? 'v1' : 'discovery.k8s.io/v1'
    return { specifier: `kubernetes-models/${path}/${kind}`, name: `I${kind}` }
  }
  throw new Error(`no declaration known for ${module}`)
}

/** generateFieldTree builds the table for the given validator modules. */
export function generateFieldTree(modules: readonly string[]): FieldTree {
  const root = join(dirname(import.meta.path), '..', '..')
  const entry = join(root, '__known_fields_entry__.ts')
  const source = modules
    .map((m, i) => {
      const d = declarationOf(m)
      return `import type { ${d.name} as T${i} } from '${d.specifier}'\nexport type R${i} = T${i}\n`
    })
    .join('')
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  }
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile
  host.readFile = (f) => (f === entry ? source : readFile(f))
  const fileExists = host.fileExists
  host.fileExists = (f) => f === entry || fileExists(f)
  const getSourceFile = host.getSourceFile
  host.getSourceFile = (f, lang, ...rest) =>
    f === entry ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, ...rest)
  const program = ts.createProgram([entry], options, host)
  const checker = program.getTypeChecker()
  const file = program.getSourceFile(entry)!
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)

  const nodes: FieldNode[] = []
  const byType = new Map<ts.Type, number>()
  const byShape = new Map<string, number>()
  const intern = (node: FieldNode): number => {
    const shape = JSON.stringify(node)
    let id = byShape.get(shape)
    if (id === undefined) {
      id = nodes.length
      nodes.push(node)
      byShape.set(shape, id)
    }
    return id
  }
  intern(0)

  function walk(type: ts.Type): number {
    const known = byType.get(type)
    if (known !== undefined) return known
    let parts = type.isUnion() ? type.types : [type]
    parts = parts.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)))
    const objects = parts.filter((t) => t.flags & ts.TypeFlags.Object)
    if (objects.length !== 1) return 0 // a scalar, or nothing this check can narrow down
    const t = objects[0]!
    if (checker.isArrayType(t)) {
      const element = checker.getTypeArguments(t as ts.TypeReference)[0]
      return element ? intern({ items: walk(element) }) : 0
    }
    const properties = checker.getPropertiesOfType(t)
    if (properties.length === 0 || checker.getIndexInfoOfType(t, ts.IndexKind.String)) return 0
    // A placeholder first, so that a recursive type refers to itself instead of looping.
    const id = nodes.length
    nodes.push(0)
    byType.set(type, id)
    const fields: Record<string, number> = {}
    for (const p of [...properties].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      fields[p.name] = walk(checker.getTypeOfSymbolAtLocation(p, file))
    }
    nodes[id] = { fields }
    return id
  }

  const roots: Record<string, number> = {}
  modules.forEach((m, i) => {
    const symbol = exported.find((s) => s.name === `R${i}`)
    if (!symbol) throw new Error(`cannot resolve the model type of ${m}`)
    roots[m] = walk(checker.getDeclaredTypeOfSymbol(symbol))
    if (roots[m] === 0) throw new Error(`the model type of ${m} has no properties`)
  })
  return { nodes, roots }
}

if (import.meta.main) {
  const tree = generateFieldTree([...schemaModules(), OBJECT_META])
  const out = join(dirname(import.meta.path), 'known-fields.json')
  await Bun.write(out, JSON.stringify(tree) + '\n')
  console.log(`${out}: ${tree.nodes.length} nodes, ${Object.keys(tree.roots).length} kinds`)
}
